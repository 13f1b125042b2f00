/**
 * Micrometer metrics for jrpcx: {@link io.jrpcx.micrometer.MicrometerServerMetrics} for servers
 * and {@link io.jrpcx.micrometer.MicrometerClientMetrics} for clients, each a plugin that times
 * calls by service, method and outcome and gauges calls in flight and open connections.
 */
package io.jrpcx.micrometer;
