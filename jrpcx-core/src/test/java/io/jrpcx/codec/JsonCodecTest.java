package io.jrpcx.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jrpcx.CodecException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  private final JsonCodec codec = new JsonCodec();

  /** Go's {@code type Args struct { A int; B int }} as a class with public fields. */
  public static class ArgsClass {
    public int A;
    public int B;

    public ArgsClass() {}

    ArgsClass(int a, int b) {
      A = a;
      B = b;
    }
  }

  /** The same as a record. */
  public record Args(int A, int B) {}

  public static class Blob {
    public byte[] Data;
  }

  public static class WithGetter {
    public int Field = 1;

    public int getComputed() {
      return 99;
    }
  }

  /** Counts its instantiations: a payload must never be able to choose this class by name. */
  public static class Canary {
    static final AtomicInteger CREATED = new AtomicInteger();

    public Canary() {
      CREATED.incrementAndGet();
    }
  }

  public static class Holder {
    public Object Value;
  }

  private static String json(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void serializeTypeIsJson() {
    assertThat(codec.serializeType()).isEqualTo(SerializeType.JSON).isEqualTo(1);
  }

  @Test
  void classFieldsAreWrittenWithTheirDeclaredGoNames() {
    assertThat(json(codec.encode(new ArgsClass(10, 20)))).isEqualTo("{\"A\":10,\"B\":20}");
  }

  @Test
  void recordComponentsAreWrittenWithTheirDeclaredGoNames() {
    assertThat(json(codec.encode(new Args(10, 20)))).isEqualTo("{\"A\":10,\"B\":20}");
  }

  @Test
  void goBytesDecodeIntoClassAndRecord() {
    // json_mul_request payload, as Go's encoding/json wrote it
    ArgsClass c = (ArgsClass) codec.decode(bytes("{\"A\":7,\"B\":8}"), ArgsClass.class);
    assertThat(c.A).isEqualTo(7);
    assertThat(c.B).isEqualTo(8);
    assertThat(codec.decode(bytes("{\"A\":7,\"B\":8}"), Args.class)).isEqualTo(new Args(7, 8));
  }

  @Test
  void fieldNamesAreMatchedCaseInsensitivelyLikeGo() {
    ArgsClass c = (ArgsClass) codec.decode(bytes("{\"a\":1,\"b\":2}"), ArgsClass.class);
    assertThat(c.A).isEqualTo(1);
    assertThat(c.B).isEqualTo(2);
    assertThat(codec.decode(bytes("{\"a\":1,\"b\":2}"), Args.class)).isEqualTo(new Args(1, 2));
  }

  @Test
  void unknownFieldsAreIgnoredLikeGo() {
    ArgsClass c =
        (ArgsClass)
            codec.decode(bytes("{\"A\":1,\"X\":{\"deep\":[1,2]},\"B\":2}"), ArgsClass.class);
    assertThat(c.A).isEqualTo(1);
    assertThat(c.B).isEqualTo(2);
    assertThat(codec.decode(bytes("{\"A\":1,\"C\":3,\"B\":2}"), Args.class))
        .isEqualTo(new Args(1, 2));
  }

  @Test
  void getterMethodsAreNotProperties() {
    assertThat(json(codec.encode(new WithGetter()))).isEqualTo("{\"Field\":1}");
  }

  @Test
  void byteArraysAreStandardBase64WithPaddingLikeGo() {
    Blob b = new Blob();
    b.Data = new byte[] {1, 2, 3, (byte) 0xFF, (byte) 0xFE};
    // Go: json.Marshal(struct{Data []byte}{[]byte{1,2,3,255,254}}) == {"Data":"AQID//4="}
    assertThat(json(codec.encode(b))).isEqualTo("{\"Data\":\"AQID//4=\"}");
    Blob back = (Blob) codec.decode(bytes("{\"Data\":\"AQID//4=\"}"), Blob.class);
    assertThat(back.Data).containsExactly(1, 2, 3, 0xFF, 0xFE);
    assertThat(json(codec.encode(new byte[] {0, 0, 0}))).isEqualTo("\"AAAA\"");
    assertThat((byte[]) codec.decode(bytes("\"AAAA\""), byte[].class)).containsExactly(0, 0, 0);
  }

  @Test
  void outputHasNoWhitespaceOrTrailingNewline() {
    byte[] out = codec.encode(Map.of("k", List.of(1, 2)));
    assertThat(json(out)).isEqualTo("{\"k\":[1,2]}");
  }

  @Test
  void emptyPayloadDecodesToNull() {
    assertThat(codec.decode(new byte[0], ArgsClass.class)).isNull();
    assertThat(codec.decode(new byte[0], Object.class)).isNull();
  }

  @Test
  void garbageIsACodecExceptionNamingTheCodecAndTheType() {
    assertThatThrownBy(() -> codec.decode(bytes("{not json"), ArgsClass.class))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("json: cannot decode ")
        .hasMessageContaining("ArgsClass")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> codec.decode(bytes("{\"A\":\"seven\"}"), ArgsClass.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("json: cannot decode");
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0x82, (byte) 0xA1}, Args.class))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void codecExceptionIsAServiceErrorThatIsNotRetried() {
    CodecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            CodecException.class, () -> codec.decode(bytes("]"), ArgsClass.class));
    assertThat(e.isServiceError()).isTrue();
    assertThat(e.getCause()).isNotNull();
  }

  @Test
  void unencodableValueIsACodecException() {
    Object selfReferencing =
        new Object() {
          @SuppressWarnings("unused")
          public Object Self = this;
        };
    assertThatThrownBy(() -> codec.encode(selfReferencing))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("json: cannot encode ");
  }

  @Test
  @SuppressWarnings("unchecked")
  void genericTypesAreHonouredThroughReflectType() {
    Type type = new TypeReference<Map<String, List<Integer>>>() {}.getType();
    Map<String, List<Integer>> m =
        (Map<String, List<Integer>>) codec.decode(bytes("{\"x\":[1,2,3],\"y\":[]}"), type);
    assertThat(m).containsOnlyKeys("x", "y");
    assertThat(m.get("x")).containsExactly(1, 2, 3);
    assertThat(m.get("x").get(0)).isInstanceOf(Integer.class);

    Type listOfArgs = new TypeReference<List<Args>>() {}.getType();
    assertThat(
            (List<Object>) codec.decode(bytes("[{\"A\":1,\"B\":2},{\"a\":3,\"b\":4}]"), listOfArgs))
        .containsExactly(new Args(1, 2), new Args(3, 4));

    // The same codec serves another parameterization of the same raw type independently.
    Type mapOfLongs = new TypeReference<Map<String, List<Long>>>() {}.getType();
    Map<String, List<Long>> longs =
        (Map<String, List<Long>>) codec.decode(bytes("{\"x\":[1]}"), mapOfLongs);
    assertThat(longs.get("x").get(0)).isInstanceOf(Long.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultTypingIsOffSoPayloadsCannotChooseAClass() {
    String canary = Canary.class.getName();
    int before = Canary.CREATED.get();

    Object arrayForm = codec.decode(bytes("[\"" + canary + "\",{}]"), Object.class);
    assertThat(arrayForm).isInstanceOf(List.class);
    assertThat((List<Object>) arrayForm).first().isEqualTo(canary);

    Object classProperty = codec.decode(bytes("{\"@class\":\"" + canary + "\"}"), Object.class);
    assertThat(classProperty).isInstanceOf(Map.class);
    assertThat((Map<Object, Object>) classProperty).containsEntry("@class", canary);

    Holder h = (Holder) codec.decode(bytes("{\"Value\":[\"" + canary + "\",{}]}"), Holder.class);
    assertThat(h.Value).isInstanceOf(List.class);

    Object hashMapForm = codec.decode(bytes("[\"java.util.HashMap\",{}]"), Object.class);
    assertThat(hashMapForm).isInstanceOf(List.class);

    assertThat(Canary.CREATED.get()).as("Canary instances created").isEqualTo(before);
  }

  @Test
  void untypedNumbersKeepTheirValue() {
    // Go decodes with UseNumber; Java gives an exact integral type, not a double.
    Object big = codec.decode(bytes("1700000000123456789"), Object.class);
    assertThat(big).isEqualTo(1700000000123456789L);
  }
}
