/**
 * jrpcx: rpcx for the JVM.
 *
 * <p>This package holds what client and server share: the per-call {@link io.jrpcx.Context} with
 * its {@link io.jrpcx.Deadline}, the error types every call can end with, rooted at
 * {@link io.jrpcx.RpcException}, and the {@link io.jrpcx.TlsConfig} both sides take for TLS.
 * Start with {@link io.jrpcx.server.Server} to serve a service and {@link io.jrpcx.client.Client}
 * to call one.
 */
package io.jrpcx;
