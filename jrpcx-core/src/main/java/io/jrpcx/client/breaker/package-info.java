/**
 * Circuit breakers that stop a client from sending calls to a node that keeps failing.
 *
 * <p>Start with {@link io.jrpcx.client.breaker.Breaker}, the contract a client uses: ask {@code
 * ready()} before each call, report {@code success()} or {@code fail()} after it. {@link
 * io.jrpcx.client.breaker.RateBreaker} is the default (95% of at least 100 calls failed within 10
 * seconds opens it; a single probe closes it again); {@link
 * io.jrpcx.client.breaker.ConsecutiveBreaker} ports Go rpcx's {@code ConsecCircuitBreaker} for
 * users who want a count of consecutive failures instead. Clients keep one breaker per node.
 */
package io.jrpcx.client.breaker;
