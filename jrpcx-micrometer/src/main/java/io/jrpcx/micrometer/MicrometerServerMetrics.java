package io.jrpcx.micrometer;

import io.jrpcx.protocol.Message;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.ServerContext;
import io.jrpcx.server.ServerPlugin;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer metrics for a jrpcx {@link io.jrpcx.server.Server}, as a server plugin.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .plugin(MicrometerServerMetrics.builder(registry).build())
 *     .build();
 * }</pre>
 *
 * <p>Meters:
 * <ul>
 *   <li>{@code rpcx.server.calls}, a timer tagged {@code service}, {@code method} and
 *       {@code outcome} ({@code success} or {@code error}): how many calls were answered and how
 *       long each took, from the moment its request was read to the moment its response was
 *       written. Its count with {@code outcome=error} is the error count; there is no separate
 *       error counter, since the server knows an error only by its free text, which is no tag.
 *   <li>{@code rpcx.server.calls.active}, a gauge: requests read and not yet answered.
 *   <li>{@code rpcx.server.connections}, a gauge: open client connections.
 * </ul>
 *
 * <p>Tags stay bounded whatever clients send: a request is tagged with its service and method
 * only once the server has run that method; until then, and for names the server does not serve,
 * the tag is {@code unknown}. So a client sending made-up names adds one time series, not one per
 * name. Calls whose connection closed before their response was written count as errors.
 *
 * <p>Oneway requests get no response, so they are neither timed nor counted as active here.
 * Add this plugin before plugins that reject requests (rate limits) so that the rejected
 * requests are counted as errors; requests that never reached this plugin are not counted.
 * Connections a later plugin refuses are not counted as open. A failure inside the registry never
 * fails a call: it is logged once at WARN. One instance serves one server; give servers that
 * share a registry distinguishing tags ({@code builder(registry).tags(...)}), since gauges with
 * the same name and tags are registered once.
 */
public final class MicrometerServerMetrics
    implements ServerPlugin.PostConnAccept,
        ServerPlugin.PostConnClose,
        ServerPlugin.PostReadRequest,
        ServerPlugin.PreCall,
        ServerPlugin.PostWriteResponse {
  static final String UNKNOWN = "unknown";

  /** How often an accept prunes connections that a later plugin refused and closed. */
  private static final int PRUNE_EVERY = 64;

  private final MeterRegistry registry;
  private final CallTimers timers;
  private final HookFailures failures = new HookFailures("MicrometerServerMetrics");

  /** Requests read and not yet answered, by identity: one server call per request object. */
  private final Map<Message, Started> active = new ConcurrentHashMap<>();

  private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepts = new AtomicInteger();

  /** Service to methods this server has run: only these names become tag values. */
  private final Map<String, Set<String>> served = new ConcurrentHashMap<>();

  private record Started(ClientConnection connection, long startNanos) {}

  private MicrometerServerMetrics(Builder b) {
    this.registry = b.registry;
    this.timers =
        new CallTimers(
            registry,
            "rpcx.server.calls",
            "Calls answered by the server, timed from request read to response written",
            b.tags);
    b.gauge("rpcx.server.calls.active", "Requests read and not yet answered", active, Map::size);
    b.gauge(
        "rpcx.server.connections",
        "Open client connections",
        this,
        MicrometerServerMetrics::openConnections);
  }

  /** A builder of metrics recorded into {@code registry}. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  @Override
  public boolean connectionAccepted(ClientConnection connection) {
    try {
      connections.add(connection);
      if (accepts.incrementAndGet() % PRUNE_EVERY == 0) {
        // A plugin after this one may refuse a connection: the server then closes it without
        // PostConnClose, so drop closed ones now and then rather than let the set grow.
        connections.removeIf(c -> !c.isActive());
      }
    } catch (RuntimeException e) {
      failures.report("PostConnAccept", e);
    }
    return true;
  }

  @Override
  public void connectionClosed(ClientConnection connection) {
    try {
      connections.remove(connection);
      // Requests of this connection that will never be answered (e.g. refused by a later
      // plugin that closed the connection) end here, as errors.
      active
          .entrySet()
          .removeIf(
              e -> {
                if (e.getValue().connection() != connection) {
                  return false;
                }
                record(e.getKey(), e.getValue(), CallTimers.ERROR);
                return true;
              });
    } catch (RuntimeException e) {
      failures.report("PostConnClose", e);
    }
  }

  @Override
  public void postReadRequest(ClientConnection connection, Message request) {
    if (request.isHeartbeat() || request.isOneway()) {
      return;
    }
    try {
      active.put(request, new Started(connection, registry.config().clock().monotonicTime()));
    } catch (RuntimeException e) {
      failures.report("PostReadRequest", e);
    }
  }

  @Override
  public Object preCall(ServerContext ctx, Object args) {
    // PreCall runs only once the server found the method: its names are real, fit for tags.
    try {
      Set<String> methods = served.get(ctx.servicePath());
      if (methods == null || !methods.contains(ctx.serviceMethod())) {
        served
            .computeIfAbsent(ctx.servicePath(), s -> ConcurrentHashMap.newKeySet())
            .add(ctx.serviceMethod());
      }
    } catch (RuntimeException e) {
      failures.report("PreCall", e);
    }
    return args;
  }

  @Override
  public void postWriteResponse(
      ClientConnection connection, Message request, Message response, Throwable error) {
    try {
      Started started = active.remove(request);
      if (started != null) {
        boolean failed = error != null || response.isError();
        record(request, started, failed ? CallTimers.ERROR : CallTimers.SUCCESS);
      }
    } catch (RuntimeException e) {
      failures.report("PostWriteResponse", e);
    }
  }

  private void record(Message request, Started started, String outcome) {
    String service = request.servicePath();
    String method = request.serviceMethod();
    Set<String> methods = served.get(service);
    if (methods == null) {
      service = UNKNOWN;
      method = UNKNOWN;
    } else if (!methods.contains(method)) {
      method = UNKNOWN;
    }
    long nanos = registry.config().clock().monotonicTime() - started.startNanos();
    timers.get(service, method, outcome, null).record(nanos, TimeUnit.NANOSECONDS);
  }

  private int openConnections() {
    connections.removeIf(c -> !c.isActive());
    return connections.size();
  }

  /** Options of {@link MicrometerServerMetrics}. */
  public static final class Builder extends MetricsBuilder<Builder, MicrometerServerMetrics> {
    private Builder(MeterRegistry registry) {
      super(registry);
    }

    @Override
    public MicrometerServerMetrics build() {
      return new MicrometerServerMetrics(this);
    }
  }
}
