package io.jrpcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.EchoService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code jrpcx list}, and {@code call} with {@code --registry}, must do against every
 * registry: real jrpcx servers register through the registry module's plugin, {@code list} shows
 * their services, nodes and metadata, and {@code call} reaches an active node.
 */
abstract class RegistryListContract {
  static final String BASE = "/cli_test";
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** {@code kind://host:port} of the running registry. */
  abstract String registryUrl();

  /** A registry on a port where nothing listens. */
  abstract String unreachableUrl();

  /** The module's register plugin for {@code serviceAddress} under {@code basePath}. */
  abstract AbstractRegisterPlugin plugin(String serviceAddress, String basePath);

  @AfterEach
  void closeServers() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** Closes {@code c} after the test, after the servers. */
  void closeLast(AutoCloseable c) {
    toClose.add(c);
  }

  /** Starts a server registered through the plugin, serving {@code services} with metadata. */
  String startServer(String basePath, Object... nameServiceMeta) {
    int port = freePort();
    String address = "tcp@127.0.0.1:" + port;
    AbstractRegisterPlugin plugin = plugin(address, basePath);
    plugin.start();
    toClose.add(0, plugin);
    Server server = Server.builder().plugin(plugin).build();
    toClose.add(0, server::close);
    for (int i = 0; i < nameServiceMeta.length; i += 3) {
      server.register(
          (String) nameServiceMeta[i], nameServiceMeta[i + 1], (String) nameServiceMeta[i + 2]);
    }
    server.start("tcp", "127.0.0.1:" + port);
    return address;
  }

  @Test
  void listsEveryServiceWithItsNodesAndTheirMetadata() {
    String a =
        startServer(
            BASE, "Arith", new ArithService(), "weight=10&group=g1", "Echo", new EchoService(), "");
    String b = startServer(BASE, "Arith", new ArithService(), "weight=5&note=two%20words");
    startServer("/elsewhere", "Hidden", new EchoService(), "");

    Cli.Result r = awaitListing(BASE, b);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).containsSubsequence("Arith", "Echo");
    assertThat(lines).doesNotContain("Hidden");
    String arithA = nodeLine(lines, "Arith", a);
    assertThat(arithA).startsWith("  " + a + "  ").contains("  weight=10").contains("  group=g1");
    assertThat(nodeLine(lines, "Arith", b)).contains("  weight=5").contains("  note=two words");
    assertThat(nodeLine(lines, "Echo", a)).isNotNull();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void serviceOptionLimitsTheListing() {
    String a =
        startServer(BASE, "Arith", new ArithService(), "weight=1", "Echo", new EchoService(), "");
    awaitListing(BASE, a);
    Cli.Result r =
        Cli.run("list", "--registry", registryUrl(), "--base-path", BASE, "--service", "Echo");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Echo\n  " + a + "\n");
  }

  @Test
  void anEmptyBasePathSaysSo() {
    Cli.Result r = Cli.run("list", "--registry", registryUrl(), "--base-path", "/nobody_here");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("no services under /nobody_here in " + registryUrl() + "\n");
  }

  @Test
  @Timeout(20) // bounded by --timeout, not by a library's retries
  void anUnreachableRegistryFailsWithExitCode3WithinTheTimeout() {
    Cli.Result r = Cli.run("list", "--registry", unreachableUrl(), "--timeout", "1s");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err()).startsWith("error: cannot reach ");
  }

  @Test
  @Timeout(60)
  void callWithTheRegistryReachesAnActiveNodeAndNeverAnInactiveOne() throws Exception {
    // The inactive node's address is a port where nothing listens: calling it would fail.
    String dead = "tcp@127.0.0.1:" + freePort();
    AbstractRegisterPlugin deadPlugin = plugin(dead, BASE);
    deadPlugin.start();
    toClose.add(0, deadPlugin);
    deadPlugin.register("Arith", new Object(), "state=inactive");
    String live = startServer(BASE, "Arith", new ArithService(), "weight=1");
    awaitListing(BASE, live);
    awaitListing(BASE, dead);

    for (int i = 0; i < 5; i++) {
      Cli.Result r =
          Cli.run(
              "call",
              "--registry",
              registryUrl(),
              "--base",
              BASE,
              "Arith.Mul",
              "{\"A\":10,\"B\":20}");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("{\"C\":200}\n");
    }
  }

  @Test
  @Timeout(30)
  void callWithTheRegistryNamesTheServiceWhenNoNodeServesIt() {
    Cli.Result r =
        Cli.run("call", "--registry", registryUrl(), "--base", "/nobody_here", "Arith.Mul", "{}");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err())
        .isEqualTo("error: no node of Arith under /nobody_here in " + registryUrl() + "\n");
  }

  /** Lists until the node {@code last} registered shows up; registration may be asynchronous. */
  private Cli.Result awaitListing(String basePath, String last) {
    Cli.Result[] result = new Cli.Result[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              result[0] = Cli.run("list", "--registry", registryUrl(), "--base-path", basePath);
              return result[0].out().contains(last);
            });
    return result[0];
  }

  /** The line of {@code node} in the block of {@code service}. */
  private static String nodeLine(List<String> lines, String service, String node) {
    int at = lines.indexOf(service);
    assertThat(at).as("service %s in %s", service, lines).isNotNegative();
    for (int i = at + 1; i < lines.size() && lines.get(i).startsWith("  "); i++) {
      if (lines.get(i).equals("  " + node) || lines.get(i).startsWith("  " + node + "  ")) {
        return lines.get(i);
      }
    }
    throw new AssertionError("no node " + node + " under " + service + " in " + lines);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
