package io.jrpcx.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.SetArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bytes Go's libkv redis store and rpcx's update loop produce, without a Redis. */
class LibkvTest {

  @Test
  void normalizePrefixesASlashAsLibkvStoreNormalizeDoes() {
    // "/" + join(split(key, "/"), "/"): a leading slash is doubled.
    assertThat(Libkv.normalize("/rpcx_test/Arith")).isEqualTo("//rpcx_test/Arith");
    assertThat(Libkv.normalize("rpcx_test/Arith")).isEqualTo("/rpcx_test/Arith");
  }

  @Test
  void envelopeIsGoJsonMarshalOfAKvPair() {
    assertThat(
            Libkv.envelope(
                "/rpcx_test/Arith/tcp@10.0.0.5:8972",
                "weight=10&group=g1".getBytes(StandardCharsets.UTF_8),
                123456789))
        .isEqualTo(
            "{\"Key\":\"/rpcx_test/Arith/tcp@10.0.0.5:8972\","
                + "\"Value\":\"d2VpZ2h0PTEwJmdyb3VwPWcx\",\"LastIndex\":123456789}");
    assertThat(Libkv.envelope("/rpcx_test", new byte[0], 0))
        .isEqualTo("{\"Key\":\"/rpcx_test\",\"Value\":\"\",\"LastIndex\":0}");
  }

  @Test
  void envelopeEscapesStringsAsGoEncodingJsonDoes() {
    assertThat(Libkv.envelope("a<b>&\"\\\n\u0001\u2028é", new byte[0], 1))
        .isEqualTo(
            "{\"Key\":\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\\u2028é\","
                + "\"Value\":\"\",\"LastIndex\":1}");
  }

  @Test
  void lastIndexIsTheNanosecondWithinTheCurrentSecond() {
    for (int i = 0; i < 100; i++) {
      assertThat(Libkv.sequenceNumber()).isBetween(0L, 999_999_999L);
    }
  }

  @Test
  void decodeReadsWhatGoWritesAndToleratesNullValues() {
    Libkv.Pair p = Libkv.decode("{\"Key\":\"/a/b\",\"Value\":\"d2VpZ2h0PTU=\",\"LastIndex\":7}");
    assertThat(p).isEqualTo(new Libkv.Pair("/a/b", "weight=5", 7));
    assertThat(Libkv.decode("{\"Key\":\"/a\",\"Value\":null,\"LastIndex\":1}").value()).isEmpty();
    assertThat(Libkv.decode("{\"Value\":\"d2VpZ2h0\\r\\nPTU=\"}").value()).isEqualTo("weight=5");
    assertThatThrownBy(() -> Libkv.decode("weight=5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Libkv.decode("{\"Value\":\"***\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Libkv.decode("[1]")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void expiryIsExForWholeSecondsAndPxOtherwiseAsGoRedisSends() {
    assertThat(args(Libkv.expiry(Duration.ofSeconds(20)))).isEqualTo("EX 20");
    assertThat(args(Libkv.expiry(Duration.ofMillis(1500)))).isEqualTo("PX 1500");
    assertThat(args(Libkv.expiry(Duration.ofMillis(400)))).isEqualTo("PX 400");
    assertThat(args(Libkv.expiry(Duration.ZERO))).isEmpty();
  }

  private static String args(SetArgs setArgs) {
    CommandArgs<String, String> c = new CommandArgs<>(StringCodec.UTF8);
    setArgs.build(c);
    return c.toCommandString();
  }

  @Test
  void globEscapeKeepsPrefixesLiteral() {
    assertThat(Libkv.globEscape("//rpcx_test/Arith")).isEqualTo("//rpcx_test/Arith");
    assertThat(Libkv.globEscape("/a*b?[c]\\")).isEqualTo("/a\\*b\\?\\[c\\]\\\\");
  }

  @Test
  void trimBasePathDropsTrailingSlashes() {
    assertThat(Libkv.trimBasePath("/rpcx_test/")).isEqualTo("/rpcx_test");
    assertThat(Libkv.trimBasePath("/")).isEqualTo("/");
    assertThatThrownBy(() -> Libkv.trimBasePath("")).isInstanceOf(IllegalArgumentException.class);
  }
}
