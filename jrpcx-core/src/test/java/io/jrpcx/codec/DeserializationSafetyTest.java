package io.jrpcx.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import io.jrpcx.Context;
import io.jrpcx.RpcException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.server.Server;
import io.jrpcx.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No payload can make jrpcx run Java native deserialization or pick a Java class: jrpcx-core's
 * compiled classes never reference {@code ObjectInputStream} or Jackson's default typing, the
 * codecs' mappers have default typing off, and a live server that takes {@code Object}s builds
 * only maps, lists, strings and numbers from payloads carrying every usual polymorphic type hint.
 */
class DeserializationSafetyTest {

  /** Set only by {@link Canary}: whether that class was initialised, and instances built. */
  static final AtomicBoolean CANARY_INITIALISED = new AtomicBoolean();

  static final AtomicInteger CANARIES_BUILT = new AtomicInteger();
  static final AtomicInteger CONTROL_CANARIES_BUILT = new AtomicInteger();

  /** Named in payloads only; nothing in this test touches the class itself. */
  static final String CANARY = "io.jrpcx.codec.DeserializationSafetyTest$Canary";

  /** A class a type hint names. Its initialiser and constructor leave marks. */
  public static class Canary implements Serializable {
    private static final long serialVersionUID = 1L;

    static {
      CANARY_INITIALISED.set(true);
    }

    public int x;

    public Canary() {
      CANARIES_BUILT.incrementAndGet();
    }
  }

  /** The same, for the positive control that shows the hints work when default typing is on. */
  public static class ControlCanary {
    public int x;

    public ControlCanary() {
      CONTROL_CANARIES_BUILT.incrementAndGet();
    }
  }

  /** Service methods that take whatever the payload holds and say what Java built from it. */
  public static class Probe {
    public String describe(Object args) {
      return shape(args);
    }

    public String describeMap(Map<String, Object> args) {
      return shape(args);
    }

    public String describeHolder(Holder holder) {
      return "Holder{value=" + shape(holder.value) + "}";
    }
  }

  public static class Holder {
    public Object value;
  }

  @RegisterExtension
  final TestServer server = TestServer.create(b -> {}, s -> s.register("Probe", new Probe(), ""));

  // ---- 1. the bytecode --------------------------------------------------------------------------

  /** Classes whose mere reference from jrpcx-core would make native (de)serialization reachable. */
  private static final List<String> FORBIDDEN_CLASSES =
      List.of(
          "java/io/ObjectInputStream",
          "java/io/ObjectOutputStream",
          "java/io/ObjectInput",
          "java/io/ObjectOutput",
          "java/beans/XMLDecoder",
          "java/rmi/MarshalledObject",
          "io/netty/handler/codec/serialization/", // Netty's ObjectDecoder and friends
          "com/fasterxml/jackson/annotation/JsonTypeInfo",
          "com/fasterxml/jackson/databind/jsontype/impl/LaissezFaireSubTypeValidator",
          "com/fasterxml/jackson/databind/ObjectMapper$DefaultTyping");

  /** Methods that read native serialization or switch Jackson's default typing on. */
  private static final List<String> FORBIDDEN_METHODS =
      List.of(
          "readObject",
          "readUnshared",
          "enableDefaultTyping",
          "enableDefaultTypingAsProperty",
          "activateDefaultTyping",
          "activateDefaultTypingAsProperty",
          "setDefaultTyping");

  @Test
  void noJrpcxCoreClassReferencesNativeDeserializationOrDefaultTyping() throws Exception {
    Map<String, byte[]> classes = mainClasses();
    assertThat(classes)
        .as("jrpcx-core classes found")
        .containsKeys(
            "io/jrpcx/codec/JacksonCodec.class",
            "io/jrpcx/server/ServerCall.class",
            "io/jrpcx/plugin/RequestRateLimitPlugin.class")
        .hasSizeGreaterThan(50);
    List<String> findings = new ArrayList<>();
    classes.forEach((name, bytes) -> findings.addAll(forbiddenReferences(name, bytes)));
    assertThat(findings).as("forbidden references in %d classes", classes.size()).isEmpty();
  }

  @Test
  void theScannerFindsSuchReferencesWhereTheyAre() throws IOException {
    // A positive control: this very test class reads an ObjectInputStream and turns default
    // typing on, so the scan of its bytecode must report both.
    String name = DeserializationSafetyTest.class.getName().replace('.', '/') + ".class";
    byte[] bytes;
    try (InputStream in =
        DeserializationSafetyTest.class.getClassLoader().getResourceAsStream(name)) {
      bytes = in.readAllBytes();
    }
    assertThat(forbiddenReferences(name, bytes))
        .anyMatch(f -> f.contains("java/io/ObjectInputStream"))
        .anyMatch(f -> f.contains("readObject"))
        .anyMatch(f -> f.contains("activateDefaultTyping"))
        .anyMatch(f -> f.contains("LaissezFaireSubTypeValidator"));
  }

