package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerPlugin;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.EchoService;
import io.jrpcx.testing.Reply;
import java.io.IOException;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP connections that send too slowly, or stop, are cut; everyone else is still served. */
class HttpTimeoutsTest {
  static final Duration SHORT = Duration.ofMillis(300);

  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void closeAll() throws Exception {
    trickler.shutdownNow();
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
  }

  /** Sleeps: a call the server takes its time over. */
  public static class Slow {
    public String work(String text) throws InterruptedException {
      Thread.sleep(1_000);
      return text;
    }
  }

  private Server serve(Gateway gateway) {
    return serve(gateway, b -> {});
  }

  private Server serve(Gateway gateway, Consumer<Server.Builder> configure) {
    Server.Builder b = Server.builder().sharePortWith(gateway);
    configure.accept(b);
    Server s = b.build();
    s.register("Arith", new ArithService(), "");
    s.register("Echo", new EchoService(), "");
    s.register("Slow", new Slow(), "");
    s.start("tcp", "127.0.0.1:0");
    closeAfter.add(s);
    return s;
  }

  private Client connect(Server s) {
    Client c = new Client(ClientOptions.DEFAULT);
    closeAfter.add(c);
    c.connect("tcp", s.address());
    return c;
  }

  private Http.Raw raw(Server s) throws IOException {
    Http.Raw r = new Http.Raw(s.address(), Duration.ofSeconds(10));
    closeAfter.add(r);
    return r;
  }

  /** The promise: a well-behaved client, HTTP or rpcx, is answered within 1 s. */
  private static void assertServedWithinOneSecond(Server s, Client client) throws Exception {
    HttpResponse<String> http =
        Http.CLIENT
            .sendAsync(
                Http.gateway(s.address(), "Arith", "Mul", "{\"A\":6,\"B\":7}").build(),
                HttpResponse.BodyHandlers.ofString())
            .get(1, TimeUnit.SECONDS);
    assertThat(http.body()).isEqualTo("{\"C\":42}");
    Reply rpcx =
        client
            .go(Context.background(), "Arith", "Mul", new Args(6, 7), Reply.class)
            .done()
            .get(1, TimeUnit.SECONDS);
    assertThat(rpcx.C).isEqualTo(42);
  }

  /** What came back before the server closed: a 408, or a reset when it closed mid-write. */
  private static String answerOrReset(Http.Raw r) throws IOException {
    try {
      return r.readToEnd();
    } catch (SocketException e) {
      // Not a read timeout (that is an InterruptedIOException): the server did close.
      return "reset: " + e.getMessage();
    }
  }

