package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.JsonCodec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.testing.Args;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link XClient#proxy} refuses an interface whose arguments or replies the client's codec cannot
 * handle, naming the method and type, instead of failing at the first call.
 */
class ProxyTypesCheckedTest {

  /** Decodable by no Jackson mapper: no no-argument constructor, no creator, not a record. */
  public static final class Point {
    final int x;

    Point(int x, String unused) {
      this.x = x;
    }
  }

  public static final class When {
    public Instant at;
    public Optional<String> note;
  }

  public interface Plotter {
    Point where(Args args);
  }

  public interface Clock {
    CompletableFuture<When> now(Args args);

    void set(When when);
  }

  private static XClient client(ClientOptions options) {
    return XClient.create(
        "Svc",
        FailMode.FAILFAST,
        SelectMode.RANDOM_SELECT,
        new Peer2PeerDiscovery("tcp@127.0.0.1:1", ""),
        options);
  }

  @Test
  void aReplyTheCodecCannotCreateIsRefusedWhenTheProxyIsMade() {
    try (XClient x = client(ClientOptions.DEFAULT)) {
      assertThatThrownBy(() -> x.proxy(Plotter.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Plotter.where")
          .hasMessageContaining("msgpack cannot decode " + Point.class.getName())
          .hasMessageContaining("no-argument constructor");
    }
  }

  @Test
  void javaTimeAndOptionalPassWithTheDefaultCodecs() {
    try (XClient x = client(ClientOptions.DEFAULT)) {
      assertThat(x.proxy(Clock.class)).isNotNull();
    }
  }

  @Test
  void argumentsAndRepliesAreCheckedAgainstTheClientsCodec() {
    ClientOptions plainJson =
        ClientOptions.builder()
            .codecs(Codecs.builder().add(new JsonCodec(new ObjectMapper())).build())
            .serializeType(SerializeType.JSON)
            .build();
    try (XClient x = client(plainJson)) {
      assertThatThrownBy(() -> x.proxy(Clock.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("json cannot")
          .hasMessageContaining("java.time.Instant (When.at)")
          .hasMessageContaining("jackson-datatype-jsr310");
    }
  }
}
