package io.jrpcx.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.etcd.EtcdServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Two applications and a real etcd: one serves Arith and registers it, the other finds it through
 * the registry. The client's health follows the server's presence, and a server shut down while
 * calls are in flight leaves the registry first and answers every one of them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdApplicationsTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @Configuration
  @EnableAutoConfiguration
  @Import({ArithService.class, SlowService.class})
  static class ServerApp {}

  @Configuration
  @EnableAutoConfiguration
  static class ClientApp {}

  /** Holds each call until the test releases it, to have calls in flight at shutdown. */
  @RpcxService(name = "Slow")
  static class SlowService {
    static volatile CountDownLatch entered = new CountDownLatch(0);
    static volatile CountDownLatch release = new CountDownLatch(0);

    public Reply mul(Args args) throws InterruptedException {
      entered.countDown();
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the call");
      }
      return new Reply(args.A * args.B);
    }
  }

  private String etcdHostPort() {
    return etcd.endpoint().substring("http://".length());
  }

  private ConfigurableApplicationContext startServer() {
    return start(
        new SpringApplicationBuilder(ServerApp.class)
            .properties(
                "jrpcx.server.address=127.0.0.1:0",
                "jrpcx.registry.address=etcd://" + etcdHostPort(),
                "jrpcx.registry.base-path=/spring_test",
                "spring.lifecycle.timeout-per-shutdown-phase=20s"));
  }

  private ConfigurableApplicationContext startClient() {
    return start(
        new SpringApplicationBuilder(ClientApp.class)
            .properties(
                // the type + host:port form of the registry
                "jrpcx.registry.type=etcd",
                "jrpcx.registry.address=" + etcdHostPort(),
                "jrpcx.registry.base-path=/spring_test",
                "jrpcx.clients.arith.service=Arith",
                "jrpcx.clients.arith.fail-mode=failover",
                "jrpcx.clients.slow.service=Slow",
                "jrpcx.clients.slow.timeout=30s"));
  }

  private ConfigurableApplicationContext start(SpringApplicationBuilder app) {
    ConfigurableApplicationContext c =
        app.web(WebApplicationType.NONE)
            .properties("spring.main.banner-mode=off", "spring.jmx.enabled=false")
            .run();
    contexts.add(c);
    return c;
  }

  @AfterEach
  void closeAll() {
    SlowService.release.countDown();
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  private static String health(ConfigurableApplicationContext c) {
    return c.getBean(JrpcxHealthIndicator.class).health().getStatus().getCode();
  }

  @Test
  void theClientFindsTheServerInEtcdAndItsHealthFollowsTheServer() {
    ConfigurableApplicationContext server = startServer();
    ConfigurableApplicationContext client = startClient();
    RpcxClients clients = client.getBean(RpcxClients.class);
    String address = server.getBean(RpcxServerLifecycle.class).listeningAddress();

    await().atMost(Duration.ofSeconds(15)).until(() -> health(client).equals("UP"));
    assertThat(clients.client("arith").servers())
        .containsExactly(new KVPair(address, "weight=10&group=g1"));
    assertThat(clients.proxy("arith", ArithApi.class).mul(new Args(10, 20)).C).isEqualTo(200);

    server.close();
    await().atMost(Duration.ofSeconds(15)).until(() -> health(client).equals("DOWN"));
    assertThat(clients.client("arith").servers()).isEmpty();

    ConfigurableApplicationContext again = startServer();
    await().atMost(Duration.ofSeconds(15)).until(() -> health(client).equals("UP"));
    assertThat(clients.proxy("arith", ArithApi.class).mul(new Args(6, 7)).C).isEqualTo(42);
    assertThat(health(again)).isEqualTo("UP");
  }

  @Test
  void shutdownLeavesTheRegistryFirstThenAnswersEveryCallInFlight() throws Exception {
    int calls = 8;
    SlowService.entered = new CountDownLatch(calls);
    SlowService.release = new CountDownLatch(1);
    ConfigurableApplicationContext server = startServer();
    RpcxServerLifecycle lifecycle = server.getBean(RpcxServerLifecycle.class);
    ConfigurableApplicationContext client = startClient();
    RpcxClients clients = client.getBean(RpcxClients.class);
    await().atMost(Duration.ofSeconds(15)).until(() -> !clients.client("slow").servers().isEmpty());

    ArithApi slow = clients.proxy("slow", ArithApi.class);
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      replies.add(slow.mulAsync(new Args(i, 2)));
    }
    assertThat(SlowService.entered.await(20, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
    // The node leaves the registry while its calls are still held: clients stop choosing it
    // before it drains.
    await().atMost(Duration.ofSeconds(15)).until(() -> clients.client("slow").servers().isEmpty());
    assertThat(closed).isNotDone();
    assertThat(replies).noneMatch(CompletableFuture::isDone);

    SlowService.release.countDown();
    for (int i = 0; i < calls; i++) {
      assertThat(replies.get(i).get(20, TimeUnit.SECONDS).C).isEqualTo(i * 2);
    }
    closed.get(20, TimeUnit.SECONDS);
    assertThat(lifecycle.isRunning()).isFalse();
  }
}
