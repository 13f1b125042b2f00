package io.jrpcx.server;

import static io.jrpcx.server.RawRpcxSocket.mul;
import static io.jrpcx.server.RawRpcxSocket.replyC;
import static org.awaitility.Awaitility.await;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.EchoService;
import io.jrpcx.testing.FuzzSupport;
import io.jrpcx.testing.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes a live server over loopback TCP: each input is written as it is on a fresh connection,
 * which is then half-closed.
 *
 * <p>Invariants, for every input:
 *
 * <ul>
 *   <li>the server ends that connection within {@link #DEADLINE} (it answers what it can and
 *       closes; it never waits forever for bytes that will not come);
 *   <li>whatever it sent before closing is a sequence of well-formed response frames (only the
 *       last may be cut short by the close);
 *   <li>a fresh connection then gets {@code Arith.Mul} answered correctly;
 *   <li>the server logs nothing at WARN or above except the expected "closing connection ...:
 *       &lt;protocol error&gt;" line, so an unexpected exception in its pipeline or in a call is a
 *       finding even though the client sees only a closed connection.
 * </ul>
 *
 * <p>Every {@value #SLOW_CHECK_EVERY} inputs, and after the class: a long-lived {@link Client}
 * connected before fuzzing still gets answers, the server holds no connection but that one, its
 * memory budget is back to zero and was never overdrawn, and Netty's PARANOID leak detector saw no
 * unreleased buffer.
 *
 * <p>Seeds: every Go vector ({@link FuzzSupport#seeds()}) plus the files under
 * {@code ServerFuzzTestInputs/rawBytes/}. Run {@code JAZZER_FUZZ=1} to fuzz (see
 * docs/contributing/fuzzing.md).
 */
class ServerFuzzTest {
  /** Longest the server may take to answer and close, and a fresh call to be answered. */
  static final Duration DEADLINE = Duration.ofSeconds(5);

  static final int SLOW_CHECK_EVERY = 500;
  private static final FrameCodec CODEC = FrameCodec.defaults();

  private static Server server;
  private static Client bystander;
  private static InetSocketAddress address;
  private static ServerLogWatch logWatch;
  private static long inputs;
  private static final FuzzSupport.PeriodicLeakCheck LEAKS =
      new FuzzSupport.PeriodicLeakCheck(10 * SLOW_CHECK_EVERY);

  static Stream<Arguments> seeds() {
    return FuzzSupport.seeds();
  }

  @BeforeAll
  static void startServer() {
    logWatch = ServerLogWatch.install();
    server =
        Server.builder()
            // 1 MiB instead of 64: a fuzzed gzip payload echoed back stays cheap.
            .maxMessageLength(1 << 20)
            .maxDecompressedLength(1 << 20)
            .build();
    server.register("Arith", new ArithService(), "");
    server.register("Echo", new EchoService(), "");
    server.start("tcp", "127.0.0.1:0");
    String[] hostPort = server.address().split(":");
    address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    bystander = new Client();
    bystander.connect("tcp", server.address());
  }

  @AfterAll
  static void stopServer() {
    try {
      slowChecks();
    } finally {
      if (bystander != null) {
        bystander.close();
      }
      if (server != null) {
        server.close();
      }
      if (logWatch != null) {
        logWatch.uninstall();
      }
    }
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = "20s")
  void rawBytes(byte[] input) throws IOException {
    // Jazzer's SSRF detector reports any connection made while fuzzing; these are intended.
    try (SilentCloseable allowed =
        BugDetectors.allowNetworkConnections((host, port) -> port == address.getPort())) {
      byte[] received = sendAndHalfClose(input);
      checkResponses(received);
      freshConnectionGetsAnswered(++inputs);
      logWatch.assertNothingUnexpected();
      if (inputs % SLOW_CHECK_EVERY == 0) {
        slowChecks();
      }
      LEAKS.tick();
    }
  }

  /** Writes {@code input}, half-closes, and returns what the server sent until it closed. */
  private static byte[] sendAndHalfClose(byte[] input) throws IOException {
    try (Socket s = new Socket()) {
      s.setSoTimeout((int) DEADLINE.toMillis());
      s.connect(address, (int) DEADLINE.toMillis());
      try {
        s.getOutputStream().write(input);
        s.shutdownOutput();
      } catch (SocketException closedFirst) {
        // The server refused these bytes and closed before all of them were written.
      }
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          throw new AssertionError(
              "the server neither closed the connection nor sent anything"
                  + " for "
                  + DEADLINE
                  + " after the client half-closed ("
                  + received.size()
                  + " bytes received)");
        } catch (SocketException reset) {
          break; // closed with unread input: RST
        }
        if (n < 0) {
          break;
        }
        received.write(buf, 0, n);
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the server kept the connection open for over "
                  + DEADLINE
                  + " after the client half-closed ("
                  + received.size()
                  + " bytes received)");
        }
      }
      return received.toByteArray();
    }
  }

  /** Everything the server sent must be whole response frames; the last may be cut short. */
  private static void checkResponses(byte[] received) {
    int at = 0;
    while (received.length - at >= FrameCodec.HEADER_LENGTH) {
      int frameLen;
      try {
        frameLen = CODEC.frameLength(ByteBuffer.wrap(received, at, FrameCodec.HEADER_LENGTH));
      } catch (ProtocolException e) {
        throw new AssertionError("the server sent a malformed frame header: " + e.getMessage());
      }
      if (received.length - at < frameLen) {
        return; // cut short by the close
      }
      Message response;
      try {
        response = CODEC.decode(ByteBuffer.wrap(received, at, frameLen).slice());
      } catch (ProtocolException e) {
        throw new AssertionError("the server sent a malformed frame: " + e.getMessage());
      }
      if (!response.isResponse()) {
        throw new AssertionError("the server sent a frame that is not a response: " + response);
      }
      at += frameLen;
    }
    if (at < received.length && received[at] != Message.MAGIC) {
      throw new AssertionError("the server sent bytes that do not start a frame");
    }
  }

  private static void freshConnectionGetsAnswered(long n) {
    int a = (int) (n % 1000);
    try (RawRpcxSocket s = RawRpcxSocket.connect(server.address())) {
      Message response = s.call(mul(n, a, 7));
      if (response.isError() || response.seq() != n || replyC(response) != a * 7) {
        throw new AssertionError(
            "Arith.Mul on a fresh connection after input "
                + n
                + " was answered with "
                + response
                + " "
                + response.errorText());
      }
    }
  }

  /** The long-lived client still works, no connection is left over, no buffer leaked. */
  private static void slowChecks() {
    Reply r =
        bystander.call(
            Context.background().withTimeout(DEADLINE),
            "Arith",
            "Mul",
            new Args(6, 7),
            Reply.class);
    if (r.C != 42) {
      throw new AssertionError("the long-lived client got " + r.C);
    }
    await("the server closing every connection but the long-lived client's")
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> server.activeConnections().size() <= 1);
    // The memory budget: every byte reserved for a connection's frames, requests and answers is
    // given back once they are done, and the budget was never overdrawn.
    await("the server giving back every byte of its memory budget")
        .atMost(DEADLINE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> server.memoryInUse() == 0);
    long budget = server.memoryBudget().limit();
    if (server.memoryPeak() > budget + budget / 4) {
      throw new AssertionError("memory budget of " + budget + " overdrawn: " + server.memoryPeak());
    }
    LEAKS.checkNow();
    logWatch.assertNothingUnexpected();
  }

  /**
   * Watches what the loggers print to {@code System.err} (slf4j-simple looks the stream up on
   * every record): drops the one line every refused input is expected to produce, and remembers
   * any other WARN or ERROR record, which the test turns into a failure.
   */
  static final class ServerLogWatch extends PrintStream {
    private static final String EXPECTED =
        " WARN io.jrpcx.server.ServerHandler - closing connection ";

    /** The same logger's line for an exception that is not a protocol error: a finding. */
    private static final String UNEXPECTED = "after an unexpected error";

    private final PrintStream original;
    private final List<String> unexpected = new ArrayList<>();
    private long dropped;

    private ServerLogWatch(PrintStream original) {
      super(original, true);
      this.original = original;
    }

    static ServerLogWatch install() {
      ServerLogWatch watch = new ServerLogWatch(System.err);
      System.setErr(watch);
      return watch;
    }

    void uninstall() {
      System.setErr(original);
      original.println(
          "ServerFuzzTest: "
              + dropped
              + " inputs refused with a protocol error"
              + " (their WARN lines were not printed)");
    }

    @Override
    public void println(String line) {
      if (line != null && line.contains(EXPECTED) && !line.contains(UNEXPECTED)) {
        synchronized (this) {
          dropped++;
        }
        return;
      }
      if (line != null && (line.contains(" WARN ") || line.contains(" ERROR "))) {
        synchronized (this) {
          unexpected.add(line);
        }
      }
      super.println(line);
    }

    synchronized void assertNothingUnexpected() {
      if (!unexpected.isEmpty()) {
        List<String> lines = List.copyOf(unexpected);
        unexpected.clear();
        throw new AssertionError("the server logged unexpectedly:\n" + String.join("\n", lines));
      }
    }
  }
}
