package io.jrpcx.codec;

import static io.jrpcx.codec.MsgPackSamples.FAST;
import static io.jrpcx.codec.MsgPackSamples.JACKSON;
import static io.jrpcx.codec.MsgPackSamples.assertSameOutcome;
import static io.jrpcx.codec.MsgPackSamples.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnoreType;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jrpcx.CodecException;
import io.jrpcx.codec.MsgPackSamples.Arrays;
import io.jrpcx.codec.MsgPackSamples.Base;
import io.jrpcx.codec.MsgPackSamples.Boxes;
import io.jrpcx.codec.MsgPackSamples.Derived;
import io.jrpcx.codec.MsgPackSamples.Message1;
import io.jrpcx.codec.MsgPackSamples.Node;
import io.jrpcx.codec.MsgPackSamples.Scalars;
import io.jrpcx.codec.MsgPackSamples.WideWriter;
import io.jrpcx.codec.MsgPackSamples.WithInitialValues;
import java.beans.ConstructorProperties;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Go-compatible {@link MsgPackCodec}'s fast path against the same configuration in pure
 * Jackson ({@code new MsgPackCodec(MsgPackCodec.newGoCompatibleMapper())}): byte-identical
 * encodings, equal decoded objects, and where the fast path hands over, Jackson's very result or
 * error. Each test also checks that the fast path itself ran where it should, so that a silent
 * fallback cannot make the comparison trivially true.
 */
class MsgPackFastPathTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final MsgPackFastPath PATH = FAST.fastPath();

  // ---- which classes ----------------------------------------------------------------------------

  public static class Annotated {
    @JsonProperty("renamed")
    public int a;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SkipsNulls {
    public String a;
  }

  @JsonIgnoreType
  public static class Ignored {
    public int a;
  }

  public static class HoldsIgnored {
    public int b;
    public Ignored ignored;
  }

  public static class WithList {
    public List<String> names;
  }

  public static class WithObject {
    public Object any;
  }

  public static class WithEnum {
    public Thread.State state;
  }

  public static class WithChar {
    public char c;
  }

  public static class OnlyArgsConstructor {
    public int a;

    public OnlyArgsConstructor(int a) {
      this.a = a;
    }
  }

  public static class BeansConstructor {
    public int a;

    public BeansConstructor() {}

    @ConstructorProperties({"a"})
    public BeansConstructor(int a) {
      this.a = a;
    }
  }

  public static class CaseTwins {
    public int name;
    public int Name;
  }

  public record Point(int x, int y) {}

  public static class StringMap extends java.util.HashMap<String, String> {
    private static final long serialVersionUID = 1L;
  }

  class Inner {
    public int a;
  }

  @Test
  void plainClassesTakeTheFastPath() {
    for (Class<?> c : MsgPackSamples.PLAIN) {
      assertThat(PATH.handles(c)).as(c.getSimpleName()).isTrue();
    }
  }

  @Test
  void classesJacksonTreatsSpeciallyOrThatHoldOtherTypesStayWithJackson() {
    for (Class<?> c :
        List.of(
            Annotated.class,
            SkipsNulls.class,
            Ignored.class,
            HoldsIgnored.class,
            WithList.class,
            WithObject.class,
            WithEnum.class,
            WithChar.class,
            OnlyArgsConstructor.class,
            BeansConstructor.class,
            CaseTwins.class,
            Point.class,
            StringMap.class,
            Inner.class,
            Object.class,
            String.class,
            Integer.class,
            int.class,
            byte[].class,
            Thread.State.class,
            java.util.ArrayList.class,
            Map.class)) {
      assertThat(PATH.handles(c)).as(c.getName()).isFalse();
    }
    assertThat(new MsgPackCodec(MsgPackCodec.newGoCompatibleMapper()).fastPath())
        .as("a codec over an application's mapper")
        .isNull();
  }

  @Test
  void classesLeftToJacksonStillEncodeAndDecodeAsBefore() {
    Annotated a = new Annotated();
    a.a = 5;
    assertThat(FAST.encode(a)).isEqualTo(JACKSON.encode(a));
    assertThat(HEX.formatHex(FAST.encode(a))).isEqualTo("81a772656e616d656405");
    assertThat(((Annotated) FAST.decode(FAST.encode(a), Annotated.class)).a).isEqualTo(5);
    assertThat(FAST.encode(new Point(1, 2))).isEqualTo(JACKSON.encode(new Point(1, 2)));
  }

  // ---- encoding ---------------------------------------------------------------------------------

  @Test
  void encodingsAreByteIdenticalToJacksonsOverGeneratedValues() {
    Random r = new Random(1);
    for (Class<?> c : MsgPackSamples.PLAIN) {
      for (int i = 0; i < 1500; i++) {
        Object v = MsgPackSamples.anyInstance(c, r, 0);
        byte[] expected = JACKSON.encode(v);
        byte[] fast = PATH.encode(v);
        assertThat(fast).as("%s #%d handled", c.getSimpleName(), i).isNotNull();
        assertThat(HEX.formatHex(fast))
            .as("%s #%d", c.getSimpleName(), i)
            .isEqualTo(HEX.formatHex(expected));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "0",
    "-1",
    "-32",
    "-33",
    "127",
    "128",
    "255",
    "256",
    "65535",
    "65536",
    "-128",
    "-129",
    "-32768",
    "-32769",
    "2147483647",
    "-2147483648",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
  })
  void integersAtEveryBoundaryAreWrittenInJacksonsWidth(long v) {
    Scalars s = new Scalars();
    s.l = v;
    s.i = (int) v;
    s.s = (short) v;
    s.b = (byte) v;
    assertThat(HEX.formatHex(PATH.encode(s))).isEqualTo(HEX.formatHex(JACKSON.encode(s)));
    Boxes b = new Boxes();
    b.l = v;
    b.i = (int) v;
    assertThat(HEX.formatHex(PATH.encode(b))).isEqualTo(HEX.formatHex(JACKSON.encode(b)));
  }

  @Test
  void stringsAndBytesAtEveryHeaderWidthAreWrittenAsJacksonDoes() {
    for (int len : new int[] {0, 1, 31, 32, 255, 256, 65535, 65536, 70000}) {
      for (String unit : new String[] {"x", "é", "中", "😀"}) {
        Arrays a = new Arrays();
        a.text = unit.repeat(len / unit.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        a.bytes = new byte[len];
        assertThat(PATH.encode(a)).as("%d bytes of %s", len, unit).isEqualTo(JACKSON.encode(a));
      }
    }
  }

  @Test
  void floatsStayFloat32AndDoublesFloat64WithTheirExactBits() {
    Scalars s = new Scalars();
    for (double d :
        new double[] {
          Double.NaN,
          -0.0,
          0.0,
          Double.MIN_VALUE,
          1.0 / 3,
          Double.longBitsToDouble(0x7ff0000000000001L)
        }) {
      s.d = d;
      s.f = (float) d;
      assertThat(PATH.encode(s)).isEqualTo(JACKSON.encode(s));
    }
    Boxes b = new Boxes();
    b.f = -0.0f;
    b.d = Double.NaN;
    assertThat(PATH.encode(b)).isEqualTo(JACKSON.encode(b));
    assertThat(HEX.formatHex(PATH.encode(b)))
        .contains("a164cb7ff8000000000000")
        .contains("a166ca80000000");
  }

  @Test
  void nullsAndNestedObjectsAreWrittenAsJacksonDoes() {
    Derived d = new Derived();
    d.baseA = 1;
    d.inner = new Derived(); // written with Derived's properties, as Jackson does
    assertThat(PATH.encode(d)).isEqualTo(JACKSON.encode(d));
    // {"baseA":1,"baseB":nil,"c":0,"inner":{...}}: superclass fields first
    assertThat(HEX.formatHex(PATH.encode(d))).startsWith("84a5626173654101a56261736542c0");
    assertThat(PATH.encode(new MsgPackSamples.Empty())).containsExactly(0x80);
    assertThat(PATH.encode(new WithInitialValues()))
        .isEqualTo(JACKSON.encode(new WithInitialValues()));
  }

  @Test
  void aLoneSurrogateACycleOrAnUnplainValueIsLeftToJackson() {
    Arrays a = new Arrays();
    a.text = "x\ud800y";
    assertThat(PATH.encode(a)).isNull();
    assertThat(FAST.encode(a)).isEqualTo(JACKSON.encode(a));

    Node n = new Node();
    n.next = n;
    assertThat(PATH.encode(n)).isNull();
    assertSameOutcome(outcome(() -> FAST.encode(n)), outcome(() -> JACKSON.encode(n)), "cycle");

    Node head = new Node();
    Node tail = head;
    for (int i = 0; i < 200; i++) {
      tail.next = new Node();
      tail = tail.next;
      tail.value = i;
    }
    assertThat(PATH.encode(head)).as("deeper than the fast path goes").isNull();
    assertThat(FAST.encode(head)).isEqualTo(JACKSON.encode(head));

    Derived d = new Derived();
    d.inner = new Base() {}; // an anonymous subclass is not plain
    assertThat(PATH.encode(d)).isNull();
    assertThat(FAST.encode(d)).isEqualTo(JACKSON.encode(d));
  }

  // ---- decoding ---------------------------------------------------------------------------------

  @Test
  void decodingJacksonsEncodingsGivesJacksonsObjects() {
    Random r = new Random(2);
    for (Class<?> c : MsgPackSamples.PLAIN) {
      for (int i = 0; i < 1500; i++) {
        byte[] bytes = JACKSON.encode(MsgPackSamples.anyInstance(c, r, 0));
        Object fast = PATH.decode(bytes, c);
        assertThat(fast)
            .as("%s #%d handled", c.getSimpleName(), i)
            .isNotSameAs(MsgPackFastPath.NOT_HANDLED);
        assertSameOutcome(fast, JACKSON.decode(bytes, c), c.getSimpleName() + " #" + i);
      }
    }
  }

  @Test
  void everyWidthOrderCaseAndUnknownKeyOfOtherWritersDecodesAsJacksonDecodesIt() {
    Random r = new Random(3);
    for (Class<?> c : MsgPackSamples.PLAIN) {
      for (int i = 0; i < 1500; i++) {
        Object v = MsgPackSamples.anyInstance(c, r, 0);
        byte[] bytes = new WideWriter(r, true).bean(v).bytes();
        Object fast = PATH.decode(bytes, c);
        String what =
            c.getSimpleName()
                + " #"
                + i
                + " "
                + HEX.formatHex(bytes, 0, Math.min(bytes.length, 200));
        assertThat(fast).as(what + " handled").isNotSameAs(MsgPackFastPath.NOT_HANDLED);
        assertSameOutcome(fast, JACKSON.decode(bytes, c), what);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // name, class, payload: each decodes the same through both codecs, value or error
    "uint64 7 into int, Scalars, 81a169cf0000000000000007",
    "int8 into long, Scalars, 81a16cd0fe",
    "map16 header and str8 key, Scalars, de0001d90169cd0100",
    "map32 header and str16 key, Scalars, df00000001da000169ce00010000",
    "str8 value, Arrays, 81a474657874d9026869",
    "str16 and bin8 and bin16, Arrays, 82a474657874da00026869a56279746573c5000101",
    "bin32, Arrays, 81a56279746573c60000000101",
    "float32 into double and float64 into float, Scalars, 82a164ca3fc00000a166cb3ff8000000000000",
    "255 into byte is -1, Scalars, 81a162ccff",
    "nil into references, WithInitialValues, 84a173c0a3617272c0a5626f786564c0a66e6573746564c0",
    "key in another case, Scalars, 81a149cc80",
    "repeated key: the last wins, Scalars, 82a16901a16902",
    "unknown keys of every shape, Scalars, 84a1719201a178a17981a1619190a169cc80a16bd40100",
    "top-level nil, Scalars, c0",
    "nested map, Derived, 81a5696e6e657281a5626173654103",
    // what the fast path leaves to Jackson
    "uint64 above Long.MAX_VALUE into long, Scalars, 81a16ccf8000000000000000",
    "2^31 into int, Scalars, 81a169ce80000000",
    "32768 into short, Scalars, 81a173cd8000",
    "256 into byte, Scalars, 81a162cd0100",
    "-129 into byte, Scalars, 81a162d1ff7f",
    "nil into int, Scalars, 81a169c0",
    "nil into boolean, Scalars, 81a17ac0",
    "str into int, Scalars, 81a169a23132",
    "float into int, Scalars, 81a169cb3ff8000000000000",
    "int into double, Scalars, 81a16405",
    "int into boolean, Scalars, 81a17a01",
    "bool into string, Arrays, 81a474657874c3",
    "int into string, Arrays, 81a47465787405",
    "str into byte[], Arrays, 81a56279746573a3616263",
    "bin into string, Arrays, 81a474657874c403616263",
    "nil inside long[], Arrays, 81a56c6f6e677392c001",
    "out of range inside int[], Arrays, 81a4696e747391ce80000000",
    "scalar for a nested object, Derived, 81a5696e6e657201",
    "array for an object, Scalars, 920102",
    "str for an object, Scalars, a26869",
    "int key, Scalars, 8101cc80",
    "bin key, Scalars, 81c40169cc80",
    "trailing bytes, Scalars, 81a16901c3",
    "truncated map, Scalars, 82a16901",
    "truncated string, Arrays, 81a474657874a568",
    "declared length past the end, Arrays, 81a56279746573c6ffffffff00",
    "declared length 2^31 - 1 past the end, Arrays, 81a56279746573c67fffffff00",
    "huge map count, Scalars, dfffffffff",
    "huge array count, Arrays, 81a56c6f6e6773ddffffffff",
    "never used byte, Scalars, 81a17ac1",
    "never used byte in an unknown value, Scalars, 81a178c1",
    "int key in an unknown map, Scalars, 81a1788101c0",
  })
  void handCraftedPayloadsDecodeAsJacksonDecodesThem(String what, String type, String hex) {
    Class<?> c = sampleClass(type);
    byte[] bytes = HEX.parseHex(hex);
    assertSameOutcome(
        outcome(() -> FAST.decode(bytes, c)), outcome(() -> JACKSON.decode(bytes, c)), what);
  }

  @Test
  void wellFormedGoStylePayloadsAreDecodedByTheFastPathItself() {
    for (String hex :
        List.of(
            "81a169cf0000000000000007",
            "de0001d90169cd0100",
            "82a474657874da00026869a56279746573c5000101",
            "81a149cc80",
            "84a1719201a178a17981a1619190a169cc80a16bd40100",
            "c0")) {
      Class<?> c = hex.contains("74657874") ? Arrays.class : Scalars.class;
      assertThat(PATH.decode(HEX.parseHex(hex), c))
          .as(hex)
          .isNotSameAs(MsgPackFastPath.NOT_HANDLED);
    }
  }

  @Test
  void nilOverwritesInitialValuesAsJacksonDoes() {
    byte[] nils = HEX.parseHex("84a173c0a3617272c0a5626f786564c0a66e6573746564c0");
    WithInitialValues w = (WithInitialValues) PATH.decode(nils, WithInitialValues.class);
    assertThat(w.s).isNull();
    assertThat(w.arr).isNull();
    assertThat(w.boxed).isNull();
    assertThat(w.nested).isNull();
    assertThat(w.untouched).isEqualTo(42);
  }

  @Test
  void outOfRangeValuesFailWithJacksonsMessage() {
    byte[] bytes = HEX.parseHex("81a16ccf8000000000000000");
    assertThatThrownBy(() -> FAST.decode(bytes, Scalars.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("out of range of long");
    assertSameOutcome(
        outcome(() -> FAST.decode(bytes, Scalars.class)),
        outcome(() -> JACKSON.decode(bytes, Scalars.class)),
        "2^63");
  }

  @Test
  void randomlyDamagedPayloadsDecodeAsJacksonDecodesThem() {
    Random r = new Random(4);
    for (int i = 0; i < 20_000; i++) {
      Class<?> c = MsgPackSamples.PLAIN.get(r.nextInt(MsgPackSamples.PLAIN.size()));
      byte[] bytes =
          new WideWriter(r, r.nextBoolean()).bean(MsgPackSamples.anyInstance(c, r, 1)).bytes();
      byte[] damaged = damage(bytes, r);
      if (damaged.length == 0) {
        continue;
      }
      assertSameOutcome(
          outcome(() -> FAST.decode(damaged, c)),
          outcome(() -> JACKSON.decode(damaged, c)),
          c.getSimpleName() + " " + HEX.formatHex(damaged, 0, Math.min(damaged.length, 200)));
    }
  }

  /** A flipped, replaced, dropped or inserted byte, or a cut. */
  static byte[] damage(byte[] b, Random r) {
    byte[] out = b.clone();
    int at = r.nextInt(b.length);
    switch (r.nextInt(5)) {
      case 0:
        out[at] ^= (byte) (1 << r.nextInt(8));
        return out;
      case 1:
        out[at] = (byte) r.nextInt(256);
        return out;
      case 2:
        return java.util.Arrays.copyOf(b, at);
      case 3:
        {
          byte[] shorter = new byte[b.length - 1];
          System.arraycopy(b, 0, shorter, 0, at);
          System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
          return shorter;
        }
      default:
        {
          byte[] longer = new byte[b.length + 1];
          System.arraycopy(b, 0, longer, 0, at);
          longer[at] = (byte) r.nextInt(256);
          System.arraycopy(b, at, longer, at + 1, b.length - at);
          return longer;
        }
    }
  }

  @Test
  void deepNestingIsLeftToJackson() {
    // {"next":{"next":...}} 100 deep, past the fast path's depth
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      hex.append("81a46e657874");
    }
    hex.append("c0");
    byte[] bytes = HEX.parseHex(hex.toString());
    assertThat(PATH.decode(bytes, Node.class)).isSameAs(MsgPackFastPath.NOT_HANDLED);
    assertSameOutcome(
        outcome(() -> FAST.decode(bytes, Node.class)),
        outcome(() -> JACKSON.decode(bytes, Node.class)),
        "100 deep");
  }

  @Test
  void theBenchmarkShapeRoundTripsThroughTheFastPath() {
    Message1 m = (Message1) MsgPackSamples.anyInstance(Message1.class, new Random(5), 0);
    byte[] bytes = PATH.encode(m);
    assertThat(bytes).isEqualTo(JACKSON.encode(m));
    assertSameOutcome(PATH.decode(bytes, Message1.class), m, "round trip");
  }

  private static Class<?> sampleClass(String simpleName) {
    for (Class<?> c : MsgPackSamples.PLAIN) {
      if (c.getSimpleName().equals(simpleName)) {
        return c;
      }
    }
    throw new IllegalArgumentException(simpleName);
  }
}
