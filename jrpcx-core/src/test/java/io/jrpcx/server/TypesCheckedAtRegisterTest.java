package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.JsonCodec;
import io.jrpcx.testing.Args;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A method whose argument or reply no codec of the server can handle is refused by
 * {@link Server#register}, naming the service, method and type, instead of failing at the first
 * call after the method ran; java.time and Optional replies work with the default codecs.
 */
class TypesCheckedAtRegisterTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Server server(Server.Builder b) {
    Server s = b.build();
    toClose.add(s);
    return s;
  }

  /** A reply as a Go struct with a time.Time, a time.Duration and a pointer would be. */
  public static final class Stamped {
    public Instant at;
    public Duration took;
    public Optional<String> note;
  }

  /** Decodable by no Jackson mapper: no no-argument constructor, no creator, not a record. */
  public static final class Point {
    final int x;
    final int y;

    Point(int x, int y) {
      this.x = x;
      this.y = y;
    }
  }

  public static final class Clock {
    public Stamped now(Args args) {
      Stamped s = new Stamped();
      s.at = Instant.ofEpochSecond(1136214245, 500);
      s.took = Duration.ofMillis(args.A);
      s.note = Optional.of("ok");
      return s;
    }
  }

  public static final class Plotter {
    public int plot(Point p) {
      return p.x + p.y;
    }
  }

  public static final class AsyncClock {
    public CompletableFuture<Stamped> later(Args args) {
      return CompletableFuture.completedFuture(new Stamped());
    }
  }

  @Test
  void aReplyWithInstantDurationAndOptionalIsAnsweredWithTheDefaultCodecs() {
    Server server = server(Server.builder());
    server.register(new Clock());
    server.start("tcp", "127.0.0.1:0");
    Client client = new Client();
    toClose.add(0, client);
    client.connect("tcp", server.address());

    Stamped s =
        client.call(
            Context.background().withTimeout(Duration.ofSeconds(10)),
            "Clock",
            "Now",
            new Args(1500, 0),
            Stamped.class);

    assertThat(s.at).isEqualTo(Instant.ofEpochSecond(1136214245, 500));
    assertThat(s.took).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.note).contains("ok");
  }

  @Test
  void anArgumentNoCodecCanCreateIsRefusedAtRegister() {
    Server server = server(Server.builder());

    assertThatThrownBy(() -> server.register(new Plotter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service Plotter method Plot")
        .hasMessageContaining("argument type " + Point.class.getName())
        .hasMessageContaining("json cannot decode")
        .hasMessageContaining("msgpack cannot decode")
        .hasMessageContaining("no-argument constructor");
    assertThat(server.services()).isEmpty();
  }

  @Test
  void aReplyTypeTheServersCodecsCannotEncodeIsRefusedAtRegister() {
    // A server whose only codec is an application's plain mapper, without the java.time module.
    Server server =
        server(
            Server.builder()
                .codecs(Codecs.builder().add(new JsonCodec(new ObjectMapper())).build()));

    assertThatThrownBy(() -> server.register(new Clock()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service Clock method Now: no codec can encode its reply type")
        .hasMessageContaining("java.time.Instant (Stamped.at)")
        .hasMessageContaining("jackson-datatype-jsr310");
    assertThatThrownBy(() -> server.register(new AsyncClock()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service AsyncClock method Later")
        .hasMessageContaining("java.time.Instant (Stamped.at)");
  }

  @Test
  void oneCodecThatCanIsEnough() {
    Server server = server(Server.builder());
    server.register(new Clock());
    server.register(new AsyncClock());
    assertThat(server.services()).containsExactlyInAnyOrder("Clock", "AsyncClock");
  }
}
