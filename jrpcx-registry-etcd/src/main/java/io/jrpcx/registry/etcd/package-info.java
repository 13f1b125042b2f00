/**
 * etcd v3 as a jrpcx registry, in Go rpcx's key layout, so that jrpcx and Go rpcx servers and
 * clients find each other.
 *
 * <p>Start with {@link io.jrpcx.registry.etcd.EtcdRegisterPlugin} on the server (add it to
 * {@code Server.builder().plugin(...)}) and {@link io.jrpcx.registry.etcd.EtcdDiscovery} on the
 * client (pass it to {@code XClient.create}). The module's README shows the keys written and how
 * they differ from Go's.
 */
package io.jrpcx.registry.etcd;
