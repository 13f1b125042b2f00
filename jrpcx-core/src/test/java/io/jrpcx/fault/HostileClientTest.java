package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile but well-formed input against a default server in a JVM of its own with a 256 MiB
 * heap, every frame within the 64 MiB frame limit: the attacks that once stopped a server. During
 * and after each, a well-behaved client calling {@code Arith.Mul} every 50 ms is answered within
 * 1 s, and the server prints no sign of running out of memory or losing a network thread. The
 * memory peaks of each attack are printed once after the class, for
 * docs/reliability.md.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileClientTest {
  private static final Map<String, String> PEAKS = new LinkedHashMap<>();

  /** Write stall timeout of the attacked server, short so the test sees the close. */
  private static final long STALL_MILLIS = 2_000;

  private ChildJvm server;
  private Client probeClient;
  private Probe probe;
  private final ExecutorService attackers = Executors.newCachedThreadPool();
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server =
        ChildJvm.launch(
                AttackedServer.class,
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "attacked",
                Long.toString(STALL_MILLIS))
            .awaitReady();
    probeClient = new Client();
    String key = server.key();
    probeClient.connect("tcp", key.substring(key.indexOf('@') + 1));
    probe = new Probe(probeClient);
  }

  @AfterEach
  void stop() throws Exception {
    if (probe != null) {
      probe.stop();
    }
    for (Socket s : sockets) {
      s.close();
    }
    attackers.shutdownNow();
    if (probeClient != null) {
      probeClient.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterAll
  static void printPeaks() {
    StringBuilder table = new StringBuilder("attack | server peaks\n");
    PEAKS.forEach((k, v) -> table.append(k).append(" | ").append(v).append('\n'));
    System.out.println(table);
  }

  @Test
  void metadataFloodsCloseTheirConnectionsAndKeepEveryNetworkThread() throws Exception {
    // 62 MiB of 4.4 million tiny pairs, as the attack that ran the heap out; and 1 MiB of pairs,
    // under the metadata byte limit but far over the pair limit.
    byte[] huge = frame("Arith", "Mul", metadataBlock(4_400_000, 62 << 20), new byte[0], 0);
    byte[] many = frame("Arith", "Mul", metadataBlock(80_000, 1 << 20), new byte[0], 0);
    probe.start();
    List<Future<Boolean>> closed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      closed.add(attackers.submit(() -> sendAndSeeClosed(huge)));
      closed.add(attackers.submit(() -> sendAndSeeClosed(many)));
    }
    for (Future<Boolean> c : closed) {
      assertThat(c.get(60, TimeUnit.SECONDS))
          .as("the server closed the flooding connection")
          .isTrue();
    }
    assertWellBehavedClientServedThroughout("metadata flood (3 x 62 MiB, 4.4M pairs; 3 x 80k)");
  }

  @Test
  void pipelinedGzipBombsAreAnsweredWithoutExhaustingMemory() throws Exception {
    byte[] bomb = frame("Arith", "Mul", new byte[0], gzip(64 * 1024 * 1024 - 64), 1);
    assertThat(bomb.length).isLessThan(100_000);
    probe.start();
    AtomicInteger answers = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    done.add(attackers.submit(() -> bombs(bomb, 30, answers)));
    for (int i = 0; i < 16; i++) {
      done.add(attackers.submit(() -> bombs(bomb, 8, answers)));
    }
    for (Future<?> f : done) {
      f.get(150, TimeUnit.SECONDS);
    }
    assertThat(answers.get())
        .as("every bomb was answered (an error: args or overloaded)")
        .isEqualTo(30 + 16 * 8);
    assertWellBehavedClientServedThroughout("gzip bombs (30 pipelined + 16 x 8, 64 MiB each)");
  }

  @Test
  void peersThatDoNotReadTheirLargeHeartbeatsAreStoppedAndClosed() throws Exception {
    byte[] heartbeat = heartbeat(16 << 20);
    probe.start();
    List<Future<Boolean>> closed = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      closed.add(attackers.submit(() -> sendWithoutReading(heartbeat, 30)));
    }
    // Others' large calls still get the memory they need meanwhile.
    byte[] big = new byte[8 << 20];
    for (int i = 0; i < 3; i++) {
      byte[] echoed =
          probeClient.call(
              Context.background().withTimeout(Duration.ofSeconds(10)),
              "Bytes",
              "Echo",
              big,
              byte[].class);
      assertThat(echoed).hasSize(big.length);
    }
    for (Future<Boolean> c : closed) {
      assertThat(c.get(60, TimeUnit.SECONDS))
          .as("the server closed the connection that did not read")
          .isTrue();
    }
    assertWellBehavedClientServedThroughout("16 MiB heartbeats never read (2 connections x 30)");
  }

  @Test
  void aHugeUnknownServicePathClosesItsConnectionWithoutAHugeLogLine() throws Exception {
    byte[] path = new byte[40 << 20];
    java.util.Arrays.fill(path, (byte) 'x');
    byte[] frame =
        frame(
            new String(path, StandardCharsets.US_ASCII),
            "Mul",
            new byte[0],
            "{}".getBytes(StandardCharsets.UTF_8),
            0);
    probe.start();
    assertThat(sendAndSeeClosed(frame))
        .as("the caller sees the connection close, not a hang")
        .isTrue();
    assertWellBehavedClientServedThroughout("40 MiB unknown service path");
    assertThat(server.longestLine()).as("longest line the server logged").isLessThan(2_000);
  }

  @Test
  void connectionsPastTheFileLimitAreRefusedByTheServerNotByTheKernel() throws Exception {
    // Another server, under a file limit of 512: its default cap leaves room for its own files.
    probeClient.close();
    server.close();
    server =
        ChildJvm.launchWithFileLimit(
                AttackedServer.class,
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                512,
                "limited",
                Long.toString(STALL_MILLIS))
            .awaitReady();
    probeClient = new Client();
    String key = server.key();
    probeClient.connect("tcp", key.substring(key.indexOf('@') + 1));
    probe = new Probe(probeClient);
    probe.start();
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      held.add(connect());
    }
    // Every surplus connection is closed as it is accepted: the server's count says when all
    // 600 have been seen, then each socket tells at once whether it is closed.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              String p =
                  probeClient.call(
                      Context.background().withTimeout(Duration.ofSeconds(1)),
                      "Stats",
                      "Peaks",
                      "",
                      String.class);
              return p.matches(".*refused=[1-9][0-9]{2}.*");
            });
    int refused = 0;
    for (Socket s : held) {
      s.setSoTimeout(20);
      try {
        if (s.getInputStream().read() < 0) {
          refused++;
        }
      } catch (java.net.SocketTimeoutException open) {
        // accepted and kept
      } catch (IOException reset) {
        refused++;
      }
    }
    assertThat(refused).as("connections the server closed at once").isBetween(100, 500);
    for (Socket s : held) {
      s.close();
    }
    String peaks =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  try {
                    return probeClient.call(
                        Context.background().withTimeout(Duration.ofSeconds(1)),
                        "Stats",
                        "Peaks",
                        "",
                        String.class);
                  } catch (Exception e) {
                    return null;
                  }
                },
                java.util.Objects::nonNull);
    assertThat(peaks).doesNotContain("refused=0");
    assertWellBehavedClientServedThroughout("600 connections against a file limit of 512");
  }

  // ---- the well-behaved client ----

  private void assertWellBehavedClientServedThroughout(String attack) throws Exception {
    // And after: one more call, then the record.
    Reply r =
        probeClient.call(
            Context.background().withTimeout(Duration.ofSeconds(1)),
            "Arith",
            "Mul",
            new Args(6, 7),
            Reply.class);
    assertThat(r.C).isEqualTo(42);
    probe.stop();
    String peaks =
        probeClient.call(
            Context.background().withTimeout(Duration.ofSeconds(5)),
            "Stats",
            "Peaks",
            "",
            String.class);
    PEAKS.put(
        attack,
        peaks
            + " probe calls="
            + probe.calls.get()
            + " failed="
            + probe.failures.get()
            + " slowest="
            + probe.slowestMillis.get()
            + "ms");
    assertThat(probe.failures.get())
        .as(
            "well-behaved calls failed or took over 1 s during "
                + attack
                + ": "
                + probe.firstFailure)
        .isZero();
    assertThat(probe.calls.get()).isPositive();
    assertThat(server.alarms()).as("the server's distress lines").isEmpty();
    assertThat(peaks).contains("errors=0");
  }

  /** Calls {@code Arith.Mul} every 50 ms with a 1 s deadline, until stopped. */
  private static final class Probe {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicLong slowestMillis = new AtomicLong();
    volatile String firstFailure;
    private final Client client;
    private java.util.concurrent.ScheduledExecutorService pace;

    Probe(Client client) {
      this.client = client;
    }

    void start() {
      pace = Executors.newSingleThreadScheduledExecutor();
      pace.scheduleWithFixedDelay(this::callOnce, 0, 50, TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
      if (pace != null) {
        pace.shutdown();
        pace.awaitTermination(5, TimeUnit.SECONDS);
      }
    }

    private void callOnce() {
      long start = System.nanoTime();
      try {
        Reply r =
            client.call(
                Context.background().withTimeout(Duration.ofSeconds(1)),
                "Arith",
                "Mul",
                new Args(3, 4),
                Reply.class);
        if (r.C != 12) {
          fail("wrong reply " + r.C);
        }
      } catch (Exception e) {
        fail(e.toString());
      }
      calls.incrementAndGet();
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      slowestMillis.accumulateAndGet(took, Math::max);
    }

    private void fail(String why) {
      if (failures.getAndIncrement() == 0) {
        firstFailure = why;
      }
    }
  }

  // ---- the attackers ----

  private Socket connect() throws IOException {
    String key = server.key();
    String hostPort = key.substring(key.indexOf('@') + 1);
    int colon = hostPort.lastIndexOf(':');
    Socket s = new Socket();
    synchronized (sockets) {
      sockets.add(s);
    }
    s.connect(
        new InetSocketAddress(
            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
        5_000);
    s.setSoTimeout(60_000);
    return s;
  }

  /** Sends {@code frame} and returns whether the server then closed the connection. */
  private boolean sendAndSeeClosed(byte[] frame) throws IOException {
    try (Socket s = connect()) {
      try {
        OutputStream out = s.getOutputStream();
        out.write(frame);
        out.flush();
      } catch (IOException e) {
        return true; // closed while we were still sending: refused early
      }
      try {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        while (in.read(buf) >= 0) {
          // whatever it says before closing
        }
        return true;
      } catch (java.net.SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true; // reset
      }
    }
  }

  /** Pipelines {@code count} copies of {@code bomb} and counts the answers read back. */
  private Void bombs(byte[] bomb, int count, AtomicInteger answers) throws Exception {
    try (Socket s = connect()) {
      Future<?> reader =
          attackers.submit(
              () -> {
                InputStream in = s.getInputStream();
                for (int i = 0; i < count; i++) {
                  byte[] header = in.readNBytes(16);
                  if (header.length < 16) {
                    return null;
                  }
                  int total = ByteBuffer.wrap(header).getInt(12);
                  in.skipNBytes(total);
                  answers.incrementAndGet();
                }
                return null;
              });
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < count; i++) {
        out.write(bomb);
      }
      out.flush();
      reader.get(150, TimeUnit.SECONDS);
    }
    return null;
  }

  /**
   * Sends {@code frame} {@code count} times without reading anything, from another thread since
   * writes block once the server stops reading; returns whether the server closed the connection.
   */
  private boolean sendWithoutReading(byte[] frame, int count) throws Exception {
    Socket s = connect();
    s.setReceiveBufferSize(64 * 1024);
    Future<?> writer =
        attackers.submit(
            () -> {
              OutputStream out = s.getOutputStream();
              for (int i = 0; i < count; i++) {
                out.write(frame);
              }
              out.flush();
              return null;
            });
    try {
      writer.get(60, TimeUnit.SECONDS);
      return false; // it took all of them: nothing stopped this peer
    } catch (java.util.concurrent.ExecutionException e) {
      return true; // the write failed: the server closed the connection
    } finally {
      s.close();
    }
  }

  // ---- frames ----

  static byte[] frame(String path, String method, byte[] metadata, byte[] payload, int compress) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    byte[] m = method.getBytes(StandardCharsets.UTF_8);
    int total = 16 + p.length + m.length + metadata.length + payload.length;
    ByteBuffer b = ByteBuffer.allocate(16 + total);
    b.put((byte) 0x08).put((byte) 0).put((byte) (compress << 2)).put((byte) (1 << 4));
    b.putLong(1).putInt(total);
    b.putInt(p.length).put(p).putInt(m.length).put(m);
    b.putInt(metadata.length).put(metadata);
    b.putInt(payload.length).put(payload);
    return b.array();
  }

  private static byte[] heartbeat(int payloadLength) {
    byte[] f = frame("", "", new byte[0], new byte[payloadLength], 0);
    f[2] = 0x40;
    f[3] = 0;
    return f;
  }

  /** {@code pairs} distinct tiny pairs, as many as fit in {@code maxBytes}. */
  private static byte[] metadataBlock(int pairs, int maxBytes) {
    ByteBuffer b = ByteBuffer.allocate(maxBytes);
    for (int i = 0; i < pairs && b.remaining() >= 15; i++) {
      String key = Integer.toString(i, 36);
      b.putInt(key.length()).put(key.getBytes(StandardCharsets.US_ASCII));
      b.putInt(1).put((byte) 'v');
    }
    byte[] block = new byte[b.position()];
    b.flip().get(block);
    return block;
  }

  private static byte[] gzip(int zeros) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      byte[] chunk = new byte[1 << 20];
      for (int left = zeros; left > 0; left -= chunk.length) {
        gz.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
    return bytes.toByteArray();
  }
}
