/**
 * OpenTelemetry tracing for jrpcx: {@link io.jrpcx.opentelemetry.OpenTelemetryClientTracing}
 * starts a client span per call and sends its context in the request metadata (W3C
 * {@code traceparent}, as rpcx's Go plugins do), {@link
 * io.jrpcx.opentelemetry.OpenTelemetryServerTracing} continues it in a server span.
 */
package io.jrpcx.opentelemetry;