  @Test
  @Timeout(60)
  void slowlorisConnectionsAreCutAtTheHeaderTimeoutWhileOthersAreServed() throws Exception {
    Server s = serve(Gateway.builder().headerTimeout(SHORT).build());
    Client client = connect(s);
    List<Http.Raw> stalled = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Http.Raw r = raw(s);
      r.write(
          i % 2 == 0
              ? "POST /Ari"
              : "POST /Arith HTTP/1.1\r\nHost: x\r\nX-RPCX-ServiceMethod: Mul\r\nX-RPCX-Seri");
      stalled.add(r);
    }
    // These keep sending, a header byte every 50 ms: the limit runs from the first byte.
    List<Http.Raw> trickling = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Http.Raw r = raw(s);
      r.write("POST /Arith HTTP/1.1\r\nX-Pad: ");
      trickling.add(r);
    }
    trickler.scheduleAtFixedRate(
        () -> {
          for (Http.Raw r : trickling) {
            try {
              r.write("a");
            } catch (IOException closedByTheServer) {
              // expected once the limit is reached
            }
          }
        },
        50,
        50,
        TimeUnit.MILLISECONDS);

    assertServedWithinOneSecond(s, client);
    for (Http.Raw r : stalled) {
      String answer = r.readToEnd();
      assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout").contains("connection: close");
    }
    for (Http.Raw r : trickling) {
      assertThat(answerOrReset(r)).matches("(?s)HTTP/1.1 408 Request Timeout.*|reset: .*");
    }
    assertServedWithinOneSecond(s, client);
  }

  @Test
  @Timeout(30)
  void aBodyThatStopsOrTricklesIsCutAtTheBodyTimeout() throws Exception {
    Server s = serve(Gateway.builder().bodyTimeout(SHORT).build());
    Client client = connect(s);
    Http.Raw stopped = raw(s);
    stopped.write(
        Http.rawArith("Mul", "{\"A\":2,\"B\":3}")
            .replace("Content-Length: 13", "Content-Length: 100"));
    Http.Raw chunked = raw(s);
    chunked.write(
        "POST /Arith HTTP/1.1\r\nHost: x\r\nX-RPCX-ServiceMethod: Mul\r\n"
            + "X-RPCX-SerializeType: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
    trickler.scheduleAtFixedRate(
        () -> {
          try {
            chunked.write("1\r\n \r\n"); // one byte of body every 100 ms
          } catch (IOException closedByTheServer) {
            // expected once the limit is reached
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);

    assertServedWithinOneSecond(s, client);
    assertThat(stopped.readToEnd())
        .startsWith("HTTP/1.1 408 Request Timeout")
        .contains("connection: close");
    assertThat(answerOrReset(chunked)).matches("(?s)HTTP/1.1 408 Request Timeout.*|reset: .*");
    assertServedWithinOneSecond(s, client);
  }

  @Test
  @Timeout(30)
  void anIdleKeepAliveConnectionIsClosedWithoutAResponse() throws Exception {
    Server s = serve(Gateway.builder().idleTimeout(SHORT).build());
    Http.Raw r = raw(s);
    r.write(Http.rawArith("Mul", "{\"A\":2,\"B\":3}"));
    assertThat(r.readHead()).startsWith("HTTP/1.1 200 OK").doesNotContain("connection: close");
    assertThat(new String(r.readBytes(7), StandardCharsets.UTF_8)).isEqualTo("{\"C\":6}");

    assertThat(r.readToEnd()).isEmpty();
  }

  @Test
  @Timeout(60)
  void aClientThatStopsReadingItsAnswerIsClosedAtTheIdleTimeout() throws Exception {
    AtomicInteger closed = new AtomicInteger();
    Server s =
        serve(
            Gateway.builder().idleTimeout(SHORT).build(),
            b -> b.plugin((ServerPlugin.PostConnClose) conn -> closed.incrementAndGet()));
    // More than the socket buffers of both ends hold: the answer waits for the client to read.
    String big = "\"" + "x".repeat(16 << 20) + "\"";
    Http.Raw r = new Http.Raw(s.address(), Duration.ofSeconds(10), 64 << 10);
    closeAfter.add(r);
    r.write(
        "POST /Echo HTTP/1.1\r\nHost: x\r\nX-RPCX-ServiceMethod: Echo\r\n"
            + "X-RPCX-SerializeType: 1\r\nContent-Length: "
            + big.length()
            + "\r\n\r\n"
            + big);

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> closed.get() == 1);
  }

  @Test
  @Timeout(60)
  void aClientReadingALargeAnswerSlowlyButSteadilyIsNotCut() throws Exception {
    Server s = serve(Gateway.builder().idleTimeout(Duration.ofSeconds(1)).build());
    String big = "\"" + "x".repeat(16 << 20) + "\"";
    Http.Raw r = new Http.Raw(s.address(), Duration.ofSeconds(10), 64 << 10);
    closeAfter.add(r);
    r.write(
        "POST /Echo HTTP/1.1\r\nHost: x\r\nX-RPCX-ServiceMethod: Echo\r\n"
            + "X-RPCX-SerializeType: 1\r\nContent-Length: "
            + big.length()
            + "\r\n\r\n"
            + big);
    String head = r.readHead();
    assertThat(head).startsWith("HTTP/1.1 200 OK");
    int length = Integer.parseInt(head.replaceAll("(?s).*content-length: (\\d+).*", "$1"));

    // 1 MiB every 100 ms: the whole answer takes longer than the idle timeout, yet it moves.
    AtomicInteger read = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    trickler.scheduleAtFixedRate(
        () -> {
          try {
            int want = Math.min(1 << 20, length - read.get());
            int n = r.readBytes(want).length;
            if (n < want) {
              all.completeExceptionally(
                  new AssertionError(
                      "closed after " + (read.get() + n) + " of " + length + " bytes"));
            } else if (read.addAndGet(n) == length) {
              all.complete(null);
            }
          } catch (Throwable e) {
            all.completeExceptionally(e);
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);

    all.get(30, TimeUnit.SECONDS);
    assertThat(read.get()).isEqualTo(big.length());
    r.write(Http.rawArith("Mul", "{\"A\":2,\"B\":3}"));
    assertThat(r.readHead()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  @Timeout(30)
  void theTimeACallTakesOnTheServerIsNeverCutAndTheConnectionStaysUsable() throws Exception {
    Server s =
        serve(Gateway.builder().headerTimeout(SHORT).bodyTimeout(SHORT).idleTimeout(SHORT).build());
    Http.Raw r = raw(s);
    String slow =
        "POST /Slow HTTP/1.1\r\nHost: x\r\nX-RPCX-ServiceMethod: Work\r\n"
            + "X-RPCX-SerializeType: 1\r\nContent-Length: 4\r\n\r\n\"hi\"";
    // Two pipelined calls of 1 s each, both longer than every timeout.
    r.write(slow + slow);
    for (int i = 0; i < 2; i++) {
      assertThat(r.readHead()).startsWith("HTTP/1.1 200 OK");
      assertThat(new String(r.readBytes(4), StandardCharsets.UTF_8)).isEqualTo("\"hi\"");
    }
    r.write(Http.rawArith("Mul", "{\"A\":2,\"B\":3}"));
    assertThat(r.readHead()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void timeoutsMustBePositiveOrZeroForNone() {
    Gateway defaults = Gateway.create();
    assertThat(defaults.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.bodyTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    Gateway none =
        Gateway.builder()
            .headerTimeout(Duration.ZERO)
            .bodyTimeout(Duration.ZERO)
            .idleTimeout(Duration.ZERO)
            .build();
    assertThat(none.headerTimeout()).isZero();
    assertThat(none.bodyTimeout()).isZero();
    assertThat(none.idleTimeout()).isZero();
    assertThatThrownBy(() -> Gateway.builder().headerTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("headerTimeout");
    assertThatThrownBy(() -> Gateway.builder().bodyTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bodyTimeout");
    assertThatThrownBy(() -> Gateway.builder().idleTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> Gateway.builder().idleTimeout(null))
        .isInstanceOf(NullPointerException.class);
  }
}
