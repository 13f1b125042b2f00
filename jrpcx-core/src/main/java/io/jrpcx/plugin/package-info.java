/**
 * Ready-made server plugins for limits and access control, rpcx's built-in server plugins in Java
 * form. Add them with {@link io.jrpcx.server.Server.Builder#plugin}; they run in the order added.
 *
 * <ul>
 *   <li>{@link io.jrpcx.plugin.RequestRateLimitPlugin}: rpcx's {@code ReqRateLimitingPlugin}, a
 *       token bucket per server; requests over the limit get "request reached rate limit" and
 *       their connection stays open.
 *   <li>{@link io.jrpcx.plugin.ConnectionRateLimitPlugin}: rpcx's {@code RateLimitingPlugin}, a
 *       token bucket on accepted connections; connections over the limit are closed at once.
 *   <li>{@link io.jrpcx.plugin.IpFilterPlugin}: rpcx's {@code WhitelistPlugin} and
 *       {@code BlacklistPlugin}, IPv4/IPv6 addresses and CIDR blocks, deny wins.
 * </ul>
 *
 * <p>Each is an immutable value made by static factories; none blocks a network thread. The token
 * bucket they share behaves like Go's {@code juju/ratelimit} bucket (full at the start, one token
 * per fill interval) and is one lock-free {@code long}.
 */
package io.jrpcx.plugin;
