/**
 * The registry kit: what every registry module (ZooKeeper, etcd, Consul, Redis, mDNS) builds on,
 * so that each mechanism lives once.
 *
 * <ul>
 *   <li>{@link io.jrpcx.registry.AbstractRegisterPlugin}: the server side, rpcx's register plugin
 *       model (services kept, rates counted, the update loop, one lock for all writes). Start
 *       here.
 *   <li>{@link io.jrpcx.registry.RegisterPluginBuilder} and
 *       {@link io.jrpcx.registry.DiscoveryBuilder}: the settings every plugin and discovery has
 *       ({@code serviceAddress}, {@code basePath}, {@code updateInterval}, {@code servicePath}),
 *       validated once.
 *   <li>{@link io.jrpcx.registry.Backoff}: the jittered retry delays, 1 s doubling to 30 s, of
 *       every watch, reconnection and re-registration loop.
 *   <li>{@link io.jrpcx.registry.GoQuery}: Go's query-string encoding and parsing, in which rpcx
 *       carries node metadata.
 * </ul>
 *
 * <p>The discoveries themselves extend {@link io.jrpcx.client.discovery.AbstractServiceDiscovery};
 * the register plugins and discoveries of each registry live in {@code io.jrpcx.registry.<name>}
 * of their module. Core's test-jar holds {@code AbstractRegistryContractTest}, the cases every
 * registry module proves.
 */
package io.jrpcx.registry;
