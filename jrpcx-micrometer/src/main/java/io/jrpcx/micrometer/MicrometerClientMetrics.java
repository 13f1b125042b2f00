package io.jrpcx.micrometer;

import io.jrpcx.client.Call;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.protocol.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer metrics for jrpcx clients ({@link io.jrpcx.client.Client},
 * {@link io.jrpcx.client.XClient}), as a client plugin.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder()
 *     .plugin(MicrometerClientMetrics.builder(registry).build())
 *     .build();
 * }</pre>
 *
 * <p>Meters:
 * <ul>
 *   <li>{@code rpcx.client.calls}, a timer tagged {@code service}, {@code method}, {@code outcome}
 *       ({@code success} or {@code error}) and {@code exception} (the simple class name of the
 *       failure, such as {@code ServiceException}, {@code ConnectionException},
 *       {@code DeadlineExceededException} or {@code BreakerOpenException}; {@code cancelled} when
 *       the caller cancelled; {@code none} on success): how many calls completed and how long
 *       each took, from its start to its completion. Calls the client refused without sending
 *       (open breaker, closed connection) are counted too, with their exception. For an
 *       {@code XClient} each attempt is one call.
 *   <li>{@code rpcx.client.calls.active}, a gauge: calls started and not yet completed.
 *   <li>{@code rpcx.client.connections}, a gauge: open connections.
 *   <li>{@code rpcx.client.connections.failed}, a counter: connection attempts that failed.
 * </ul>
 *
 * <p>The service and method tags are what the calling code names, so their number is bounded by
 * the code, not by peers. A failure inside the registry never fails a call: it is logged once at
 * WARN. Build one instance per registry (and tags) and share it among clients: a second
 * instance with the same tags would find its gauges already registered to the first.
 */
public final class MicrometerClientMetrics
    implements ClientPlugin.CallStarted,
        ClientPlugin.ConnectionCreated,
        ClientPlugin.ConnectionClosed,
        ClientPlugin.ConnectionCreateFailed {
  private static final String NONE = "none";

  private final MeterRegistry registry;
  private final CallTimers timers;
  private final Counter connectionFailures;
  private final HookFailures failures = new HookFailures("MicrometerClientMetrics");
  private final AtomicInteger activeCalls = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();

  private MicrometerClientMetrics(Builder b) {
    this.registry = b.registry;
    this.timers =
        new CallTimers(
            registry,
            "rpcx.client.calls",
            "Calls made by the client, timed from start to completion",
            b.tags);
    b.gauge(
        "rpcx.client.calls.active",
        "Calls started and not yet completed",
        activeCalls,
        AtomicInteger::get);
    b.gauge(
        "rpcx.client.connections", "Open connections to servers", connections, AtomicInteger::get);
    this.connectionFailures =
        Counter.builder("rpcx.client.connections.failed")
            .description("Connection attempts that failed")
            .tags(b.tags)
            .register(registry);
  }

  /** A builder of metrics recorded into {@code registry}. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  @Override
  public void callStarted(Call<?> call, Message request, String address) {
    try {
      long start = registry.config().clock().monotonicTime();
      activeCalls.incrementAndGet();
      // done() completes exactly once, also when refused or cancelled: the gauge cannot drift.
      call.done().whenComplete((reply, error) -> completed(call, start, error));
    } catch (RuntimeException e) {
      failures.report("CallStarted", e);
    }
  }

  private void completed(Call<?> call, long start, Throwable error) {
    try {
      long nanos = registry.config().clock().monotonicTime() - start;
      timers
          .get(
              call.servicePath(),
              call.serviceMethod(),
              error == null ? CallTimers.SUCCESS : CallTimers.ERROR,
              exceptionTag(error))
          .record(nanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      failures.report("call completion", e);
    } finally {
      activeCalls.decrementAndGet();
    }
  }

  private static String exceptionTag(Throwable error) {
    if (error instanceof CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    if (error == null) {
      return NONE;
    }
    if (error instanceof CancellationException) {
      return "cancelled";
    }
    return error.getClass().getSimpleName();
  }

  @Override
  public void connectionCreated(String network, String address) {
    connections.incrementAndGet();
  }

  @Override
  public void connectionClosed(String network, String address) {
    connections.decrementAndGet();
  }

  @Override
  public void connectionCreateFailed(String network, String address, Throwable cause) {
    try {
      connectionFailures.increment();
    } catch (RuntimeException e) {
      failures.report("ConnectionCreateFailed", e);
    }
  }

  /** Options of {@link MicrometerClientMetrics}. */
  public static final class Builder extends MetricsBuilder<Builder, MicrometerClientMetrics> {
    private Builder(MeterRegistry registry) {
      super(registry);
    }

    @Override
    public MicrometerClientMetrics build() {
      return new MicrometerClientMetrics(this);
    }
  }
}
