package io.jrpcx.opentelemetry;

import io.jrpcx.protocol.Message;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.ServerContext;
import io.jrpcx.server.ServerPlugin;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry tracing for a jrpcx {@link io.jrpcx.server.Server}, as a server plugin: one
 * {@link SpanKind#SERVER} span per request, in the caller's trace when the request metadata
 * carries one.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .plugin(OpenTelemetryServerTracing.builder(openTelemetry).build())
 *     .build();
 * }</pre>
 *
 * <p>The caller's context is read from the request metadata with the configured propagator, by
 * default W3C {@code traceparent} and {@code tracestate} plus W3C {@code baggage}: the keys
 * rpcx's Go OpenTelemetry plugins write with the W3C propagator, so Go and Java calls join one
 * trace. A request without a valid {@code traceparent} starts a new trace.
 *
 * <p>The span is named {@code Service/Method} (OpenTelemetry's RPC convention; Go rpcx names
 * its spans {@code rpcx.service.Service.Method}) and has the attributes {@code rpc.system=rpcx},
 * {@code rpc.service}, {@code rpc.method}, {@code server.address}, {@code server.port},
 * {@code network.peer.address} and {@code network.peer.port}. It starts when the request is read
 * and ends when the response is written; an error response sets status {@code ERROR} with the
 * rpcx error text as description. While the service method runs on its thread the span is the
 * current context, so spans the method starts nest under it. An asynchronous method that
 * continues on other threads must carry {@code Context.current()} there itself (e.g. with
 * {@link Context#wrap(java.util.concurrent.Executor)}).
 *
 * <p>Oneway requests get no response to end a span at, so they get no server span; their method
 * still runs in the caller's context, so its own spans join the caller's trace. Add this plugin
 * before plugins that reject requests so that rejections are traced too. A failure inside
 * tracing never fails a call: it is logged once at WARN.
 */
public final class OpenTelemetryServerTracing
    implements ServerPlugin.PostReadRequest,
        ServerPlugin.AroundMethod,
        ServerPlugin.PostWriteResponse,
        ServerPlugin.PostConnClose {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final RpcSpans spans = new RpcSpans("OpenTelemetryServerTracing");

  /** The span of each request read and not yet answered, by request identity. */
  private final Map<Message, Started> active = new ConcurrentHashMap<>();

  private record Started(ClientConnection connection, Context context, Span span) {}

  private OpenTelemetryServerTracing(Builder b) {
    this.tracer = b.openTelemetry.getTracer(RpcSpans.INSTRUMENTATION_NAME);
    this.propagator = b.propagator;
  }

  /** A builder of tracing that starts spans with {@code openTelemetry}'s tracer provider. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  @Override
  public void postReadRequest(ClientConnection connection, Message request) {
    if (request.isHeartbeat() || request.isOneway()) {
      return;
    }
    try {
      // From root, not Context.current(): an event loop thread must not lend its context.
      Context parent = propagator.extract(Context.root(), request, RpcSpans.GETTER);
      String service = request.servicePath();
      String method = request.serviceMethod();
      SpanBuilder b =
          tracer
              .spanBuilder(RpcSpans.name(service, method))
              .setSpanKind(SpanKind.SERVER)
              .setParent(parent);
      RpcSpans.rpcAttributes(b, service, method);
      RpcSpans.address(b, connection.localAddress(), RpcSpans.SERVER_ADDRESS, RpcSpans.SERVER_PORT);
      RpcSpans.address(b, connection.remoteAddress(), RpcSpans.PEER_ADDRESS, RpcSpans.PEER_PORT);
      Span span = b.startSpan();
      active.put(request, new Started(connection, parent.with(span), span));
    } catch (RuntimeException e) {
      spans.report("PostReadRequest", e);
    }
  }

  @Override
  public AutoCloseable enter(ServerContext ctx) {
    try {
      Message request = ctx.request();
      Started started = active.get(request);
      if (started != null) {
        return started.context().makeCurrent();
      }
      if (request.isOneway()) {
        return propagator.extract(Context.root(), request, RpcSpans.GETTER).makeCurrent();
      }
    } catch (RuntimeException e) {
      spans.report("AroundMethod", e);
    }
    return null;
  }

  @Override
  public void postWriteResponse(
      ClientConnection connection, Message request, Message response, Throwable error) {
    try {
      Started started = active.remove(request);
      if (started == null) {
        return;
      }
      Span span = started.span();
      if (error != null) {
        span.setStatus(StatusCode.ERROR, "the response could not be written: " + error);
        span.recordException(error);
      } else if (response.isError()) {
        span.setStatus(StatusCode.ERROR, String.valueOf(response.errorText()));
      }
      span.end();
    } catch (RuntimeException e) {
      spans.report("PostWriteResponse", e);
    }
  }

  @Override
  public void connectionClosed(ClientConnection connection) {
    try {
      // Requests this connection will never get an answer to, e.g. refused by a later plugin
      // that closed the connection, end here.
      active
          .entrySet()
          .removeIf(
              e -> {
                if (e.getValue().connection() != connection) {
                  return false;
                }
                Span span = e.getValue().span();
                span.setStatus(
                    StatusCode.ERROR, "the connection closed before the response was written");
                span.end();
                return true;
              });
    } catch (RuntimeException e) {
      spans.report("PostConnClose", e);
    }
  }

  /** Options of {@link OpenTelemetryServerTracing}. */
  public static final class Builder extends TracingBuilder<Builder, OpenTelemetryServerTracing> {
    private Builder(OpenTelemetry openTelemetry) {
      super(openTelemetry);
    }

    @Override
    public OpenTelemetryServerTracing build() {
      return new OpenTelemetryServerTracing(this);
    }
  }
}
