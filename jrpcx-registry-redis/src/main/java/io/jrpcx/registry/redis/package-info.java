/**
 * Redis as an rpcx registry, in the layout of Go rpcx's Redis plugin (libkv's redis store), so
 * that Go and Java servers and clients find one another.
 *
 * <p>Start with {@link io.jrpcx.registry.redis.RedisRegisterPlugin}, the server side: it writes
 * {@code <basePath>}, {@code <basePath>/<service>} and an expiring leaf
 * {@code <basePath>/<service>/<network@address>} per service, each value a libkv JSON envelope,
 * and refreshes the leaf every update interval. {@link io.jrpcx.registry.redis.RedisDiscovery} is
 * the client side: it lists a service's leaves with SCAN and MGET and follows keyspace
 * notifications, so it also sees metadata-only changes and expiries.
 *
 * <p>Package-private helpers: {@code Libkv} (key normalisation, the envelope, expiry arguments)
 * and {@code RedisLink} (one session of connections, re-established with back-off after a
 * drop).
 */
package io.jrpcx.registry.redis;
