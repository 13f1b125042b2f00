package io.jrpcx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerContext;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS and mutual TLS between jrpcx clients and servers, with certificates made for the test: who
 * is trusted, whose names match, who must present a certificate, and what happens when only one
 * side speaks TLS.
 */
class TlsTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  /** How a client learns the server refused its certificate: at connect or just after. */
  private static final String REFUSED_CERTIFICATE =
      "(TLS handshake with .* failed"
          + "|.* closed on a TLS error): Received fatal alert: \\w*certificate\\w*";

  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void makeCertificates() {
    certs = TestCertificates.create(dir);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** Tells the caller how the server sees its connection. */
  public static class WhoAmI {
    public String whoAmI(ServerContext ctx, String ignored) {
      SSLSession session = ctx.connection().tlsSession().orElse(null);
      if (session == null) {
        return "plaintext";
      }
      try {
        return session.getProtocol() + " " + session.getPeerPrincipal().getName();
      } catch (SSLPeerUnverifiedException e) {
        return session.getProtocol() + " anonymous";
      }
    }
  }

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  /** The server's side with the given certificate, trusting the CA for client certificates. */
  private static TlsConfig.Builder serverTls(TestCertificates.Pair identity) {
    return TlsConfig.builder().keyManager(identity.cert, identity.key).trustManager(certs.ca.cert);
  }

  /** A client trusting the test CA. */
  private static TlsConfig.Builder clientTls() {
    return TlsConfig.builder().trustManager(certs.ca.cert);
  }

  private Server startServer(TlsConfig tls) {
    Server server = Server.builder().tls(tls).ioThreads(1).handlerThreads(4).build();
    resources.add(server);
    server.register("Arith", new ArithService(), "");
    server.register("WhoAmI", new WhoAmI(), "");
    server.start("tcp", "127.0.0.1:0");
    return server;
  }

  private Client newClient(TlsConfig tls) {
    return newClient(
        ClientOptions.DEFAULT.toBuilder().tls(tls).connectTimeout(Duration.ofSeconds(5)).build());
  }

  private Client newClient(ClientOptions options) {
    Client client = new Client(options);
    resources.add(client);
    return client;
  }

  private Client connect(TlsConfig tls, Server server) {
    Client client = newClient(tls);
    client.connect("tcp", server.address());
    return client;
  }

  private static String whoAmI(Client client) {
    return client.call(ctx(), "WhoAmI", "WhoAmI", "", String.class);
  }

  private static int mul(Client client, int a, int b) {
    return client.call(ctx(), "Arith", "Mul", new Args(a, b), Reply.class).C;
  }

  /**
   * Connects and calls, returning how it failed. The refusal of a client certificate reaches a
   * TLS 1.3 client only after its side of the handshake has finished (the server checks the
   * certificate last), so it may fail the connect or, just after it, the connection.
   */
  private Throwable refusal(TlsConfig tls, Server server) {
    Client client = newClient(tls);
    try {
      client.connect("tcp", server.address());
    } catch (ConnectionException e) {
      return e;
    }
    await().atMost(Duration.ofSeconds(10)).until(client::isShutdown);
    try {
      mul(client, 1, 2);
    } catch (ConnectionException e) {
      return e;
    }
    throw new AssertionError("the server accepted the client");
  }

  @Test
  void callsOverTlsReachTheServiceAndTheServerSeesTheSession() {
    Server server = startServer(serverTls(certs.server).build());
    Client client = connect(clientTls().build(), server);

    assertThat(mul(client, 6, 7)).isEqualTo(42);
    assertThat(whoAmI(client)).isEqualTo("TLSv1.3 anonymous");
    assertThat(server.tls().clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
  }

  @Test
  void tls12IsUsedWhenOneSideAllowsOnlyIt() {
    Server server = startServer(serverTls(certs.server).protocols("TLSv1.2").build());
    Client client = connect(clientTls().build(), server);

    assertThat(whoAmI(client)).isEqualTo("TLSv1.2 anonymous");
  }

  @Test
  void clientRefusesAServerCertificateFromAnUntrustedCa() {
    Server server = startServer(serverTls(certs.server).build());
    TlsConfig trustsSomeoneElse = TlsConfig.builder().trustManager(certs.untrusted.cert).build();

    assertThatThrownBy(() -> connect(trustsSomeoneElse, server))
        .isInstanceOf(ConnectionException.class)
        .hasMessageStartingWith("TLS handshake with " + server.address() + " failed: ")
        .hasMessageContaining("certification path");
    assertThat(mul(connect(clientTls().build(), server), 2, 3)).isEqualTo(6);
  }

  @Test
  void clientRefusesACertificateThatNamesAnotherHost() {
    Server server = startServer(serverTls(certs.elsewhere).build());

    assertThatThrownBy(() -> connect(clientTls().build(), server))
        .isInstanceOf(ConnectionException.class)
        .hasMessageStartingWith("TLS handshake with " + server.address() + " failed: ")
        .hasMessageContaining("subject alternative names matching IP address 127.0.0.1");
  }

  @Test
  void serverNameSetsTheNameTheCertificateMustCarry() {
    Server server = startServer(serverTls(certs.elsewhere).build());

    Client named = connect(clientTls().serverName("elsewhere.example").build(), server);
    assertThat(mul(named, 2, 5)).isEqualTo(10);
    assertThatThrownBy(() -> connect(clientTls().serverName("other.example").build(), server))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("subject alternative DNS name matching other.example");
    Client unverified = connect(clientTls().hostnameVerification(false).build(), server);
    assertThat(mul(unverified, 3, 5)).isEqualTo(15);
  }

  @Test
  void mutualTlsAcceptsAClientWithATrustedCertificate() {
    Server server =
        startServer(serverTls(certs.server).clientAuth(TlsConfig.ClientAuth.REQUIRE).build());
    Client client =
        connect(clientTls().keyManager(certs.client.cert, certs.client.key).build(), server);

    assertThat(whoAmI(client)).isEqualTo("TLSv1.3 CN=jrpcx test client");
    assertThat(mul(client, 4, 5)).isEqualTo(20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void mutualTlsRefusesAClientWithoutCertificate(String protocol) {
    Server server =
        startServer(
            serverTls(certs.server)
                .protocols(protocol)
                .clientAuth(TlsConfig.ClientAuth.REQUIRE)
                .build());

    assertThat(refusal(clientTls().build(), server)).hasMessageMatching(REFUSED_CERTIFICATE);
    // Others are unaffected.
    Client withCert =
        connect(clientTls().keyManager(certs.client.cert, certs.client.key).build(), server);
    assertThat(mul(withCert, 2, 2)).isEqualTo(4);
  }

  @Test
  void mutualTlsRefusesAClientCertificateFromAnUntrustedIssuer() {
    Server server =
        startServer(serverTls(certs.server).clientAuth(TlsConfig.ClientAuth.REQUIRE).build());
    TlsConfig selfSigned =
        clientTls().keyManager(TestCertificates.alwaysPresenting(certs.untrusted)).build();

    assertThat(refusal(selfSigned, server)).hasMessageMatching(REFUSED_CERTIFICATE);
  }

  @Test
  void optionalClientAuthAcceptsClientsWithAndWithoutCertificates() {
    Server server =
        startServer(serverTls(certs.server).clientAuth(TlsConfig.ClientAuth.OPTIONAL).build());

    assertThat(whoAmI(connect(clientTls().build(), server))).isEqualTo("TLSv1.3 anonymous");
    assertThat(
            whoAmI(
                connect(
                    clientTls().keyManager(certs.client.cert, certs.client.key).build(), server)))
        .isEqualTo("TLSv1.3 CN=jrpcx test client");
  }

  @Test
  void tlsServerClosesAPlaintextClientAndKeepsServingTlsClients() {
    Server server = startServer(serverTls(certs.server).build());
    Client before = connect(clientTls().build(), server);
    assertThat(mul(before, 1, 1)).isEqualTo(1);

    Client plaintext = newClient(ClientOptions.DEFAULT);
    plaintext.connect("tcp", server.address()); // TCP alone succeeds: nothing is exchanged yet
    assertThatThrownBy(() -> mul(plaintext, 2, 3))
        .isInstanceOf(ConnectionException.class)
        .hasMessage(
            ConnectionException.SHUT_DOWN
                + ": connection to "
                + server.address()
                + " wrong magic number 0x15: the peer speaks TLS and this side does not (configure "
                + "TLS on both sides)");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.activeConnections().size() == 1);

    assertThat(mul(before, 2, 2)).isEqualTo(4);
    assertThat(mul(connect(clientTls().build(), server), 3, 3)).isEqualTo(9);
  }

  @Test
  @Timeout(30)
  void tlsClientToAPlaintextServerFailsClearly() {
    Server plain = Server.builder().ioThreads(1).build();
    resources.add(plain);
    plain.register("Arith", new ArithService(), "");
    plain.start("tcp", "127.0.0.1:0");

    assertThatThrownBy(() -> newClient(clientTls().build()).connect("tcp", plain.address()))
        .isInstanceOf(ConnectionException.class)
        .hasMessage(
            "TLS handshake with "
                + plain.address()
                + " failed: the peer closed the "
                + "connection during the handshake (does it serve TLS?)");
    // The server drops the connection on its own network thread, maybe just after the client saw
    // it closed.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(plain.activeConnections()).isEmpty());
  }

  @Test
  @Timeout(30)
  void tlsClientGivesUpOnASilentServerAtTheConnectTimeout() throws IOException {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    resources.add(silent);
    resources.add(
        () -> {
          for (Socket s : accepted) {
            s.close();
          }
        });
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.add(silent.accept()); // accepts and never answers
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    Client client =
        newClient(
            ClientOptions.DEFAULT.toBuilder()
                .tls(clientTls().build())
                .connectTimeout(Duration.ofMillis(500))
                .build());

    assertThatThrownBy(() -> client.connect("tcp", "127.0.0.1:" + silent.getLocalPort()))
        .isInstanceOf(ConnectionException.class)
        .hasMessage(
            "TLS handshake with 127.0.0.1:"
                + silent.getLocalPort()
                + " did not complete within the connect timeout of PT0.5S");
    assertThat(client.isShutdown()).isTrue();
  }

  @Test
  void tlsIsOnlyForTcpBasedNetworks() {
    Server server = Server.builder().tls(serverTls(certs.server).build()).build();
    resources.add(server);
    assertThatThrownBy(() -> server.start("inprocess", "tls-test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TLS is supported on TCP-based networks (tcp, http, ws, wss, reuseport), "
                + "not inprocess");

    Client client = newClient(clientTls().build());
    assertThatThrownBy(() -> client.connect("unix", dir.resolve("s.sock").toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TLS is supported on TCP-based networks (tcp, http, ws, wss, reuseport), "
                + "not unix");
  }

  @Test
  void xclientCallsEveryNodeOverMutualTls() {
    TlsConfig serverTls = serverTls(certs.server).clientAuth(TlsConfig.ClientAuth.REQUIRE).build();
    Server a = startServer(serverTls);
    Server b = startServer(serverTls);
    ClientOptions options =
        ClientOptions.DEFAULT.toBuilder()
            .tls(clientTls().keyManager(certs.client.cert, certs.client.key).build())
            .build();
    XClient x =
        XClient.create(
            "Arith",
            FailMode.FAILFAST,
            SelectMode.ROUND_ROBIN,
            new MultipleServersDiscovery(
                List.of(
                    new KVPair("tcp@" + a.address(), ""), new KVPair("tcp@" + b.address(), ""))),
            options);
    resources.add(x);

    for (int i = 0; i < 4; i++) {
      assertThat(x.call(ctx(), "Mul", new Args(i, 10), Reply.class).C).isEqualTo(i * 10);
    }
    assertThat(a.activeConnections()).hasSize(1);
    assertThat(b.activeConnections()).hasSize(1);
  }
}
