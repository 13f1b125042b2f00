package io.jrpcx.opentelemetry;

import io.jrpcx.client.Call;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.protocol.Message;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * OpenTelemetry tracing for jrpcx clients ({@link io.jrpcx.client.Client},
 * {@link io.jrpcx.client.XClient}), as a client plugin: one {@link SpanKind#CLIENT} span per
 * call, whose context goes to the server in the request metadata.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder()
 *     .plugin(OpenTelemetryClientTracing.builder(openTelemetry).build())
 *     .build();
 * }</pre>
 *
 * <p>The span is a child of {@link Context#current()} on the thread that starts the call, named
 * {@code Service/Method} (OpenTelemetry's RPC convention; Go rpcx names its spans
 * {@code rpcx.client.Service.Method}), with {@code rpc.system=rpcx}, {@code rpc.service},
 * {@code rpc.method}, {@code server.address} and {@code server.port}. Its context is written into
 * the request metadata with the configured propagator, by default W3C {@code traceparent},
 * {@code tracestate} and {@code baggage}, which Go rpcx servers with the W3C propagator and jrpcx
 * servers with {@link OpenTelemetryServerTracing} read. It ends when the call completes; a
 * failure sets status {@code ERROR} with the error's message and {@code error.type} with its
 * class name.
 *
 * <p>With an {@code XClient} each attempt is one span. The first attempt runs on the caller's
 * thread and so joins the caller's trace; a retry runs on the XClient's retry threads, where no
 * context is current, and starts a trace of its own. A failure inside tracing never fails a call:
 * it is logged once at WARN.
 */
public final class OpenTelemetryClientTracing implements ClientPlugin.CallStarted {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final RpcSpans spans = new RpcSpans("OpenTelemetryClientTracing");

  private OpenTelemetryClientTracing(Builder b) {
    this.tracer = b.openTelemetry.getTracer(RpcSpans.INSTRUMENTATION_NAME);
    this.propagator = b.propagator;
  }

  /** A builder of tracing that starts spans with {@code openTelemetry}'s tracer provider. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  @Override
  public void callStarted(Call<?> call, Message request, String address) {
    try {
      Context parent = Context.current();
      String service = call.servicePath();
      String method = call.serviceMethod();
      SpanBuilder b =
          tracer
              .spanBuilder(RpcSpans.name(service, method))
              .setSpanKind(SpanKind.CLIENT)
              .setParent(parent);
      RpcSpans.rpcAttributes(b, service, method);
      RpcSpans.serverAddress(b, address);
      Span span = b.startSpan();
      propagator.inject(parent.with(span), request, RpcSpans.SETTER);
      call.done().whenComplete((reply, error) -> completed(span, error));
    } catch (RuntimeException e) {
      spans.report("CallStarted", e);
    }
  }

  private void completed(Span span, Throwable error) {
    try {
      if (error instanceof CompletionException && error.getCause() != null) {
        error = error.getCause();
      }
      if (error instanceof CancellationException) {
        span.setStatus(StatusCode.ERROR, "cancelled by the caller");
        span.setAttribute(RpcSpans.ERROR_TYPE, "cancelled");
      } else if (error != null) {
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        span.setAttribute(RpcSpans.ERROR_TYPE, error.getClass().getName());
      }
      span.end();
    } catch (RuntimeException e) {
      spans.report("call completion", e);
    }
  }

  /** Options of {@link OpenTelemetryClientTracing}. */
  public static final class Builder extends TracingBuilder<Builder, OpenTelemetryClientTracing> {
    private Builder(OpenTelemetry openTelemetry) {
      super(openTelemetry);
    }

    @Override
    public OpenTelemetryClientTracing build() {
      return new OpenTelemetryClientTracing(this);
    }
  }
}
