package io.jrpcx.server;

import static io.jrpcx.server.RawRpcxSocket.CODEC;
import static io.jrpcx.server.RawRpcxSocket.mul;
import static io.jrpcx.server.RawRpcxSocket.replyC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.RpcException;
import io.jrpcx.TlsConfig;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What is particular to quic: TLS is mandatory and checked, a connection carries one stream, and
 * the stream and its QUIC connection end together.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuicConnectionTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Server start() {
    Server s = QuicCases.start(b -> {});
    closeables.add(s);
    return s;
  }

  private Client client(ClientOptions options) {
    Client c = new Client(options);
    closeables.add(c);
    return c;
  }

  private static int product(Client c, int a, int b) {
    return c.call(
            Context.background().withTimeout(Duration.ofSeconds(5)),
            "Arith",
            "Mul",
            new Args(a, b),
            Reply.class)
        .C;
  }

  @Test
  void aServerWithoutTlsConfigFailsToStartSayingSo() {
    Server s = Server.builder().build();
    closeables.add(s);
    assertThatThrownBy(() -> s.start("quic", "127.0.0.1:0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network 'quic' needs TLS")
        .hasMessageContaining("Server.builder().tls(");
  }

  @Test
  void dialingAPortNobodyServesFailsAfterTheConnectTimeout() throws Exception {
    int port;
    try (java.net.DatagramSocket unused = new java.net.DatagramSocket(0)) {
      port = unused.getLocalPort(); // free once closed: nothing answers there
    }
    Client c = client(QuicCases.client().connectTimeout(Duration.ofMillis(300)).build());
    // UDP has no refusal to wait for: the connect timeout ends the wait, and says so.
    assertThatThrownBy(() -> c.connect("quic", "127.0.0.1:" + port))
        .isInstanceOf(ConnectionException.class)
        .hasMessage(
            "dial quic 127.0.0.1:"
                + port
                + ": the QUIC handshake with 127.0.0.1:"
                + port
                + " did not complete within the connect timeout of PT0.3S");
    assertThat(c.isShutdown()).isFalse();
  }

  @Test
  void aClientRefusesACertificateItDoesNotTrust() {
    Server server = start();
    // The JDK's trusted CAs, which did not sign the test CA's server certificate.
    Client c = client(QuicCases.client().tls(null).build());
    assertThatThrownBy(() -> c.connect("quic", server.address()))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("TLS handshake with " + server.address() + " failed");
  }

  @Test
  void aClientRefusesACertificateForAnotherHost() {
    Server server = start();
    Client c =
        client(
            QuicCases.client()
                .tls(
                    TlsConfig.builder()
                        .trustManager(QuicCases.certs().ca.cert)
                        .serverName("elsewhere.example")
                        .build())
                .build());
    assertThatThrownBy(() -> c.connect("quic", server.address()))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("TLS handshake");
  }

  @Test
  void anInsecureClientAcceptsAnyCertificateOnlyWhenAskedTo() {
    Server server = start();
    Client c =
        client(QuicCases.client().tls(TlsConfig.builder().insecureTrustAll().build()).build());
    c.connect("quic", server.address());
    assertThat(product(c, 10, 20)).isEqualTo(200);
  }

  @Test
  void withMutualTlsTheServerSeesTheClientsCertificateAndUdpAddress() throws Exception {
    TestCertificates certs = QuicCases.certs();
    CompletableFuture<ClientConnection> accepted = new CompletableFuture<>();
    Server server =
        QuicCases.start(
            b ->
                b.tls(
                        TlsConfig.builder()
                            .keyManager(certs.server.cert, certs.server.key)
                            .trustManager(certs.ca.cert)
                            .clientAuth(TlsConfig.ClientAuth.REQUIRE)
                            .build())
                    .plugin((ServerPlugin.PostConnAccept) c -> accepted.complete(c) || true));
    closeables.add(server);
    Client c =
        client(
            QuicCases.client()
                .tls(
                    TlsConfig.builder()
                        .trustManager(certs.ca.cert)
                        .keyManager(certs.client.cert, certs.client.key)
                        .build())
                .build());
    c.connect("quic", server.address());
    assertThat(product(c, 10, 20)).isEqualTo(200);
    ClientConnection conn = accepted.get(5, TimeUnit.SECONDS);
    assertThat(conn.remoteAddress()).isInstanceOf(InetSocketAddress.class);
    assertThat(((InetSocketAddress) conn.remoteAddress()).getAddress().isLoopbackAddress())
        .isTrue();
    SSLSession session = conn.tlsSession().orElseThrow();
    assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
    assertThat(session.getPeerCertificates()[0]).isEqualTo(certs.client.certificate);

    Client anonymous = client(QuicCases.client().connectTimeout(Duration.ofSeconds(2)).build());
    assertThatThrownBy(
            () -> {
              // TLS 1.3 lets a client finish its handshake before the server checked its
              // certificate: the refusal may come with the first call.
              anonymous.connect("quic", server.address());
              product(anonymous, 1, 2);
            })
        .isInstanceOf(RpcException.class);
  }

  @Test
  void theConnectionNegotiatesAlpnRpcxAndRefusesAnyOtherProtocol() {
    Server server = start();
    QuicPeer p = QuicPeer.connect(server.address());
    closeables.add(p);
    assertThat(p.quic.sslEngine().getApplicationProtocol()).isEqualTo("rpcx");
    assertThatThrownBy(() -> QuicPeer.connect(server.address(), "h3"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("QUIC peer");
  }

  @Test
  void aSecondStreamIsRefusedAndTheFirstKeepsWorking() {
    Server server = start();
    QuicPeer p = QuicPeer.connect(server.address());
    closeables.add(p);
    p.send(CODEC.encode(mul(1, 2, 3)));
    assertThat(replyC(p.readMessage())).isEqualTo(6);
    // The server allows a client one stream, so the peer's QUIC stack does not even open a
    // second; should one be opened anyway, the server ends it unanswered.
    BlockingQueue<byte[]> second = p.openAnotherStream(CODEC.encode(mul(2, 4, 5)));
    if (second != null) {
      // Opened (its bytes sent): the server ends it unanswered.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> second.stream().anyMatch(b -> b.length == 0));
      assertThat(second.stream().mapToInt(b -> b.length).sum()).isZero();
    }
    p.send(CODEC.encode(mul(3, 6, 7)));
    assertThat(replyC(p.readMessage())).isEqualTo(42);
    assertThat(p.quic.isActive()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"FIN", "close"})
  void theEndOfTheClientsStreamClosesTheConnectionOnBothSides(String end) throws Exception {
    CompletableFuture<ClientConnection> accepted = new CompletableFuture<>();
    CompletableFuture<ClientConnection> closed = new CompletableFuture<>();
    Server server =
        QuicCases.start(
            b ->
                b.plugin((ServerPlugin.PostConnAccept) c -> accepted.complete(c) || true)
                    .plugin((ServerPlugin.PostConnClose) closed::complete));
    closeables.add(server);
    QuicPeer p = QuicPeer.connect(server.address());
    closeables.add(p);
    p.send(CODEC.encode(mul(1, 2, 3)));
    assertThat(replyC(p.readMessage())).isEqualTo(6);
    ClientConnection c = accepted.get(5, TimeUnit.SECONDS);
    if (end.equals("FIN")) {
      p.stream.shutdownOutput().awaitUninterruptibly();
    } else {
      p.stream.close().awaitUninterruptibly(); // both directions, at once
    }
    assertThat(closed.get(5, TimeUnit.SECONDS)).isSameAs(c);
    assertThat(p.connectionClosed()).as("the peer's QUIC connection").isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.activeConnections().isEmpty());
  }

  /** A service whose call waits until the test lets it answer. */
  public static final class Slow {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    public String hold(String text) throws InterruptedException {
      started.countDown();
      release.await(10, TimeUnit.SECONDS);
      return text;
    }
  }

  @Test
  void aGracefulShutdownAnswersTheCallInFlightAndRefusesNewConnections() throws Exception {
    Server server = QuicCases.start(b -> {});
    closeables.add(server);
    Slow slow = new Slow();
    server.register("Slow", slow, "");
    Client c = client(QuicCases.client().build());
    c.connect("quic", server.address());
    Call<String> call = c.go(Context.background(), "Slow", "Hold", "answered", String.class);
    assertThat(slow.started.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> shutdown =
        CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(10)));
    await().atMost(Duration.ofSeconds(5)).until(server::draining); // the listener is closed
    Client late = client(QuicCases.client().connectTimeout(Duration.ofMillis(500)).build());
    assertThatThrownBy(() -> late.connect("quic", server.address()))
        .isInstanceOf(ConnectionException.class);
    slow.release.countDown();
    assertThat(call.done().get(5, TimeUnit.SECONDS)).isEqualTo("answered");
    shutdown.get(15, TimeUnit.SECONDS);
  }

  @Test
  void theServerEndingAConnectionEndsTheClients() {
    CompletableFuture<ClientConnection> accepted = new CompletableFuture<>();
    Server server =
        QuicCases.start(
            b -> b.plugin((ServerPlugin.PostConnAccept) c -> accepted.complete(c) || true));
    closeables.add(server);
    Client c = client(QuicCases.client().build());
    c.connect("quic", server.address());
    assertThat(product(c, 2, 3)).isEqualTo(6);
    accepted.join().close();
    await().atMost(Duration.ofSeconds(5)).until(c::isShutdown);
  }
}
