package io.jrpcx.registry.redis;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}) on a free loopback port for
 * the tests of one class: started before the first test, emptied before each test (data and the
 * keyspace-notification setting), killed after the last. {@link #stop()} and {@link #start()}
 * restart it on the same port, empty, as a registry outage would.
 *
 * <p>When the binary is missing the class FAILS with a message saying how to install it; tests
 * never skip for want of Redis.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServer redis = new RedisServer();
 * ... redis.address() ... redis.commands().keys("*") ...
 * }</pre>
 */
public final class RedisServer implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  static final String INSTALL_HINT =
      "redis-server is required by the jrpcx-registry-redis tests"
          + " and was not found (looked at $REDIS_SERVER, $PATH and /usr/bin/redis-server)."
          + " Install it with: apt-get install redis-server";

  private final Map<String, String> env;
  private final boolean debianLocation;
  private int port;
  private Path dir;
  private Process process;
  private Thread killOnExit;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;

  public RedisServer() {
    this(System.getenv(), true);
  }

  /**
   * Looks the binary up in {@code env}'s {@code REDIS_SERVER} and {@code PATH}, and at Debian's
   * {@code /usr/bin/redis-server} if {@code debianLocation}.
   */
  RedisServer(Map<String, String> env, boolean debianLocation) {
    this.env = env;
    this.debianLocation = debianLocation;
  }

  /** Finds {@code redis-server}; fails with the install hint when there is none. */
  Path binary() {
    List<Path> candidates = new ArrayList<>();
    String explicit = env.get("REDIS_SERVER");
    if (explicit != null && !explicit.isEmpty()) {
      candidates.add(Paths.get(explicit));
    }
    String path = env.getOrDefault("PATH", "");
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty()) {
        candidates.add(Paths.get(d, "redis-server"));
      }
    }
    if (debianLocation) {
      candidates.add(Paths.get("/usr/bin/redis-server"));
    }
    for (Path p : candidates) {
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(INSTALL_HINT);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path bin = binary();
    dir = Files.createTempDirectory("redis-");
    // A port taken between probing and binding: try a few others.
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      port = freePort();
      try {
        launch(bin);
        last = null;
        break;
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    if (last != null) {
      throw last;
    }
    client =
        RedisClient.create(
            RedisURI.Builder.redis("127.0.0.1", port).withTimeout(Duration.ofSeconds(5)).build());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (process == null || !process.isAlive()) {
      start();
    }
    RedisCommands<String, String> c = commands();
    c.flushall();
    c.configSet("notify-keyspace-events", "");
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    stop();
    if (dir != null) {
      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** A connection of the test's own, for writing as Go would and for looking at what is there. */
  RedisCommands<String, String> commands() {
    if (connection == null || !connection.isOpen()) {
      connection = client.connect();
    }
    return connection.sync();
  }

  /** Stops Redis (SIGTERM, then SIGKILL); everything in it is lost, as nothing is persisted. */
  void stop() throws InterruptedException {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (killOnExit != null) {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
      killOnExit = null;
    }
  }

  /** Starts Redis again on the same port, empty. */
  void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    launch(binary());
  }

  private void launch(Path bin) {
    ProcessBuilder pb =
        new ProcessBuilder(
            bin.toString(),
            "--port",
            String.valueOf(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--daemonize",
            "no");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run " + bin + ": " + e.getMessage() + ". " + INSTALL_HINT, e);
    }
    Thread hook = new Thread(p::destroyForcibly, "kill-redis-" + port);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !p.isAlive() || pings());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      p.destroyForcibly();
    }
    if (!p.isAlive() || !pings()) {
      p.destroyForcibly();
      Runtime.getRuntime().removeShutdownHook(hook);
      throw new IllegalStateException(
          "redis-server did not answer PING on port " + port + "; see " + dir.resolve("redis.log"));
    }
    process = p;
    killOnExit = hook;
  }

  /** Sends an inline PING and expects {@code +PONG}. */
  private boolean pings() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = 0;
      while (n < 5) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return false;
        }
        n += r;
      }
      return new String(buf, 0, 5, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