  /** Never called: gives the positive control something to find. */
  @SuppressWarnings("unused")
  private static Object nativeAndDefaultTyping(byte[] bytes) throws Exception {
    new ObjectMapper().activateDefaultTyping(LaissezFaireSubTypeValidator.instance);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  // ---- 2. the mappers ---------------------------------------------------------------------------

  @Test
  void theCodecsMappersHaveDefaultTypingOff() {
    List<ObjectMapper> mappers =
        List.of(
            ((JsonCodec) Codecs.defaults().get(SerializeType.JSON)).mapper(),
            ((MsgPackCodec) Codecs.defaults().get(SerializeType.MSGPACK)).mapper(),
            new JsonCodec().mapper(),
            new MsgPackCodec().mapper(),
            JsonCodec.newGoCompatibleMapper(),
            MsgPackCodec.newGoCompatibleMapper());
    for (ObjectMapper mapper : mappers) {
      for (Class<?> type :
          List.of(
              Object.class,
              Map.class,
              List.class,
              Collection.class,
              Serializable.class,
              Comparable.class,
              Holder.class,
              ControlCanary.class,
              Object[].class)) {
        assertThat(mapper.getDeserializationConfig().getDefaultTyper(mapper.constructType(type)))
            .as("default typer for reading %s with %s", type, mapper.getFactory())
            .isNull();
        assertThat(mapper.getSerializationConfig().getDefaultTyper(mapper.constructType(type)))
            .as("default typer for writing %s", type)
            .isNull();
      }
    }
  }

  @Test
  void theSameHintsDoBuildTheNamedClassWhenDefaultTypingIsOnSoTheLiveTestMeansSomething()
      throws IOException {
    String control = ControlCanary.class.getName();
    ObjectMapper unsafe =
        JsonCodec.newGoCompatibleMapper()
            .copy()
            .activateDefaultTyping(
                LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
    Object built = unsafe.readValue("[\"" + control + "\",{\"x\":1}]", Object.class);
    assertThat(built).isInstanceOf(ControlCanary.class);
    assertThat(CONTROL_CANARIES_BUILT).hasPositiveValue();
  }

  // ---- 3. a live server -------------------------------------------------------------------------

  @Test
  void typeHintsInJsonPayloadsBuildOnlyMapsListsAndScalars() {
    Client json =
        server.connect(ClientOptions.DEFAULT.toBuilder().serializeType(SerializeType.JSON).build());
    assertHintsIgnored(json);
  }

  @Test
  void typeHintsInMsgPackPayloadsBuildOnlyMapsListsAndScalars() {
    Client msgpack = server.connect(ClientOptions.DEFAULT); // MsgPack, Go's default
    assertHintsIgnored(msgpack);
  }

  private void assertHintsIgnored(Client client) {
    Map<String, Object> fields = ordered("x", 1);
    // Jackson's WRAPPER_ARRAY, PROPERTY (@class) and WRAPPER_OBJECT; "@type" of other libraries.
    Object wrapperArray = List.of(CANARY, fields);
    Object classProperty = ordered("@class", CANARY, "x", 1);
    Object typeProperty = ordered("@type", CANARY, "x", 1);
    Object wrapperObject = ordered(CANARY, fields);
    Object serializableHint = List.of("java.util.HashMap", fields);

    assertThat(call(client, "Describe", wrapperArray))
        .isEqualTo("ArrayList[String, LinkedHashMap{x=Integer}]");
    assertThat(call(client, "Describe", serializableHint))
        .isEqualTo("ArrayList[String, LinkedHashMap{x=Integer}]");
    assertThat(call(client, "Describe", classProperty))
        .isEqualTo("LinkedHashMap{@class=String, x=Integer}");
    assertThat(call(client, "Describe", typeProperty))
        .isEqualTo("LinkedHashMap{@type=String, x=Integer}");
    assertThat(call(client, "Describe", wrapperObject))
        .isEqualTo("LinkedHashMap{" + CANARY + "=LinkedHashMap{x=Integer}}");
    assertThat(call(client, "DescribeMap", classProperty))
        .isEqualTo("LinkedHashMap{@class=String, x=Integer}");
    assertThat(call(client, "DescribeMap", wrapperObject))
        .isEqualTo("LinkedHashMap{" + CANARY + "=LinkedHashMap{x=Integer}}");
    assertThat(call(client, "DescribeHolder", ordered("value", wrapperArray)))
        .isEqualTo("Holder{value=ArrayList[String, LinkedHashMap{x=Integer}]}");
    assertThat(call(client, "DescribeHolder", ordered("value", classProperty)))
        .isEqualTo("Holder{value=LinkedHashMap{@class=String, x=Integer}}");

    assertThat(CANARIES_BUILT).as("Canary instances built").hasValue(0);
    assertThat(CANARY_INITIALISED).as("Canary class initialised").isFalse();
  }

  /** A map that keeps its keys in the order given, so the hint comes first as Jackson writes it. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static String call(Client client, String method, Object args) {
    try {
      return client.call(
          Context.background().withTimeout(Duration.ofSeconds(5)),
          "Probe",
          method,
          args,
          String.class);
    } catch (RpcException e) {
      throw new AssertionError(method + " " + args + " failed: " + e.getMessage(), e);
    }
  }

  /** Runtime classes of a decoded value: {@code ArrayList[String, LinkedHashMap{x=Integer}]}. */
  static String shape(Object v) {
    if (v instanceof Map) {
      return v.getClass().getSimpleName()
          + ((Map<?, ?>) v)
              .entrySet().stream()
                  .map(e -> e.getKey() + "=" + shape(e.getValue()))
                  .sorted()
                  .collect(Collectors.joining(", ", "{", "}"));
    }
    if (v instanceof List) {
      return v.getClass().getSimpleName()
          + ((List<?>) v)
              .stream()
                  .map(DeserializationSafetyTest::shape)
                  .collect(Collectors.joining(", ", "[", "]"));
    }
    return v == null ? "null" : v.getClass().getSimpleName();
  }

  // ---- class file reading -----------------------------------------------------------------------

  /** Every .class of jrpcx-core's main output (a directory under Maven, or a jar). */
  private static Map<String, byte[]> mainClasses() throws IOException, URISyntaxException {
    Path root = Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Map<String, byte[]> out = new java.util.TreeMap<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        List<Path> classFiles =
            files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList());
        for (Path p : classFiles) {
          out.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        for (JarEntry e : java.util.Collections.list(jar.entries())) {
          if (e.getName().endsWith(".class")) {
            try (InputStream in = jar.getInputStream(e)) {
              out.put(e.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
    return out;
  }

  private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([\\w/$]+)[;<]");

  /** The forbidden classes and methods {@code classFile}'s constant pool refers to. */
  static List<String> forbiddenReferences(String name, byte[] classFile) {
    ConstantPool pool = ConstantPool.read(classFile);
    TreeSet<String> types = new TreeSet<>(pool.classNames());
    for (String utf8 : pool.utf8()) {
      Matcher m = DESCRIPTOR_TYPE.matcher(utf8);
      while (m.find()) {
        types.add(m.group(1));
      }
    }
    List<String> findings = new ArrayList<>();
    for (String type : types) {
      String element = type.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
      for (String forbidden : FORBIDDEN_CLASSES) {
        if (forbidden.endsWith("/") ? element.startsWith(forbidden) : element.equals(forbidden)) {
          findings.add(name + " refers to " + element);
        }
      }
    }
    for (String method : pool.methodRefs()) {
      String methodName = method.substring(method.lastIndexOf('.') + 1);
      if (FORBIDDEN_METHODS.contains(methodName)) {
        findings.add(name + " calls " + method);
      }
    }
    for (String declared : pool.utf8()) {
      if (declared.equals("readObject") || declared.equals("readResolve")) {
        findings.add(name + " declares or names " + declared);
      }
    }
    return findings;
  }

  /** The parts of a class file's constant pool this test needs (JVMS 4.4). */
  private static final class ConstantPool {
    private final String[] utf8;
    private final int[] classNameIndex;
    private final int[] refClass;
    private final int[] refNameAndType;
    private final int[] natName;

    private ConstantPool(int size) {
      utf8 = new String[size];
      classNameIndex = new int[size];
      refClass = new int[size];
      refNameAndType = new int[size];
      natName = new int[size];
    }

    static ConstantPool read(byte[] classFile) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
        if (in.readInt() != 0xCAFEBABE) {
          throw new AssertionError("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        ConstantPool pool = new ConstantPool(count);
        for (int i = 1; i < count; i++) {
          int tag = in.readUnsignedByte();
          switch (tag) {
            case 1 -> pool.utf8[i] = in.readUTF();
            case 7 -> pool.classNameIndex[i] = in.readUnsignedShort();
            case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
            case 3, 4 -> in.readInt(); // Integer, Float
            case 5, 6 -> { // Long, Double take two slots
              in.readLong();
              i++;
            }
            case 9, 10, 11 -> { // Fieldref, Methodref, InterfaceMethodref
              pool.refClass[i] = in.readUnsignedShort();
              pool.refNameAndType[i] = in.readUnsignedShort();
              if (tag == 9) {
                pool.refClass[i] = 0; // fields are not methods
              }
            }
            case 12 -> { // NameAndType
              pool.natName[i] = in.readUnsignedShort();
              in.readUnsignedShort();
            }
            case 15 -> { // MethodHandle
              in.readUnsignedByte();
              in.readUnsignedShort();
            }
            case 17, 18 -> { // Dynamic, InvokeDynamic
              in.readUnsignedShort();
              in.readUnsignedShort();
            }
            default -> throw new AssertionError("unknown constant pool tag " + tag + " at " + i);
          }
        }
        return pool;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    List<String> utf8() {
      return Stream.of(utf8).filter(s -> s != null).collect(Collectors.toList());
    }

    List<String> classNames() {
      List<String> out = new ArrayList<>();
      for (int idx : classNameIndex) {
        if (idx != 0) {
          out.add(utf8[idx]);
        }
      }
      return out;
    }

    /** {@code owner.name} of every method reference. */
    List<String> methodRefs() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < refClass.length; i++) {
        if (refClass[i] != 0) {
          out.add(utf8[classNameIndex[refClass[i]]] + "." + utf8[natName[refNameAndType[i]]]);
        }
      }
      return out;
    }
  }
}
