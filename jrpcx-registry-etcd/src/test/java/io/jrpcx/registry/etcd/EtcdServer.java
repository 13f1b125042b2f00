package io.jrpcx.registry.etcd;

import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd server (Debian's {@code etcd-server} package) for one test class, on free loopback
 * client and peer ports with a data directory of its own. Register it as a static extension:
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdServer etcd = new EtcdServer();
 * ... EtcdDiscovery.create("/rpcx_test", "Arith", etcd.endpoint()) ...
 * }</pre>
 *
 * <p>The binary is looked up on {@code PATH}, then at {@code /usr/bin/etcd}; when it is missing
 * the class fails (never skips) with a message naming the package to install. {@link #stop()},
 * {@link #kill()} and {@link #start()} restart the server on the same ports and data directory,
 * {@link #wipeData()} makes the next start an etcd that lost everything. The server is killed
 * after the class, and by a shutdown hook should the JVM end first.
 */
public final class EtcdServer implements BeforeAllCallback, AfterAllCallback {
  static final String INSTALL_HINT =
      "the etcd server binary was not found on PATH or at "
          + "/usr/bin/etcd; the etcd registry tests need a real etcd: install it with "
          + "'apt-get install etcd-server' (Debian/Ubuntu) or put an etcd 3.4+ binary on PATH";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private Path binary;
  private Path dataDir;
  private Path logFile;
  private int clientPort;
  private int peerPort;
  private Process process;
  private Thread shutdownHook;
  private Client client;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  /** {@code http://127.0.0.1:<client port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** A raw jetcd client of this server, for tests to read and write keys as Go would. */
  synchronized Client client() {
    if (client == null) {
      client = Client.builder().endpoints(endpoint()).build();
    }
    return client;
  }

  /**
   * Starts etcd and waits until it reports healthy. The first start picks the ports and the data
   * directory; later starts reuse them.
   */
  synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    if (binary == null) {
      binary = findBinary(System.getenv("PATH"), Path.of("/usr/bin/etcd"));
      clientPort = freePort();
      peerPort = freePort();
      while (peerPort == clientPort) {
        peerPort = freePort();
      }
      dataDir = Files.createTempDirectory("etcd-data-");
      logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
      shutdownHook = new Thread(this::destroyNow, "etcd-killer");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--name",
                "jrpcx-test",
                "--data-dir",
                dataDir.toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "jrpcx-test=" + peer,
                "--logger",
                "zap",
                "--log-outputs",
                "stderr"));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    Process p = process;
    await("etcd on " + client + " healthy")
        .atMost(START_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException(
                    "etcd exited with "
                        + p.exitValue()
                        + " while starting; its log "
                        + logFile
                        + " ends with:\n"
                        + logTail());
              }
              return healthy();
            });
  }

  /** Stops etcd as an operator would (SIGTERM) and waits until it has exited. */
  synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Kills etcd at once (SIGKILL), as a crash would, and waits until it is gone. */
  synchronized void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    process = null;
  }

  /** Deletes the data directory of a stopped etcd: the next start is a brand-new cluster. */
  synchronized void wipeData() throws IOException {
    if (process != null) {
      throw new IllegalStateException("stop etcd before wiping its data");
    }
    deleteTree(dataDir);
    Files.createDirectories(dataDir);
  }

  private synchronized void close() throws Exception {
    if (client != null) {
      client.close();
      client = null;
    }
    kill();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook kills etcd
      }
    }
    if (dataDir != null) {
      deleteTree(dataDir);
      Files.deleteIfExists(logFile);
    }
  }

  private void destroyNow() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  private boolean healthy() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /**
   * The etcd binary: the first {@code etcd} on {@code path}, else {@code fallback}.
   *
   * @throws IllegalStateException naming the package to install when there is none
   */
  static Path findBinary(String path, Path fallback) {
    if (path != null) {
      for (String dir : path.split(":")) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, "etcd");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    if (Files.isRegularFile(fallback) && Files.isExecutable(fallback)) {
      return fallback;
    }
    throw new IllegalStateException(INSTALL_HINT);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
