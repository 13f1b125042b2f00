/**
 * ZooKeeper as a jrpcx registry, in rpcx's znode layout, so jrpcx and Go rpcx servers and clients
 * find each other (Apache Curator underneath).
 *
 * <p>Start with {@link io.jrpcx.registry.zookeeper.ZooKeeperRegisterPlugin} on the server side:
 * it writes {@code /rpcx_test/<service>/<network@host:port>} with the service metadata, as an
 * ephemeral znode tied to the plugin's session. On the client side,
 * {@link io.jrpcx.registry.zookeeper.ZooKeeperDiscovery} lists and watches those znodes for an
 * {@link io.jrpcx.client.XClient}, including metadata-only changes, which Go's discovery misses.
 * The module README shows the exact layout and the differences from Go.
 */
package io.jrpcx.registry.zookeeper;
