/**
 * jrpcx: rpcx for the JVM.
 *
 * <p>This package holds what client and server share: the per-call {@link io.jrpcx.Context} with
 * its {@link io.jrpcx.Deadline}, the error types every call can end with, rooted at {@link
 * io.jrpcx.RpcException}, the {@link io.jrpcx.TlsConfig} both sides take for TLS, and {@link
 * io.jrpcx.RpcName}, which names services and methods for both. Start with {@link
 * io.jrpcx.server.Server} to serve a service and {@link io.jrpcx.client.Client} to call one.
 *
 * <h2>API stability</h2>
 *
 * Every public type outside {@code io.jrpcx.internal} is API: it changes compatibly within a
 * major version. {@code io.jrpcx.internal} holds the Netty plumbing (event loops, the frame codec
 * on Netty buffers, the frame decoder and writer, the memory budget, TLS handlers); its types are
 * public only so that jrpcx's own packages and modules can share them, may change in any release,
 * and must not be used by applications. No Netty type appears in a public signature outside it,
 * except where a jrpcx module hands the internal memory budget to another ({@link
 * io.jrpcx.server.Server#memoryBudget()}). A {@code module-info} with qualified exports would
 * enforce this at compile time; jrpcx does not ship one yet because several of its dependencies
 * (the MsgPack and registry clients) are not named modules, so the boundary is kept by package
 * name and checked by {@code InternalBoundaryTest}.
 */
package io.jrpcx;
