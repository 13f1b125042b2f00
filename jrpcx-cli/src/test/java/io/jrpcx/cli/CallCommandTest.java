package io.jrpcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.ServiceException;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerContext;
import io.jrpcx.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CallCommandTest {
  /** Calls that never answer, completed after each test so that the server can close. */
  private final Map<CompletableFuture<String>, Boolean> stuck = new ConcurrentHashMap<>();

  /** Answers with the raw bytes it got, reversed: a reply that is not the request. */
  public static class Bytes {
    public byte[] reverse(byte[] in) {
      byte[] out = new byte[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = in[in.length - 1 - i];
      }
      return out;
    }
  }

  /** Never answers until the test is over. */
  public class Slow {
    public CompletableFuture<String> hang(ServerContext ctx, String in) {
      CompletableFuture<String> f = new CompletableFuture<>();
      stuck.put(f, true);
      return f;
    }
  }

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b ->
              b.authenticator(
                  (conn, request, token) -> {
                    // Only Secure needs a token, so that the other tests call without one.
                    if ("Secure".equals(request.servicePath()) && !"s3cret".equals(token)) {
                      throw new ServiceException("bad token");
                    }
                  }),
          s -> {
            s.register("Secure", new io.jrpcx.testing.ArithService(), "");
            s.register("Bytes", new Bytes(), "");
            s.register("Slow", new Slow(), "");
          });

  @org.junit.jupiter.api.AfterEach
  void release() {
    stuck.keySet().forEach(f -> f.complete("late"));
  }

  private String tcp() {
    return "tcp@" + server.address();
  }

  @Test
  void msgpackIsTheDefaultAndTheReplyIsPrintedAsJson() {
    Cli.Result r = Cli.run("call", tcp(), "Arith.Mul", "{\"A\":10,\"B\":20}");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("{\"C\":200}\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void jsonCodecWithAPlainHostPortAddress() {
    Cli.Result r =
        Cli.run("call", server.address(), "Arith.Add", "{\"A\":10,\"B\":20}", "--codec", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("{\"C\":30}\n");
  }

  @Test
  void prettyIndentsTheReply() {
    Cli.Result r = Cli.run("call", tcp(), "Arith.Mul", "{\"A\":3,\"B\":4}", "--pretty");
    assertThat(r.out()).isEqualTo("{\n  \"C\" : 12\n}\n");
  }

  @Test
  void rawSendsTheTextAsItIsAndPrintsTheReplyAsText() {
    Cli.Result r = Cli.run("call", tcp(), "Bytes.Reverse", "hello", "--codec", "raw");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("olleh\n");
  }

  @Test
  void rawReplyThatIsNotUtf8IsPrintedAsBase64AndSaysSo() {
    // "\u00e9" is C3 A9 in UTF-8; reversed, A9 C3 is not UTF-8.
    Cli.Result r = Cli.run("call", tcp(), "Bytes.Reverse", "\u00e9", "--codec", "raw");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .isEqualTo(
            java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xa9, (byte) 0xc3})
                + "\n");
    assertThat(r.err()).contains("not UTF-8").contains("base64");
  }

  @Test
  void metadataIsSentAndTheResponseMetadataShown() {
    Cli.Result r =
        Cli.run(
            "call",
            tcp(),
            "Arith.MulMeta",
            "{\"A\":2,\"B\":21}",
            "--meta",
            "trace=abc-123",
            "--meta",
            "tenant=t1",
            "--show-meta");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("{\"C\":42}\n");
    assertThat(r.err()).contains("trace=abc-123\n").contains("tenant=t1\n");
  }

  @Test
  void authTokenReachesTheServersAuthenticator() {
    Cli.Result ok = Cli.run("call", tcp(), "Secure.Mul", "{\"A\":6,\"B\":7}", "--auth", "s3cret");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.out()).isEqualTo("{\"C\":42}\n");

    Cli.Result refused =
        Cli.run("call", tcp(), "Secure.Mul", "{\"A\":6,\"B\":7}", "--auth", "wrong");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.REMOTE_ERROR);
    assertThat(refused.err()).isEqualTo("error: bad token\n");
    assertThat(refused.out()).isEmpty();
  }

  @Test
  void aCallPastItsTimeoutFailsWithExitCode4() {
    Cli.Result r =
        Cli.run("call", tcp(), "Slow.Hang", "\"x\"", "--codec", "json", "--timeout", "300ms");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(r.err()).isEqualTo("error: Slow.Hang did not answer within 300ms\n");
  }

  @Test
  void unknownServiceIsTheServersErrorWithExitCode1() {
    Cli.Result r = Cli.run("call", tcp(), "Nope.Mul", "{}");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REMOTE_ERROR);
    assertThat(r.err()).isEqualTo("error: rpcx: can't find service Nope\n");
  }

  @Test
  void serviceErrorsAreTheServersText() {
    Cli.Result r = Cli.run("call", tcp(), "Arith.Div", "{\"A\":1,\"B\":0}");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.REMOTE_ERROR);
    assertThat(r.err()).isEqualTo("error: divide by zero\n");
  }

  @Test
  void badJsonIsAUsageErrorThatSaysWhere() {
    Cli.Result r = Cli.run("call", tcp(), "Arith.Mul", "{\"A\":10,\n \"B\":}");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("error: bad JSON arguments at line 2, column 6: ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void trailingGarbageAfterTheJsonIsRejected() {
    Cli.Result r = Cli.run("call", tcp(), "Arith.Mul", "{\"A\":1} x");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("error: bad JSON arguments at line 1, column 9");
  }

  @Test
  void aRefusedPortIsExitCode3() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result r = Cli.run("call", "tcp@127.0.0.1:" + port, "Arith.Mul", "{}");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err())
        .isEqualTo("error: cannot connect to tcp@127.0.0.1:" + port + ": connection refused\n");
  }

  @Test
  void badAddressesAndMethodNamesAreUsageErrors() {
    assertThat(Cli.run("call", "tcp@nohostport", "Arith.Mul").err())
        .isEqualTo(
            "error: address 'tcp@nohostport' has no host:port; expected tcp@host:port "
                + "or host:port\n");
    assertThat(Cli.run("call", "quic@h:1", "Arith.Mul").exitCode()).isEqualTo(ExitCodes.USAGE);
    Cli.Result noDot = Cli.run("call", tcp(), "ArithMul");
    assertThat(noDot.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noDot.err()).contains("'ArithMul' is not SERVICE.METHOD");
    Cli.Result badCodec = Cli.run("call", tcp(), "Arith.Mul", "--codec", "xml");
    assertThat(badCodec.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badCodec.err()).contains("--codec").contains("xml");
  }

  @Test
  void anAddressOrARegistryIsNeededButNotBoth() {
    Cli.Result neither = Cli.run("call", "Arith.Mul");
    assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(neither.err())
        .isEqualTo("error: give ADDRESS SERVICE.METHOD [ARGS], or --registry URL SERVICE.METHOD\n");
    Cli.Result both = Cli.run("call", "--registry", "etcd://127.0.0.1:1", tcp(), "Arith.Mul", "{}");
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("not an address too: '" + tcp() + "'");
    Cli.Result badRegistry = Cli.run("call", "--registry", "etcd://", "Arith.Mul");
    assertThat(badRegistry.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badRegistry.err())
        .isEqualTo(
            "error: registry address 'etcd://' names no server;" + " expected etcd://host:port\n");
    Cli.Result unknown = Cli.run("call", "--registry", "eureka://h:1", "Arith.Mul");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("unknown kind 'eureka'");
  }

  @Test
  void serviceNamesWithDotsSplitAtTheLastDot(@TempDir Path dir) {
    Server dotted = Server.builder().build();
    dotted.register("pkg.Arith", new io.jrpcx.testing.ArithService(), "");
    Path socket = dir.resolve("a.sock");
    dotted.start("unix", socket.toString());
    try {
      Cli.Result r = Cli.run("call", "unix@" + socket, "pkg.Arith.Mul", "{\"A\":5,\"B\":5}");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("{\"C\":25}\n");
    } finally {
      dotted.close();
    }
  }
}
