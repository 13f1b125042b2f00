package io.jrpcx.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.plugin.IpFilterPlugin;
import io.jrpcx.plugin.RequestRateLimitPlugin;
import io.jrpcx.server.Server;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Server and client metrics of real calls over loopback TCP. */
class MicrometerMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Gate gate = new Gate();

  /** One instance for all the test's clients: its gauges are registered once per registry. */
  private final MicrometerClientMetrics clientMetrics =
      MicrometerClientMetrics.builder(registry).build();

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b ->
              b.plugin(MicrometerServerMetrics.builder(registry).build())
                  .plugin(RequestRateLimitPlugin.of(Duration.ofHours(1), 20)),
          s -> s.register("Gate", gate, ""));

  /** Holds a call in its method until the test opens the gate. */
  public static class Gate {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    public String hold(String id) throws InterruptedException {
      entered.countDown();
      if (!open.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
      return id;
    }
  }

  private Client metered() {
    return server.connect(ClientOptions.builder().plugin(clientMetrics).build());
  }

  private Timer timer(String name, String service, String method, String outcome) {
    return registry
        .find(name)
        .tags("service", service, "method", method, "outcome", outcome)
        .timer();
  }

  /** The timer's count, 0 while it does not exist yet. */
  private long count(String name, String service, String method, String outcome) {
    Timer t = timer(name, service, method, outcome);
    return t == null ? 0 : t.count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void successesAndFailuresAreTimedByOutcomeOnBothSides() {
    Client client = metered();
    for (int i = 0; i < 5; i++) {
      assertThat(client.call(Context.background(), "Arith", "Mul", new Args(i, 2), Reply.class).C)
          .isEqualTo(2 * i);
    }
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(
              () -> client.call(Context.background(), "Arith", "Div", new Args(1, 0), Reply.class))
          .isInstanceOf(ServiceException.class);
    }

    // Each side records as its call ends: the client when the call's future completes, which
    // may wake the caller first; the server once the response is written.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(count("rpcx.client.calls", "Arith", "Mul", "success")).isEqualTo(5);
              assertThat(count("rpcx.client.calls", "Arith", "Div", "error")).isEqualTo(3);
              assertThat(count("rpcx.server.calls", "Arith", "Mul", "success")).isEqualTo(5);
              assertThat(count("rpcx.server.calls", "Arith", "Div", "error")).isEqualTo(3);
            });
    Timer clientOk = timer("rpcx.client.calls", "Arith", "Mul", "success");
    assertThat(clientOk.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(clientOk.getId().getTag("exception")).isEqualTo("none");
    assertThat(timer("rpcx.client.calls", "Arith", "Div", "error").getId().getTag("exception"))
        .isEqualTo("ServiceException");
    assertThat(
            timer("rpcx.server.calls", "Arith", "Mul", "success").totalTime(TimeUnit.NANOSECONDS))
        .isPositive();
    assertThat(registry.find("rpcx.server.calls").tag("outcome", "error").timers()).hasSize(1);
  }

  @Test
  void connectionGaugesRiseWithConnectionsAndFallWhenTheyClose() {
    Client a = metered();
    Client b = metered();
    await().atMost(WAIT).until(() -> gauge("rpcx.server.connections") == 2);
    assertThat(gauge("rpcx.client.connections")).isEqualTo(2);

    a.close();
    b.close();
    await()
        .atMost(WAIT)
        .until(
            () -> gauge("rpcx.server.connections") == 0 && gauge("rpcx.client.connections") == 0);
  }

  @Test
  void connectionsALaterPluginRefusesAreNotCountedAsOpen() {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    try (Server filtered =
        Server.builder()
            .plugin(MicrometerServerMetrics.builder(own).build())
            .plugin(IpFilterPlugin.deny("127.0.0.1"))
            .build()) {
      filtered.start("tcp", "127.0.0.1:0");
      for (int i = 0; i < 3; i++) {
        Client refused = new Client();
        try {
          refused.connect("tcp", filtered.address());
          await().atMost(WAIT).until(refused::isShutdown);
        } catch (ConnectionException closedAtOnce) {
          // the server may close it before connect() returns
        } finally {
          refused.close();
        }
      }
      assertThat(own.get("rpcx.server.connections").gauge().value()).isZero();
    }
  }

  @Test
  void aFailedConnectionAttemptIsCounted() {
    Client client =
        new Client(
            ClientOptions.builder()
                .plugin(clientMetrics)
                .connectTimeout(Duration.ofSeconds(5))
                .build());
    String closedPort = "127.0.0.1:1";
    assertThatThrownBy(() -> client.connect("tcp", closedPort)).hasMessageContaining(closedPort);
    assertThat(registry.get("rpcx.client.connections.failed").counter().count()).isEqualTo(1);
    assertThat(gauge("rpcx.client.connections")).isZero();
  }

  @Test
  void aBlockedCallIsActiveOnBothSidesUntilItIsAnswered() throws Exception {
    Client client = metered();
    Call<String> call = client.go(Context.background(), "Gate", "Hold", "one", String.class);
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(gauge("rpcx.server.calls.active")).isEqualTo(1);
    assertThat(gauge("rpcx.client.calls.active")).isEqualTo(1);

    gate.open.countDown();
    assertThat(call.await()).isEqualTo("one");
    await()
        .atMost(WAIT)
        .until(
            () -> gauge("rpcx.server.calls.active") == 0 && gauge("rpcx.client.calls.active") == 0);
    await().atMost(WAIT).until(() -> count("rpcx.server.calls", "Gate", "Hold", "success") == 1);
  }

  @Test
  void aCallWhoseConnectionClosesBeforeItsAnswerCountsAsAnError() throws Exception {
    Client client = metered();
    client.go(Context.background(), "Gate", "Hold", "lost", String.class);
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    client.close();
    await().atMost(WAIT).until(() -> gauge("rpcx.server.calls.active") == 0);
    assertThat(count("rpcx.server.calls", "Gate", "Hold", "error")).isEqualTo(1);
    // The method's late answer finds no connection and is not counted a second time.
    gate.open.countDown();
    await().atMost(WAIT).until(() -> server.server().activeConnections().isEmpty());
    assertThat(registry.find("rpcx.server.calls").timers()).hasSize(1);
  }

  @Test
  void namesTheServerNeverServedAreTaggedUnknown() {
    Client client = metered();
    client.call(Context.background(), "Arith", "Mul", new Args(1, 1), Reply.class);
    for (String[] target : new String[][] {{"NoSuch", "Thing"}, {"Arith", "NoSuch"}}) {
      assertThatThrownBy(
              () ->
                  client.call(
                      Context.background(), target[0], target[1], new Args(1, 1), Reply.class))
          .isInstanceOf(ServiceException.class);
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(count("rpcx.server.calls", "unknown", "unknown", "error")).isEqualTo(1);
              assertThat(count("rpcx.server.calls", "Arith", "unknown", "error")).isEqualTo(1);
            });
    assertThat(registry.find("rpcx.server.calls").tag("service", "NoSuch").timers()).isEmpty();
    assertThat(registry.find("rpcx.server.calls").tag("method", "NoSuch").timers()).isEmpty();
  }

  @Test
  void requestsRejectedByALaterPluginCountAsErrorsAndDoNotStayActive() {
    Client client = metered();
    int rejected = 0;
    for (int i = 0; i < 25; i++) {
      try {
        client.call(Context.background(), "Arith", "Mul", new Args(1, 1), Reply.class);
      } catch (ServiceException e) {
        assertThat(e).hasMessage(RequestRateLimitPlugin.REACHED_LIMIT);
        rejected++;
      }
    }
    assertThat(rejected).isEqualTo(5);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(count("rpcx.server.calls", "Arith", "Mul", "success")).isEqualTo(20);
              assertThat(count("rpcx.server.calls", "Arith", "Mul", "error")).isEqualTo(5);
            });
    assertThat(gauge("rpcx.server.calls.active")).isZero();
  }

  @Test
  void aFailingRegistryNeverFailsACall() {
    Client client = metered();
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("registry broken on purpose");
              }
            });
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(3, 4), Reply.class).C)
        .isEqualTo(12);
    assertThatThrownBy(
            () -> client.call(Context.background(), "Arith", "Div", new Args(1, 0), Reply.class))
        .isInstanceOf(ServiceException.class)
        .hasMessage("divide by zero");
    // The registry did refuse: no timer for these calls exists once the client has recorded.
    await().atMost(WAIT).until(() -> gauge("rpcx.client.calls.active") == 0);
    assertThat(registry.find("rpcx.client.calls").tag("method", "Mul").timer()).isNull();
    assertThat(registry.find("rpcx.server.calls").tag("method", "Div").timer()).isNull();
  }
}
