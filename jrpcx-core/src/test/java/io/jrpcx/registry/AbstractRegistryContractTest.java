package io.jrpcx.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.CachingDiscovery;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Load;
import io.jrpcx.testing.NodeService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases every registry module proves, each against its real registry (gRPC's
 * {@code AbstractTransportTest} is the model): a service registered through the module's register
 * plugin appears in rpcx's Go layout and its discovery finds the node; metadata changes (the
 * update loop's rates) reach the discovery; a node marked {@code state=inactive} gets no calls;
 * calls keep flowing while the registry restarts and the registry is in use again afterwards; the
 * entries are exactly those of Go rpcx; a graceful shutdown removes the node.
 *
 * <p>A module's subclass supplies the registry (started before each case, e.g. by a JUnit
 * extension), the plugin and discovery factories, a raw view of the registry's entries and the
 * spec's layout row. A case that cannot apply to a registry is overridden in the subclass with the
 * reason in its javadoc and, where there is one, an equivalent; never skipped.
 */
public abstract class AbstractRegistryContractTest {
  /** Go rpcx's example, spec §3.11. */
  protected static final String GO_ADDRESS = "tcp@10.0.0.5:8972";

  protected static final String GO_BASE_PATH = "/rpcx_test";
  protected static final String GO_METADATA = "weight=10&group=g1";

  /** How long a registry change may take to reach a discovery; generous for a loaded machine. */
  protected static final Duration SEEN = Duration.ofSeconds(30);

  /**
   * The service the nodes of one case serve ({@link NodeService} under a name of its own), so
   * that cases, and other test runs on a shared registry or multicast group, never meet.
   */
  protected final String service = "Node_" + UUID.randomUUID().toString().substring(0, 8);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  @TempDir Path cacheDir;

  /**
   * A register plugin of this module for the registry under test, not started.
   *
   * @param updateInterval zero for none
   */
  protected abstract AbstractRegisterPlugin newPlugin(
      String serviceAddress, String basePath, Duration updateInterval) throws Exception;

  /** A discovery of this module of {@code servicePath} under {@code basePath}. */
  protected abstract ServiceDiscovery newDiscovery(String basePath, String servicePath)
      throws Exception;

  /**
   * What the registry holds under {@code basePath}, read with a raw client as a Go peer would:
   * each key (in the registry's own spelling) with its value (unwrapped where the registry
   * wraps values, as Redis's libkv envelope).
   */
  protected abstract Map<String, String> entries(String basePath) throws Exception;

  /**
   * The entries Go rpcx writes when server {@link #GO_ADDRESS} registers service {@code Arith}
   * with {@link #GO_METADATA} under {@link #GO_BASE_PATH}: the registry's row of spec §3.11.
   */
  protected abstract Map<String, String> goLayout();

  /**
   * The registry under test as a {@link RegistryAddress} URL ({@code etcd://127.0.0.1:2379}),
   * from which {@link Registries} must make this module's plugin and discovery.
   */
  protected abstract String registryUrl();

  /** Stops the registry and starts it again on the same address. */
  protected abstract void restartRegistry() throws Exception;

  /**
   * Whether the registry comes back from {@link #restartRegistry()} without its entries (an
   * in-memory store). Its discovery then rightly reports no node until the plugins have written
   * their entries again, and the restart case's client rides that gap out with
   * {@link CachingDiscovery}, as rpcx clients of such registries do. False unless overridden.
   */
  protected boolean restartLosesEntries() {
    return false;
  }

  /** {@code text} as it appears in the registry's raw entries; as is, unless overridden. */
  protected String spelledInRegistry(String text) {
    return text;
  }

  /** {@code b} with {@code serviceAddress}, or as it is when that is null (the server's own). */
  protected static <B extends RegisterPluginBuilder<B>> B withAddress(B b, String serviceAddress) {
    return serviceAddress == null ? b : b.serviceAddress(serviceAddress);
  }

