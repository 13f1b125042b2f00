package io.jrpcx.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.micrometer.MicrometerClientMetrics;
import io.jrpcx.micrometer.MicrometerServerMetrics;
import io.jrpcx.opentelemetry.OpenTelemetryClientTracing;
import io.jrpcx.opentelemetry.OpenTelemetryServerTracing;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.server.Server;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which beans the starter makes for which properties, and how it refuses wrong ones. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JrpcxAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  JrpcxAutoConfiguration.class,
                  JrpcxMetricsAutoConfiguration.class,
                  JrpcxTracingAutoConfiguration.class,
                  JrpcxHealthAutoConfiguration.class));

  @Test
  void makesNothingWhenNothingIsConfigured() {
    runner.run(
        context ->
            assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(Server.class)
                .doesNotHaveBean(RpcxServerLifecycle.class)
                .doesNotHaveBean(AbstractRegisterPlugin.class)
                .doesNotHaveBean(RpcxClients.class)
                .doesNotHaveBean(JrpcxHealthIndicator.class));
  }

  @Test
  void serverAddressMakesAServerThatListensOnceTheContextIsRefreshed() {
    runner
        .withPropertyValues("jrpcx.server.address=127.0.0.1:0")
        .withBean(ArithService.class)
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(Server.class)
                  .hasSingleBean(JrpcxHealthIndicator.class);
              RpcxServerLifecycle lifecycle = context.getBean(RpcxServerLifecycle.class);
              assertThat(lifecycle.listeningAddress()).startsWith("tcp@127.0.0.1:");
              Server server = context.getBean(Server.class);
              assertThat(server.services()).containsExactly("Arith");
              assertThat(server.metadata("Arith")).isEqualTo("weight=10&group=g1");
              assertThat(context.getBean(JrpcxHealthIndicator.class).health().getStatus().getCode())
                  .isEqualTo("UP");
            });
  }

  @Test
  void shutdownWaitsForCallsAsLongAsTheShutdownPhaseLasts() {
    runner
        .withPropertyValues("jrpcx.server.address=127.0.0.1:0")
        .run(
            context ->
                assertThat(context.getBean(RpcxServerLifecycle.class).shutdownTimeout())
                    .isEqualTo(Duration.ofSeconds(30)));
    runner
        .withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
        .withPropertyValues(
            "jrpcx.server.address=127.0.0.1:0", "spring.lifecycle.timeout-per-shutdown-phase=7s")
        .run(
            context ->
                assertThat(context.getBean(RpcxServerLifecycle.class).shutdownTimeout())
                    .isEqualTo(Duration.ofSeconds(7)));
  }

  @Test
  void rpcxClientNeedsAnInterfaceOrXClientAndConfiguredClients() {
    runner
        .withPropertyValues("jrpcx.clients.arith.discovery=127.0.0.1:1")
        .withBean(WantsAClass.class)
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessage(
                        "@RpcxClient(\"arith\") on field "
                            + WantsAClass.class.getName()
                            + ".reply: the type must be an interface or XClient, was "
                            + Reply.class.getName()));
    runner
        .withBean(WantsAClient.class)
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessageStartingWith("@RpcxClient(\"arith\") on parameter 0 of ")
                    .hasMessageEndingWith(
                        ": no jrpcx client is configured; set jrpcx.clients.arith.discovery (and"
                            + " .service)"));
  }

  static class WantsAClass {
    @RpcxClient("arith")
    Reply reply;
  }

  static class WantsAClient {
    WantsAClient(@RpcxClient("arith") XClient client) {}
  }

  @Test
  void theApplicationsOwnServerReplacesTheStartersOne() {
    Server own = Server.builder().build();
    try {
      runner
          .withPropertyValues("jrpcx.server.address=127.0.0.1:0")
          .withBean("myServer", Server.class, () -> own)
          .run(context -> assertThat(context).getBean(Server.class).isSameAs(own));
    } finally {
      own.close();
    }
  }

  @Test
  void clientsAreMadeFromTheirProperties() {
    runner
        .withPropertyValues(
            "jrpcx.clients.arith.service=Arith",
            "jrpcx.clients.arith.discovery=127.0.0.1:8972,tcp@127.0.0.1:8973",
            "jrpcx.clients.arith.fail-mode=failover",
            "jrpcx.clients.arith.select-mode=round-robin",
            "jrpcx.clients.arith.timeout=2s",
            "jrpcx.clients.arith.retries=5",
            "jrpcx.clients.arith.serialize-type=json",
            "jrpcx.clients.echo.discovery=127.0.0.1:8974")
        .run(
            context -> {
              RpcxClients clients = context.getBean(RpcxClients.class);
              assertThat(clients.names()).containsExactly("arith", "echo");
              XClient arith = clients.client("arith");
              assertThat(arith.servicePath()).isEqualTo("Arith");
              assertThat(arith.failMode()).isEqualTo(FailMode.FAILOVER);
              assertThat(arith.selectMode()).isEqualTo(SelectMode.ROUND_ROBIN);
              assertThat(arith.options().callTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(arith.options().retries()).isEqualTo(5);
              assertThat(arith.options().serializeType()).isEqualTo(SerializeType.JSON);
              assertThat(arith.servers())
                  .extracting(n -> n.key())
                  .containsExactly("tcp@127.0.0.1:8972", "tcp@127.0.0.1:8973");
              XClient echo = clients.client("echo");
              assertThat(echo.servicePath()).isEqualTo("echo");
              assertThat(echo.failMode()).isEqualTo(FailMode.FAILTRY);
              assertThat(echo.selectMode()).isEqualTo(SelectMode.RANDOM_SELECT);
            });
  }

  @Test
  void anUnknownFailModeFailsTheStartNamingTheProperty() {
    runner
        .withPropertyValues(
            "jrpcx.clients.arith.discovery=127.0.0.1:8972",
            "jrpcx.clients.arith.fail-mode=sometimes")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .hasRootCauseInstanceOf(IllegalArgumentException.class)
                  .rootCause()
                  .hasMessageContaining("No enum constant io.jrpcx.client.FailMode.sometimes");
              assertThat(findCause(context.getStartupFailure(), BindException.class))
                  .hasMessageContaining("jrpcx.clients.arith.fail-mode")
                  .hasMessageContaining("io.jrpcx.client.FailMode");
            });
  }

  @Test
  void aRegistryTypeWithoutAnAddressFailsTheStart() {
    runner
        .withPropertyValues("jrpcx.registry.type=etcd")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessage(
                        "jrpcx.registry.address is missing: jrpcx.registry.type=etcd needs the"
                            + " registry's host:port (several comma-separated), or a URL such as"
                            + " etcd://127.0.0.1:2379"));
  }

  @Test
  void registryTypesAndAddressesAreChecked() {
    runner
        .withPropertyValues("jrpcx.registry.type=eureka", "jrpcx.registry.address=h:1")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessage(
                        "jrpcx.registry.type 'eureka' is not one of zookeeper, zk, etcd, consul,"
                            + " redis, mdns"));
    runner
        .withPropertyValues("jrpcx.registry.address=127.0.0.1:2379")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessageStartingWith(
                        "jrpcx.registry.address '127.0.0.1:2379' names no registry: write it as a"
                            + " URL (etcd://127.0.0.1:2379)"));
    runner
        .withPropertyValues(
            "jrpcx.registry.type=zookeeper", "jrpcx.registry.address=etcd://127.0.0.1:2379")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessageContaining("is a etcd:// address; set one of them"));
  }

  @Test
  void aRegistryWhoseModuleIsMissingIsNamed() {
    runner
        .withPropertyValues(
            "jrpcx.server.address=127.0.0.1:0", "jrpcx.registry.address=consul://127.0.0.1:8500")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessageContaining(
                        "needs io.jrpcx:jrpcx-registry-consul on the class path"));
  }

  @Test
  void aClientWithoutDiscoveryNeedsARegistry() {
    runner
        .withPropertyValues("jrpcx.clients.arith.service=Arith")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessageStartingWith(
                        "jrpcx.clients.arith has no discovery and no jrpcx.registry is configured"));
  }

  @Test
  void badSerializeTypesAndRetriesAreRefused() {
    runner
        .withPropertyValues(
            "jrpcx.clients.arith.discovery=127.0.0.1:1", "jrpcx.clients.arith.serialize-type=xml")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessage(
                        "serialize-type 'xml' is not one of msgpack, json, protobuf, thrift, raw"
                            + " or a number 0..15"));
    runner
        .withPropertyValues(
            "jrpcx.clients.arith.discovery=127.0.0.1:1", "jrpcx.clients.arith.retries=-1")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessage("retries must not be negative, was -1"));
  }

  @Test
  void rpcxServicesWithoutAServerFailTheStart() {
    runner
        .withBean(ArithService.class)
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessageContaining("have no jrpcx server to serve them")
                    .hasMessageContaining("set jrpcx.server.address"));
  }

  @Test
  void anUnknownClientNameFailsTheStartNamingTheField() {
    runner
        .withPropertyValues("jrpcx.clients.arith.discovery=127.0.0.1:1")
        .withBean(WantsNope.class)
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessage(
                        "@RpcxClient(\"nope\") on field "
                            + WantsNope.class.getName()
                            + ".api: there is no jrpcx.clients.nope; configured: [arith]"));
  }

  static class WantsNope {
    @RpcxClient("nope")
    ArithApi api;
  }

  @Test
  void metricsPluginsNeedAMeterRegistryBean() {
    ApplicationContextRunner configured =
        runner.withPropertyValues(
            "jrpcx.server.address=127.0.0.1:0", "jrpcx.clients.arith.discovery=127.0.0.1:1");
    configured.run(
        context ->
            assertThat(context)
                .doesNotHaveBean(MicrometerServerMetrics.class)
                .doesNotHaveBean(MicrometerClientMetrics.class));
    configured
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(MicrometerServerMetrics.class)
                    .hasSingleBean(MicrometerClientMetrics.class));
    configured
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader(MicrometerServerMetrics.class))
        .run(context -> assertThat(context).doesNotHaveBean(MicrometerClientMetrics.class));
  }

  @Test
  void tracingPluginsNeedAnOpenTelemetryBean() {
    ApplicationContextRunner configured =
        runner.withPropertyValues(
            "jrpcx.server.address=127.0.0.1:0", "jrpcx.clients.arith.discovery=127.0.0.1:1");
    configured.run(
        context ->
            assertThat(context)
                .doesNotHaveBean(OpenTelemetryServerTracing.class)
                .doesNotHaveBean(OpenTelemetryClientTracing.class));
    configured
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(OpenTelemetryServerTracing.class)
                    .hasSingleBean(OpenTelemetryClientTracing.class));
  }

  @Test
  void healthCanBeTurnedOff() {
    runner
        .withPropertyValues(
            "jrpcx.clients.arith.discovery=127.0.0.1:1", "management.health.jrpcx.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(JrpcxHealthIndicator.class));
  }

  @Test
  void nettyOlderThan42FailsTheStartSayingWhatToSet() {
    runner
        .withClassLoader(new FilteredClassLoader(NettyCheck.NETTY_42_CLASS))
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith(
                        "jrpcx needs Netty 4.2 (it was built with 4.2.18.Final)")
                    .hasMessageContaining("<netty.version>4.2.18.Final</netty.version>"));
  }

  @Test
  void theNettyMessageNamesTheVersionFound() {
    assertThat(NettyCheck.message("4.1.128.Final", "4.2.18.Final"))
        .isEqualTo(
            "jrpcx needs Netty 4.2 (it was built with 4.2.18.Final) but the class path has Netty"
                + " 4.1.128.Final, and lacks io.netty.channel.MultiThreadIoEventLoopGroup. Spring"
                + " Boot 3.5 manages Netty 4.1: with spring-boot-starter-parent set"
                + " <netty.version>4.2.18.Final</netty.version> in the pom's <properties>; with"
                + " spring-boot-dependencies imported, import io.netty:netty-bom:4.2.18.Final (or"
                + " io.jrpcx:jrpcx-bom) before it");
  }

  /** The innermost cause of {@code t}, or {@code t} itself; fails when the start did not fail. */
  private static Throwable root(Throwable t) {
    assertThat(t).as("the start failed").isNotNull();
    Throwable r = t;
    while (r.getCause() != null) {
      r = r.getCause();
    }
    return r;
  }

  private static Throwable findCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    throw new AssertionError("no " + type.getName() + " in the causes of " + t, t);
  }
}
