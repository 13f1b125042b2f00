/**
 * Consul as an rpcx registry, in the key-value layout Go's {@code rpcx-consul} uses (not Consul's
 * service catalog), so that jrpcx and Go rpcx servers and clients find one another.
 *
 * <p>Start with {@link io.jrpcx.registry.consul.ConsulRegisterPlugin}, the server plugin that
 * writes {@code <basePath>/<service>/<network@address>} entries held by Consul sessions, and
 * {@link io.jrpcx.registry.consul.ConsulDiscovery}, the client side that lists and watches them
 * with blocking queries. Both talk to one Consul agent over the JDK HTTP client; no Consul client
 * library is needed.
 */
package io.jrpcx.registry.consul;
