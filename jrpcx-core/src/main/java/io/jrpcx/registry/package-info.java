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
 *   <li>{@link io.jrpcx.registry.RegistryDiscovery}: the client side's base, the base path and
 *       service followed and rpcx's templates; {@link io.jrpcx.registry.SharedClient}: the
 *       registry client a template shares with its clones.
 *   <li>{@link io.jrpcx.registry.Backoff}: the jittered retry delays, 1 s doubling to 30 s, of
 *       every watch, reconnection and re-registration loop, run on
 *       {@link io.jrpcx.registry.Daemons} threads.
 *   <li>{@link io.jrpcx.registry.GoQuery}: Go's query-string encoding and parsing, in which rpcx
 *       carries node metadata.
 * </ul>
 *
 * <p>The register plugins and discoveries of each registry live in
 * {@code io.jrpcx.registry.<name>} of their module. Core's test-jar holds {@code AbstractRegistryContractTest}, the cases every
 * registry module proves.
 */
package io.jrpcx.registry;
