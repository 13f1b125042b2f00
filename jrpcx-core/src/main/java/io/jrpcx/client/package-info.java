/**
 * Calling rpcx services.
 *
 * <p>Start with {@link io.jrpcx.client.Client}, one connection to one server, configured by
 * {@link io.jrpcx.client.ClientOptions}; {@link io.jrpcx.client.Call} is a call in flight.
 * {@link io.jrpcx.client.ClientPlugin} holds the hooks plugins implement and
 * {@link io.jrpcx.client.ServerMessageListener} receives server push. Circuit breakers are in
 * {@link io.jrpcx.client.breaker}.
 */
package io.jrpcx.client;