  /** A base path of its own for one case, so that cases never see each other's entries. */
  protected String uniqueBasePath() {
    return "/contract_" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  final void closeAll() throws Exception {
    Exception failure = null;
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    closeables.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes {@code c} after the case, before what was registered for closing earlier. */
  protected final <T extends AutoCloseable> T closeAfter(T c) {
    closeables.add(0, c);
    return c;
  }

  /** A server serving {@link #service} (answering {@code name}), registered, with its plugin. */
  protected record Node(String address, Server server, AbstractRegisterPlugin plugin) {}

  /**
   * Starts a server on a free loopback port whose started plugin registers {@link #service}
   * (answering {@code name}) with {@code metadata}.
   */
  protected final Node startNode(
      String basePath, String name, String metadata, Duration updateInterval) throws Exception {
    String hostPort = "127.0.0.1:" + freePort();
    AbstractRegisterPlugin plugin =
        closeAfter(newPlugin("tcp@" + hostPort, basePath, updateInterval));
    plugin.start();
    Server server = closeAfter(Server.builder().plugin(plugin).build());
    server.start("tcp", hostPort);
    server.register(service, new NodeService(name), metadata);
    return new Node("tcp@" + hostPort, server, plugin);
  }

  /** A Failover, round-robin XClient of {@link #service} over {@code discovery}. */
  protected final XClient nodeClient(ServiceDiscovery discovery) {
    return closeAfter(
        XClient.create(
            service, FailMode.FAILOVER, SelectMode.ROUND_ROBIN, discovery, ClientOptions.DEFAULT));
  }

  /** Calls {@code Id} and returns the answering node's name. */
  protected static String callId(XClient x) {
    return x.call(
        Context.background().withTimeout(Duration.ofSeconds(10)), "Id", "k", String.class);
  }

  protected static Set<String> keys(List<KVPair> nodes) {
    return nodes.stream().map(KVPair::key).collect(Collectors.toSet());
  }

  /** A free TCP port on 127.0.0.1. */
  protected static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether some entry's key or value names {@code address}. */
  protected final boolean named(Map<String, String> entries, String address) {
    String spelled = spelledInRegistry(address);
    return entries.entrySet().stream()
        .anyMatch(e -> e.getKey().contains(spelled) || e.getValue().contains(spelled));
  }

  @Test
  @Timeout(60)
  void withoutAServiceAddressThePluginRegistersThePortTheServerGotOnceItListens() throws Exception {
    String basePath = uniqueBasePath();
    AbstractRegisterPlugin plugin = closeAfter(newPlugin(null, basePath, Duration.ofMinutes(1)));
    plugin.start();
    Server server = closeAfter(Server.builder().plugin(plugin).build());
    server.register(service, new NodeService("port0"), "weight=10");
    assertThat(plugin.serviceAddress()).isNull(); // registered once the address is known
    server.start("tcp", "127.0.0.1:0");
    String address = "tcp@" + server.address();
    assertThat(plugin.serviceAddress()).isEqualTo(address);

    ServiceDiscovery discovery = closeAfter(newDiscovery(basePath, service));
    await()
        .atMost(SEEN)
        .untilAsserted(() -> assertThat(keys(discovery.services())).containsExactly(address));
    assertThat(callId(nodeClient(discovery))).isEqualTo("port0");
  }

  @Test
  @Timeout(60)
  void theRegistryUrlGivesThisModulesPluginAndDiscovery() throws Exception {
    String basePath = uniqueBasePath();
    AbstractRegisterPlugin plugin = closeAfter(Registries.registerPlugin(registryUrl(), basePath));
    plugin.start();
    Server server = closeAfter(Server.builder().plugin(plugin).build());
    server.register(service, new NodeService("by-url"), "weight=7");
    server.start("tcp", "127.0.0.1:0");
    String address = "tcp@" + server.address();

    ServiceDiscovery discovery = closeAfter(Registries.discovery(registryUrl(), basePath, service));
    await()
        .atMost(SEEN)
        .untilAsserted(() -> assertThat(keys(discovery.services())).containsExactly(address));
    assertThat(callId(nodeClient(discovery))).isEqualTo("by-url");
    ServiceDiscovery template = closeAfter(Registries.template(registryUrl(), basePath));
    assertThat(template.services()).isEmpty();
    ServiceDiscovery clone = closeAfter(template.clone(service));
    await()
        .atMost(SEEN)
        .untilAsserted(() -> assertThat(keys(clone.services())).containsExactly(address));
  }

  @Test
  @Timeout(60)
  void aRegisteredServiceIsWrittenToTheRegistryAndItsDiscoveryFindsTheNode() throws Exception {
    String basePath = uniqueBasePath();
    Node node = startNode(basePath, "a", "weight=10", Duration.ofMinutes(1));
    ServiceDiscovery discovery = closeAfter(newDiscovery(basePath, service));

    await()
        .atMost(SEEN)
        .untilAsserted(
            () ->
                assertThat(discovery.services())
                    .containsExactly(new KVPair(node.address, "weight=10")));
    assertThat(named(entries(basePath), node.address)).as("entries %s", entries(basePath)).isTrue();
    XClient x = nodeClient(discovery);
    assertThat(callId(x)).isEqualTo("a");
  }

  @Test
  @Timeout(60)
  void theDiscoverySeesTheRatesTheUpdateLoopWritesIntoTheMetadata() throws Exception {
    String basePath = uniqueBasePath();
    Node node = startNode(basePath, "a", "weight=10&group=g1", Duration.ofSeconds(1));
    ServiceDiscovery discovery = closeAfter(newDiscovery(basePath, service));

    // Go's update loop: calls and connections set, the registered keys kept, sorted as
    // url.Values.Encode sorts them.
    await()
        .atMost(SEEN)
        .until(
            () ->
                discovery.services().stream()
                    .anyMatch(
                        n ->
                            n.key().equals(node.address)
                                && n.value()
                                    .matches(
                                        "calls=\\d+\\.\\d\\d&connections=\\d+\\.\\d\\d&group=g1&weight=10")));
  }

  @Test
  @Timeout(60)
  void aNodeMarkedInactiveIsListedButGetsNoCalls() throws Exception {
    String basePath = uniqueBasePath();
    Node active = startNode(basePath, "active", "weight=10", Duration.ofMinutes(1));
    Node inactive =
        startNode(basePath, "inactive", "weight=10&state=inactive", Duration.ofMinutes(1));
    ServiceDiscovery discovery = closeAfter(newDiscovery(basePath, service));
    await()
        .atMost(SEEN)
        .untilAsserted(
            () ->
                assertThat(keys(discovery.services()))
                    .containsExactlyInAnyOrder(active.address, inactive.address));

    XClient x = nodeClient(discovery);
    assertThat(keys(x.servers())).containsExactly(active.address);
    for (int i = 0; i < 20; i++) {
      assertThat(callId(x)).isEqualTo("active");
    }
  }

  @Test
  @Timeout(120)
  void callsKeepSucceedingWhileTheRegistryRestartsAndNodesRegisterAgainAfterwards()
      throws Exception {
    String basePath = uniqueBasePath();
    Node a = startNode(basePath, "a", "", Duration.ofSeconds(1));
    ServiceDiscovery live = newDiscovery(basePath, service);
    ServiceDiscovery discovery =
        closeAfter(
            restartLosesEntries()
                ? CachingDiscovery.wrap(live, 0, cacheDir.resolve(service + ".json"))
                : live);
    XClient x = nodeClient(discovery);
    await().atMost(SEEN).until(() -> keys(x.servers()).equals(Set.of(a.address)));

    Load.Result result;
    try (Load load = Load.start("Id", 2, (thread, i) -> callId(x))) {
      load.awaitAnswered("a", 50);

      restartRegistry();
      load.awaitAnswered("a", 100);
      // The plugin puts back what a restarted registry lost ...
      await().atMost(SEEN).until(() -> named(entries(basePath), a.address));
      // ... and the discovery follows the registry again: it finds a node registered now.
      Node b = startNode(basePath, "b", "", Duration.ofSeconds(1));
      await().atMost(SEEN).until(() -> keys(x.servers()).equals(Set.of(a.address, b.address)));
      load.awaitAnswered("b", 50);
      result = load.stop();
    }
    result.report("the registry restarted under load (" + getClass().getSimpleName() + ")");
    assertThat(result.failed()).as("failed calls:" + result.describeFailures()).isZero();
    assertThat(result.lost()).as("lost calls, stuck in " + result.stuckThreads()).isZero();
  }

  @Test
  @Timeout(60)
  void theEntriesAreExactlyThoseGoRpcxWrites() throws Exception {
    AbstractRegisterPlugin plugin =
        closeAfter(newPlugin(GO_ADDRESS, GO_BASE_PATH, Duration.ofMinutes(1)));
    plugin.start();
    Server server = closeAfter(Server.builder().plugin(plugin).build());
    server.register("Arith", new ArithService(), GO_METADATA);

    await()
        .atMost(SEEN)
        .untilAsserted(
            () -> assertThat(entries(GO_BASE_PATH)).containsExactlyInAnyOrderEntriesOf(goLayout()));
  }

  @Test
  @Timeout(60)
  void aGracefulShutdownRemovesTheNodeFromTheRegistryAndTheDiscovery() throws Exception {
    String basePath = uniqueBasePath();
    Node node = startNode(basePath, "a", "weight=10", Duration.ofMinutes(1));
    ServiceDiscovery discovery = closeAfter(newDiscovery(basePath, service));
    await()
        .atMost(SEEN)
        .untilAsserted(() -> assertThat(keys(discovery.services())).containsExactly(node.address));

    node.server.shutdown(Duration.ofSeconds(5));

    await().atMost(SEEN).until(() -> discovery.services().isEmpty());
    assertThat(named(entries(basePath), node.address))
        .as("entries %s", entries(basePath))
        .isFalse();
  }
}
