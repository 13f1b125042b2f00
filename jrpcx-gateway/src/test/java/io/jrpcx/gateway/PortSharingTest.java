package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.TlsConfig;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerContext;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestCertificates;
import io.jrpcx.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** rpcx and HTTP on one port: each connection keeps its protocol, the server treats both alike. */
class PortSharingTest {
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  volatile Throwable pushFailure;

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b -> b.sharePortWith(Gateway.create()), s -> s.register("Gate", new Gate(), ""));

  /** Holds a call until the test releases it; tries to push to its caller first. */
  public class Gate {
    public String hold(ServerContext ctx, String text) throws InterruptedException {
      ctx.connection()
          .send("Push", "Nope", null, new byte[0])
          .whenComplete((ok, failure) -> pushFailure = failure);
      entered.countDown();
      release.await();
      return text;
    }
  }

  @Test
  void rpcxClientsAndHttpCallersShareThePortAtOnce() throws Exception {
    Client client = server.connect();
    List<CompletableFuture<HttpResponse<String>>> http = new ArrayList<>();
    List<CompletableFuture<Reply>> rpcx = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      http.add(
          Http.CLIENT.sendAsync(
              Http.gateway(server.address(), "Arith", "Mul", "{\"A\":" + i + ",\"B\":2}").build(),
              HttpResponse.BodyHandlers.ofString()));
      rpcx.add(client.go(Context.background(), "Arith", "Mul", new Args(i, 3), Reply.class).done());
    }
    for (int i = 1; i <= 50; i++) {
      assertThat(http.get(i - 1).get(20, TimeUnit.SECONDS).body())
          .isEqualTo("{\"C\":" + (i * 2) + "}");
      assertThat(rpcx.get(i - 1).get(20, TimeUnit.SECONDS).C).isEqualTo(i * 3);
    }
  }

  @Test
  void malformedHttpClosesOnlyThatConnection() throws Exception {
    Client client = server.connect();
    try (Http.Raw keptAlive = new Http.Raw(server.address());
        Http.Raw garbage = new Http.Raw(server.address())) {
      keptAlive.write(Http.rawArith("Mul", "{\"A\":2,\"B\":2}"));
      assertThat(keptAlive.readHead()).startsWith("HTTP/1.1 200 OK");
      keptAlive.readBytes(7);

      String answer = garbage.write("\u0001\u0002 this is not HTTP\r\n\r\n").readToEnd();

      assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").contains("connection: close");
      keptAlive.write(Http.rawArith("Add", "{\"A\":2,\"B\":2}"));
      assertThat(keptAlive.readHead()).startsWith("HTTP/1.1 200 OK");
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(6, 7), Reply.class).C)
          .isEqualTo(42);
    }
  }

  @Test
  void httpCallersAreNotListedAndCannotReceivePush() throws Exception {
    server.connect();
    CompletableFuture<HttpResponse<String>> held =
        Http.CLIENT.sendAsync(
            Http.gateway(server.address(), "Gate", "Hold", "\"x\"").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

    // The rpcx client's connection only, not the HTTP one the held call came on.
    assertThat(server.server().activeConnections()).hasSize(1);
    release.countDown();
    assertThat(held.get(20, TimeUnit.SECONDS).body()).isEqualTo("\"x\"");
    assertThat(pushFailure)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("HTTP gateway caller");
  }

  @Test
  void gracefulShutdownWaitsForAGatewayCallInFlightAndAnswersIt() throws Exception {
    CompletableFuture<HttpResponse<String>> held =
        Http.CLIENT.sendAsync(
            Http.gateway(server.address(), "Gate", "Hold", "\"late\"").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> shutdown =
        CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(30)));
    // The listener closes first; the call is still held, so the shutdown cannot have finished.
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !canConnect(server.address()));
    assertThat(shutdown).isNotDone();

    release.countDown();
    HttpResponse<String> r = held.get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("\"late\"");
    assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
  }

  private static boolean canConnect(String address) {
    try (Http.Raw ignored = new Http.Raw(address)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void withoutAGatewayHttpIsStillAWrongMagicNumber() throws Exception {
    Server plain = Server.builder().build();
    plain.register("Arith", new ArithService(), "");
    plain.start("tcp", "127.0.0.1:0");
    try {
      assertThatThrownBy(() -> Http.send(Http.gateway(plain.address(), "Arith", "Mul", "{}")))
          .isInstanceOf(java.io.IOException.class);
    } finally {
      plain.close();
    }
  }

  @Test
  void httpsAndRpcxOverTlsShareTheTlsPort(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    Server tls =
        Server.builder()
            .sharePortWith(Gateway.create())
            .tls(TlsConfig.builder().keyManager(certs.server.cert, certs.server.key).build())
            .build();
    tls.register("Arith", new ArithService(), "");
    tls.start("tcp", "127.0.0.1:0");
    TlsConfig trust = TlsConfig.builder().trustManager(certs.ca.cert).build();
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.trustManagerFactory().get().getTrustManagers(), null);
    HttpClient https =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
    try (Client client = new Client(ClientOptions.DEFAULT.toBuilder().tls(trust).build())) {
      client.connect("tcp", tls.address());

      HttpResponse<String> r =
          https.send(
              Http.gateway(tls.address(), "Arith", "Mul", "{\"A\":3,\"B\":4}")
                  .uri(java.net.URI.create("https://" + tls.address() + "/Arith"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"C\":12}");
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(5, 4), Reply.class).C)
          .isEqualTo(20);
    } finally {
      tls.close();
    }
  }

  @Test
  void aRequestRateLimitRefusalIs429AndTheConnectionStaysUsable() throws Exception {
    Server limited =
        Server.builder()
            .sharePortWith(Gateway.create())
            .plugin(io.jrpcx.plugin.RequestRateLimitPlugin.of(Duration.ofHours(1), 1))
            .build();
    limited.register("Arith", new ArithService(), "");
    limited.start("tcp", "127.0.0.1:0");
    try {
      HttpResponse<String> first =
          Http.send(Http.gateway(limited.address(), "Arith", "Mul", "{\"A\":1,\"B\":1}"));
      HttpResponse<String> second =
          Http.send(Http.gateway(limited.address(), "Arith", "Mul", "{\"A\":1,\"B\":1}"));

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("X-RPCX-ErrorMessage"))
          .hasValue("request reached rate limit");
    } finally {
      limited.close();
    }
  }

  @Test
  void dispatchBeforeStartIsRefused() {
    Server notStarted = Server.builder().sharePortWith(Gateway.create()).build();
    assertThatThrownBy(() -> notStarted.dispatch(null, new io.jrpcx.protocol.Message()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                notStarted.dispatch(
                    new HttpCaller(new io.netty.channel.embedded.EmbeddedChannel()),
                    new io.jrpcx.protocol.Message()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started");
  }
}
