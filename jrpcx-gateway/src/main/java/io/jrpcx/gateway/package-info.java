/**
 * rpcx's HTTP gateway and JSON-RPC 2.0 on the rpcx server's own port.
 *
 * <p>Start with {@link io.jrpcx.gateway.Gateway}: install it with
 * {@code Server.builder().sharePortWith(Gateway.create())}; {@link io.jrpcx.gateway.Cors} lets
 * browsers on other origins call it.
 *
 * <p>A request travels: the server's port-sharing detector (first byte not {@code 0x08}) to
 * Netty's HTTP codec and aggregator, to {@code HttpConnection} (one request at a time, in order),
 * to {@code RpcxHeaders} (the {@code X-RPCX-*} gateway) or {@code JsonRpc}, which translate it
 * into an rpcx request for {@link io.jrpcx.server.Server#dispatch} and translate its response.
 */
package io.jrpcx.gateway;
