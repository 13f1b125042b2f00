package io.jrpcx.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AbstractRegisterPluginTest {

  /** The settings of a {@link MapRegistry}. */
  static final class Builder extends RegisterPluginBuilder<Builder> {
    Builder() {
      super(Duration.ofMinutes(1));
    }
  }

  /** Keeps "registry entries" in a map, as a registry would. */
  static final class MapRegistry extends AbstractRegisterPlugin {
    final Map<String, String> entries = new ConcurrentHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    boolean clientClosed;

    MapRegistry(Duration interval) {
      this(new Builder().serviceAddress("tcp@127.0.0.1:8972").updateInterval(interval));
    }

    MapRegistry(Builder builder) {
      super(builder);
    }

    @Override
    protected void doRegister(String serviceName, String metadata) {
      entries.put(serviceName, metadata);
      events.add("register " + serviceName);
    }

    @Override
    protected void doUnregister(String serviceName) {
      entries.remove(serviceName);
      events.add("unregister " + serviceName);
    }

    @Override
    protected void refresh(String serviceName, String metadata) {
      entries.put(serviceName, metadata);
    }

    @Override
    protected void doClose() {
      clientClosed = true;
    }
  }

  /** A registry that cannot be reached. */
  static final class RefusingRegistry extends AbstractRegisterPlugin {
    RefusingRegistry() {
      super(new Builder().serviceAddress("tcp@127.0.0.1:8972").updateInterval(Duration.ZERO));
    }

    @Override
    protected void doRegister(String serviceName, String metadata) throws Exception {
      throw new java.net.ConnectException("Connection refused: 127.0.0.1:2181");
    }

    @Override
    protected void doUnregister(String serviceName) {}

    @Override
    protected void refresh(String serviceName, String metadata) {}
  }

  @Test
  void aFailedRegistrationSaysWhyInItsMessage() {
    RefusingRegistry plugin = new RefusingRegistry();
    Server server = Server.builder().plugin(plugin).build();
    try {
      assertThatThrownBy(() -> server.register("Arith", new ArithService(), ""))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failed to register Arith")
          .hasMessageContaining("at tcp@127.0.0.1:8972")
          .hasMessageContaining("java.net.ConnectException: Connection refused: 127.0.0.1:2181")
          .hasRootCauseInstanceOf(java.net.ConnectException.class);
    } finally {
      server.close();
      plugin.close();
    }
  }

  @Test
  void mergingRatesKeepsAnOperatorsEditsOfTheEntry() {
    assertThat(
            AbstractRegisterPlugin.mergeRates(
                "weight=10&state=inactive&calls=1.00", "calls=2.50&connections=0.10&weight=10"))
        .isEqualTo("calls=2.50&connections=0.10&state=inactive&weight=10");
    assertThat(AbstractRegisterPlugin.mergeRates("a=1;b=2", "calls=1.00&connections=0.00"))
        .isEqualTo("calls=1.00&connections=0.00");
  }

  @Test
  void theUpdateLoopAddsCallAndConnectionRates() throws Exception {
    MapRegistry plugin = new MapRegistry(Duration.ofMillis(50));
    Server server = Server.builder().plugin(plugin).build();
    server.register("Arith", new ArithService(), "weight=10&group=g1");
    server.start("tcp", "127.0.0.1:0");
    plugin.start();
    try (Client client = new Client()) {
      client.connect("tcp", server.address());
      client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(plugin.entries.get("Arith"))
                      .matches("calls=\\d+\\.\\d\\d&connections=\\d+\\.\\d\\d&group=g1&weight=10")
                      .doesNotContain("calls=0.00&connections=0.00"));
    } finally {
      server.shutdown(Duration.ofSeconds(5));
      plugin.close();
    }
    assertThat(plugin.entries).isEmpty();
    assertThat(plugin.events).containsExactly("register Arith", "unregister Arith");
    assertThat(plugin.clientClosed).isTrue();
  }

  @Test
  void theBuilderRejectsAnAddressWithoutNetworkAndLeavesItToTheServerWhenUnset() {
    assertThatThrownBy(() -> new Builder().serviceAddress("127.0.0.1:8972"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network@host:port");
    // Unset, it is the server's address once it listens (BoundAddressTest).
    assertThat(new MapRegistry(new Builder()).serviceAddress()).isNull();
    assertThatThrownBy(() -> new Builder().updateInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void theBuilderDefaultsToGosBasePathAndTheGivenInterval() {
    MapRegistry plugin = new MapRegistry(new Builder().serviceAddress("tcp@127.0.0.1:1"));
    assertThat(plugin.basePath()).isEqualTo("/rpcx_test");
    assertThat(plugin.updateInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  @Timeout(30)
  void workUnderTheLockNeverInterleavesWithARegistration() throws Exception {
    MapRegistry plugin = new MapRegistry(Duration.ZERO);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> held =
        CompletableFuture.runAsync(
            () ->
                plugin.underLock(
                    () -> {
                      holding.countDown();
                      awaitQuietly(release);
                      plugin.events.add("locked work done");
                    }));
    holding.await();

    CompletableFuture<Void> registering =
        CompletableFuture.runAsync(
            () -> {
              try {
                plugin.register("Arith", new ArithService(), "");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(registering).isNotDone();
    release.countDown();
    held.get(10, TimeUnit.SECONDS);
    registering.get(10, TimeUnit.SECONDS);
    assertThat(plugin.events).containsExactly("locked work done", "register Arith");
    plugin.close();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
