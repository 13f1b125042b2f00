package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ConnectionException;
import io.jrpcx.TlsConfig;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.discovery.KVPair;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Network names: which are accepted where, the errors for the rest, and how a client reports a
 * server that does not complete the network's handshake.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetworkNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"quic", "kcp"})
  void aNetworkOfAnAbsentModuleNamesTheModuleToAdd(String network) {
    try (Server server = Server.builder().build();
        Client client = new Client()) {
      assertThatThrownBy(() -> server.start(network, "127.0.0.1:0"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("io.jrpcx:jrpcx-transport-" + network);
      assertThatThrownBy(() -> client.connect(network, "127.0.0.1:1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("io.jrpcx:jrpcx-transport-" + network);
    }
  }

  @Test
  void anUnknownNetworkListsTheSupportedOnes() {
    try (Client client = new Client()) {
      assertThatThrownBy(() -> client.connect("carrier-pigeon", "127.0.0.1:1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'carrier-pigeon' is not supported")
          .hasMessageContaining("http")
          .hasMessageContaining("wss")
          .hasMessageContaining("reuseport");
    }
  }

  @Test
  void wssWithoutTlsIsRefusedAtStart() {
    try (Server server = Server.builder().build()) {
      assertThatThrownBy(() -> server.start("wss", "127.0.0.1:0"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("needs TLS");
    }
  }

  @Test
  void tlsOnANetworkThatIsNotTcpBasedIsRefused() {
    TlsConfig tls =
        TlsConfig.builder()
            .keyManager(NetworkCases.certs().server.cert, NetworkCases.certs().server.key)
            .build();
    try (Server server = Server.builder().tls(tls).build()) {
      assertThatThrownBy(() -> server.start("inprocess", "names-test"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("TCP-based networks");
    }
  }

  @Test
  void nodeKeysCarryTheNetworkName() {
    assertThat(new KVPair("ws@127.0.0.1:8972", "").network()).isEqualTo("ws");
    assertThat(new KVPair("reuseport@127.0.0.1:8972", "").network()).isEqualTo("reuseport");
    assertThat(new KVPair("127.0.0.1:8972", "").network()).isEqualTo("tcp");
  }

  @Test
  void theRpcPathMustBeAPathWithoutSpacesOrLineBreaks() {
    assertThatThrownBy(() -> ClientOptions.DEFAULT.toBuilder().rpcPath("/a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Server.builder().rpcPath("x\r\nEvil: 1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCustomRpcPathIsUsedByBothSides() {
    try (Server server = Server.builder().rpcPath("/custom").build()) {
      server.register("Arith", new io.jrpcx.testing.ArithService(), "");
      server.start("ws", "127.0.0.1:0");
      for (String path : new String[] {"/custom", "/_rpcx_"}) {
        try (Client client = new Client(ClientOptions.DEFAULT.toBuilder().rpcPath(path).build())) {
          if (path.equals("/custom")) {
            client.connect("ws", server.address());
            assertThat(
                    client.call(
                            io.jrpcx.Context.background(),
                            "Arith",
                            "Mul",
                            new io.jrpcx.testing.Args(2, 3),
                            io.jrpcx.testing.Reply.class)
                        .C)
                .isEqualTo(6);
          } else {
            assertThatThrownBy(() -> client.connect("ws", server.address()))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("HTTP/1.1 404 Not Found");
          }
        }
      }
    }
  }

  /** Accepts one connection, reads what comes, and answers {@code answer} (null: never). */
  private static CompletableFuture<Void> answerOnce(ServerSocket listener, String answer) {
    return CompletableFuture.runAsync(
        () -> {
          try (Socket s = listener.accept()) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            in.read(new byte[4096]);
            if (answer != null) {
              s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            }
            // Hold the connection until the client gives up on it.
            while (in.read() >= 0) {
              // drain
            }
          } catch (IOException e) {
            // the client closed
          }
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "ws"})
  void aClientRefusesAServerThatAnswersTheHandshakeOtherwise(String network) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Client client = new Client()) {
      CompletableFuture<Void> fake = answerOnce(listener, "HTTP/1.0 200 OK\r\n\r\n");
      assertThatThrownBy(() -> client.connect(network, "127.0.0.1:" + listener.getLocalPort()))
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("'HTTP/1.0 200 OK'");
      fake.get(5, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "ws"})
  void aClientGivesUpOnAHandshakeNotAnsweredWithinTheConnectTimeout(String network)
      throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Client client =
            new Client(
                ClientOptions.DEFAULT.toBuilder().connectTimeout(Duration.ofMillis(300)).build())) {
      CompletableFuture<Void> fake = answerOnce(listener, null);
      assertThatThrownBy(() -> client.connect(network, "127.0.0.1:" + listener.getLocalPort()))
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("within");
      fake.get(5, TimeUnit.SECONDS);
    }
  }
}
