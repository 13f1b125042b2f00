package io.jrpcx.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/** The options the client and server tracing share: where spans go and how context travels. */
abstract class TracingBuilder<B extends TracingBuilder<B, P>, P> {
  final OpenTelemetry openTelemetry;
  TextMapPropagator propagator = RpcSpans.W3C;

  TracingBuilder(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
  }

  /**
   * How the trace context is written to and read from the request metadata; by default W3C trace
   * context and W3C baggage. Pass {@code openTelemetry.getPropagators().getTextMapPropagator()} to
   * use the application's configured propagators.
   */
  public B propagator(TextMapPropagator propagator) {
    this.propagator = Objects.requireNonNull(propagator, "propagator");
    @SuppressWarnings("unchecked")
    B self = (B) this;
    return self;
  }

  /** Returns the plugin. */
  public abstract P build();
}
