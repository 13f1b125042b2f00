package io.jrpcx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ReusePort;
import io.jrpcx.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example programs print what the README and the guides in docs/ say they print. */
class ExamplesTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream original;

  @BeforeEach
  void captureStdout() {
    original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStdout() {
    System.setOut(original);
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void inventoryDemoShowsRecordsTimeTypeRefsProxiesAndErrorCodes() throws Exception {
    InventoryDemo.main(new String[0]);
    assertThat(printed().lines())
        .containsExactly(
            "A: A-1 x3 at 2026-12-03T10:15:30.500Z",
            "items under B: 1",
            "items (async): 3",
            "not found: no item Z-9 {sku=Z-9}");
  }

  @Test
  void quickstartPrintsTheProduct() {
    Quickstart.main(new String[0]);
    assertThat(printed()).isEqualTo("10 * 20 = 200" + System.lineSeparator());
  }

  @Test
  void syncAndAsyncClientsTalkToArithServer() {
    Server server = ArithServer.start("127.0.0.1:0");
    try {
      ArithClient.main(new String[] {"--addr", server.address()});
      ArithAsyncClient.main(new String[] {"--addr=" + server.address()});
      assertThat(printed())
          .isEqualTo(
              "10 * 20 = 200" + System.lineSeparator() + "10 * 20 = 200" + System.lineSeparator());
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "http", "ws", "wss", "unix", "reuseport", "quic", "kcp"})
  void arithServerAndClientTalkOnEveryNetworkOfTheNetworkFlag(String network, @TempDir Path dir) {
    // Fails on Linux when epoll did not load; skips only off Linux, where reuseport does not apply.
    assumeTrue(!network.equals("reuseport") || ReusePort.runsHere(), "reuseport is Linux-only");
    TestCertificates certs = TestCertificates.create(dir);
    boolean tls = network.equals("wss") || network.equals("quic");
    String addr = network.equals("unix") ? dir.resolve("arith.sock").toString() : "127.0.0.1:0";
    Server server =
        ArithServer.start(
            network,
            addr,
            tls
                ? new Flags(
                        new String[] {
                          "--cert",
                          certs.server.cert.toString(),
                          "--key",
                          certs.server.key.toString()
                        })
                    .tls(true)
                : null);
    try {
      java.util.List<String> args =
          new java.util.ArrayList<>(
              java.util.List.of("--network", network, "--addr", server.address()));
      if (tls) {
        args.addAll(java.util.List.of("--ca", certs.ca.cert.toString()));
      }
      ArithClient.main(args.toArray(new String[0]));
      assertThat(printed()).isEqualTo("10 * 20 = 200" + System.lineSeparator());
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void onQuicTheServerMakesASelfSignedCertificateThatTheClientTrustsOnlyWithInsecure() {
    Server server =
        ArithServer.start("quic", "127.0.0.1:0", ArithServer.tls("quic", new Flags(new String[0])));
    try {
      out.reset();
      String[] args = {"--network", "quic", "--addr", server.address()};
      assertThatThrownBy(() -> ArithClient.main(args))
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("TLS handshake");
      ArithClient.main(
          new String[] {"--network", "quic", "--addr", server.address(), "--insecure"});
      assertThat(printed()).isEqualTo("10 * 20 = 200" + System.lineSeparator());
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void arithServerAndClientTalkMutualTlsWithTheTlsFlags(@TempDir Path dir) {
    TestCertificates certs = TestCertificates.create(dir);
    Server server =
        ArithServer.start(
            "127.0.0.1:0",
            new Flags(
                    new String[] {
                      "--cert",
                      certs.server.cert.toString(),
                      "--key",
                      certs.server.key.toString(),
                      "--ca",
                      certs.ca.cert.toString()
                    })
                .tls(true));
    try {
      ArithClient.main(
          new String[] {
            "--addr",
            server.address(),
            "--ca",
            certs.ca.cert.toString(),
            "--cert",
            certs.client.cert.toString(),
            "--key",
            certs.client.key.toString()
          });
      assertThat(printed()).isEqualTo("10 * 20 = 200" + System.lineSeparator());
      assertThatThrownBy(() -> ArithClient.main(new String[] {"--addr", server.address()}))
          .isInstanceOf(ConnectionException.class);
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void xclientSyncAndAsyncExamplesTalkToArithServer() {
    Server server = ArithServer.start("127.0.0.1:0");
    try {
      XClientArith.main(new String[] {"--addr", server.address()});
      XClientArithAsync.main(new String[] {"--addr", server.address()});
      assertThat(printed())
          .isEqualTo(
              "10 * 20 = 200" + System.lineSeparator() + "10 * 20 = 200" + System.lineSeparator());
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void greeterClientCallsGreeterServerThroughTheGeneratedStubs() {
    Server server = GreeterServer.start("127.0.0.1:0");
    try {
      GreeterClient.main(new String[] {"--addr", server.address(), "--name", "NAME"});
      assertThat(printed()).isEqualTo("Hello NAME" + System.lineSeparator());
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void failoverLoadLosesNoCallWhenANodeStops() throws Exception {
    FailoverLoad.main(new String[] {"--duration", "2s", "--concurrency", "8"});
    assertThat(printed()).containsPattern(": 0 failed of [1-9][0-9]* calls");
  }

  @Test
  void arithAddsAndErrorAlwaysFails() {
    Server server = ArithServer.start("127.0.0.1:0");
    try (Client client = new Client()) {
      client.connect("tcp", server.address());
      assertThat(client.call(Context.background(), "Arith", "Add", new Args(10, 20), Reply.class).C)
          .isEqualTo(30);
      assertThatThrownBy(
              () ->
                  client.call(Context.background(), "Arith", "Error", new Args(1, 2), Reply.class))
          .isInstanceOf(ServiceException.class)
          .hasMessage("Arith.Error always fails");
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void fileClientUploadsDownloadsAndStreamsThroughFileServer(@TempDir Path dir) throws Exception {
    Path served = Files.createDirectories(dir.resolve("served"));
    Path local = Files.createDirectories(dir.resolve("local"));
    Server server =
        FileServer.start(
            new Flags(
                new String[] {
                  "--addr", "127.0.0.1:0", "--file-addr", "127.0.0.1:0", "--dir", served.toString()
                }));
    try {
      Path upload = Files.writeString(local.resolve("notes.txt"), "hello rpcx file transfer\n");
      assertThat(
              FileClient.run(
                  new String[] {
                    "--addr", server.address(), "--mode", "upload", "--file", upload.toString()
                  }))
          .isZero();
      assertThat(Files.readString(served.resolve("notes.txt")))
          .isEqualTo("hello rpcx file transfer\n");

      Files.writeString(served.resolve("report.txt"), "quarterly");
      Path download = local.resolve("report.txt");
      assertThat(
              FileClient.run(
                  new String[] {
                    "--addr", server.address(), "--mode", "download", "--file", download.toString()
                  }))
          .isZero();
      assertThat(Files.readString(download)).isEqualTo("quarterly");

      assertThat(
              FileClient.run(
                  new String[] {
                    "--addr", server.address(), "--mode", "stream", "--file", upload.toString()
                  }))
          .isZero();

      assertThat(
              FileClient.run(
                  new String[] {
                    "--addr",
                    server.address(),
                    "--mode",
                    "download",
                    "--file",
                    local.resolve("missing.txt").toString()
                  }))
          .isEqualTo(1);
      assertThat(local.resolve("missing.txt")).doesNotExist();

      assertThat(printed())
          .endsWith(
              String.join(
                  System.lineSeparator(),
                  "RESULT: OK 25",
                  "RESULT: OK 9",
                  "RESULT: OK 25",
                  "ERROR: file not found: missing.txt",
                  ""));
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void limitsDemoAnswersFiveCallsThenTheRateLimitErrorOnTheSameConnection() {
    LimitsDemo.main(new String[0]);
    String nl = System.lineSeparator();
    assertThat(printed())
        .isEqualTo(
            "1: hello"
                + nl
                + "2: hello"
                + nl
                + "3: hello"
                + nl
                + "4: hello"
                + nl
                + "5: hello"
                + nl
                + "6: request reached rate limit"
                + nl
                + "7: request reached rate limit"
                + nl);
  }

  /** The three curl commands of docs/gateway.md, sent to GatewayServer. */
  @Test
  void gatewayServerAnswersTheGatewayAndJsonRpcRequestsOfTheDocs() throws Exception {
    Server server = GatewayServer.start("127.0.0.1:0");
    HttpClient http = HttpClient.newHttpClient();
    try {
      String base = "http://" + server.address();
      HttpResponse<String> gateway =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/Arith"))
                  .header("X-RPCX-ServiceMethod", "Mul")
                  .header("X-RPCX-SerializeType", "1")
                  .header("X-RPCX-MessageID", "42")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"A\":10,\"B\":20}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(gateway.statusCode()).isEqualTo(200);
      assertThat(gateway.headers().firstValue("X-RPCX-MessageID")).hasValue("42");
      assertThat(gateway.body()).isEqualTo("{\"C\":200}");

      HttpResponse<String> jsonRpc =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/"))
                  .header("X-JSONRPC-2.0", "true")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"params\":{\"A\":10,\"B\":20},"
                              + "\"id\":1}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(jsonRpc.body()).contains("\"result\":{\"C\":200}").contains("\"id\":1");

      HttpResponse<String> batch =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/"))
                  .header("X-JSONRPC-2.0", "true")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "[\n"
                              + "  {\"jsonrpc\":\"2.0\",\"method\":\"Arith.Add\",\"params\":{\"A\":1,\"B\":2},"
                              + "\"id\":\"a\"},\n"
                              + "  {\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"params\":{\"A\":3,\"B\":4}},\n"
                              + "  {\"jsonrpc\":\"2.0\",\"method\":\"Arith.Error\",\"params\":{\"A\":1,\"B\":2},"
                              + "\"id\":\"b\"}]"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(batch.body())
          .startsWith("[")
          .containsSubsequence(
              "\"result\":{\"C\":3}", "\"id\":\"a\"", "Arith.Error always fails", "\"id\":\"b\"")
          .doesNotContain("\"C\":12");
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void arithLoadCountsCallsWithoutErrors() throws Exception {
    Server server = ArithServer.start("127.0.0.1:0");
    try {
      ArithLoad.main(
          new String[] {
            "--addr", server.address(), "--concurrency", "4", "--warmup", "0s", "--duration", "1s"
          });
      assertThat(printed()).containsPattern(": [1-9][0-9]* calls, .*, 0 errors");
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }
}
