/**
 * Where a client finds the servers of a service.
 *
 * <p>Start with {@link io.jrpcx.client.discovery.ServiceDiscovery}, the contract an {@link
 * io.jrpcx.client.XClient} reads: the current node list, watch updates carrying the full list, and
 * a filter. Each node is a {@link io.jrpcx.client.discovery.KVPair}, a {@code network@address} key
 * with the metadata the server registered. {@link
 * io.jrpcx.client.discovery.NodeFilters#stateAndGroup(String)} is rpcx's state and group filter.
 *
 * <p>Ready to use without a registry: {@link io.jrpcx.client.discovery.Peer2PeerDiscovery} for one
 * known server and {@link io.jrpcx.client.discovery.MultipleServersDiscovery} for a list the
 * application maintains. {@link io.jrpcx.client.discovery.CachingDiscovery} wraps any discovery
 * and keeps serving the last healthy list, from memory or disk, while the registry reports too few
 * nodes. Registry modules (ZooKeeper, etcd, Consul, mDNS, Redis) extend {@link
 * io.jrpcx.client.discovery.AbstractServiceDiscovery}, which holds the list, the filter and the
 * watchers, so they only publish what their registry reports.
 */
package io.jrpcx.client.discovery;
