package io.jrpcx.protoc;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** How protoc's Java generator and Go's protoc-gen-rpcx name things. */
final class JavaNames {
  private static final Set<String> JAVA_KEYWORDS =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "var",
          "yield",
          "record",
          "sealed",
          "permits",
          "_");

  /** Java class of every message in the request, by fully qualified proto name (".pkg.Msg"). */
  private final Map<String, String> messageClasses = new HashMap<>();

  JavaNames(Iterable<FileDescriptorProto> files) {
    for (FileDescriptorProto f : files) {
      String protoPrefix = f.getPackage().isEmpty() ? "." : "." + f.getPackage() + ".";
      String javaPrefix = javaPackage(f).isEmpty() ? "" : javaPackage(f) + ".";
      if (!f.getOptions().getJavaMultipleFiles()) {
        javaPrefix += outerClassName(f) + ".";
      }
      for (DescriptorProto m : f.getMessageTypeList()) {
        addMessage(m, protoPrefix, javaPrefix);
      }
    }
  }

  private void addMessage(DescriptorProto m, String protoPrefix, String javaPrefix) {
    messageClasses.put(protoPrefix + m.getName(), javaPrefix + m.getName());
    for (DescriptorProto nested : m.getNestedTypeList()) {
      addMessage(nested, protoPrefix + m.getName() + ".", javaPrefix + m.getName() + ".");
    }
  }

  /** The Java class protoc generates for proto message {@code protoType} (".pkg.Msg"). */
  String messageClass(String protoType) {
    String c = messageClasses.get(protoType);
    if (c == null) {
      throw new GenerationException("message " + protoType + " is not in the request");
    }
    return c;
  }

  /** {@code java_package}, or else the proto package, as protoc's Java generator chooses. */
  static String javaPackage(FileDescriptorProto f) {
    return f.getOptions().hasJavaPackage() ? f.getOptions().getJavaPackage() : f.getPackage();
  }

  /**
   * The class holding a file's types when {@code java_multiple_files} is off: {@code
   * java_outer_classname}, or the file's base name in CamelCase, with {@code OuterClass} added
   * when a type of the file already has that name.
   */
  static String outerClassName(FileDescriptorProto f) {
    if (f.getOptions().hasJavaOuterClassname()) {
      return f.getOptions().getJavaOuterClassname();
    }
    String base = f.getName().substring(f.getName().lastIndexOf('/') + 1);
    if (base.endsWith(".proto")) {
      base = base.substring(0, base.length() - ".proto".length());
    } else if (base.endsWith(".protodevel")) {
      base = base.substring(0, base.length() - ".protodevel".length());
    }
    StringBuilder b = new StringBuilder();
    boolean upper = true;
    for (char c : base.toCharArray()) {
      if (c >= 'a' && c <= 'z') {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else if (c >= 'A' && c <= 'Z') {
        b.append(c);
        upper = false;
      } else if (c >= '0' && c <= '9') {
        b.append(c);
        upper = true;
      } else {
        upper = true;
      }
    }
    String name = b.toString();
    for (DescriptorProto m : f.getMessageTypeList()) {
      if (m.getName().equals(name)) {
        return name + "OuterClass";
      }
    }
    for (EnumDescriptorProto e : f.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return name + "OuterClass";
      }
    }
    for (ServiceDescriptorProto s : f.getServiceList()) {
      if (s.getName().equals(name)) {
        return name + "OuterClass";
      }
    }
    return name;
  }

  /**
   * Go's CamelCase of a proto identifier, as protoc-gen-go names Go types and methods and so as
   * protoc-gen-rpcx names rpcx services and methods: an underscore followed by a lower-case
   * letter is dropped and the letter upper-cased, a leading underscore becomes {@code X}, the
   * first letter and every letter after a digit run start upper case. CamelCase input is kept.
   */
  static String goCamelCase(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_' && i == 0) {
        b.append('X');
      } else if (c == '_' && i + 1 < s.length() && isLower(s.charAt(i + 1))) {
        continue; // the next word's first letter is upper-cased below
      } else if (c >= '0' && c <= '9') {
        b.append(c);
      } else {
        b.append(isLower(c) ? (char) (c - 'a' + 'A') : c);
        while (i + 1 < s.length() && isLower(s.charAt(i + 1))) {
          b.append(s.charAt(++i));
        }
      }
    }
    return b.toString();
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  /** A Java method name for an rpc: its Go name with the first letter lower-cased. */
  static String javaMethodName(String goName) {
    String n =
        goName.isEmpty() ? goName : Character.toLowerCase(goName.charAt(0)) + goName.substring(1);
    return JAVA_KEYWORDS.contains(n) ? n + "_" : n;
  }

  /** {@code SAY_HELLO} for {@code SayHello}: the name of a method-name constant. */
  static String constantName(String goName) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < goName.length(); i++) {
      char c = goName.charAt(i);
      if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(goName.charAt(i - 1))) {
        b.append('_');
      }
      b.append(Character.toUpperCase(c));
    }
    return b.toString();
  }
}
