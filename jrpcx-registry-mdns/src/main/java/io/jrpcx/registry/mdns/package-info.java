/**
 * mDNS / DNS-SD as an rpcx registry, compatible with Go rpcx's {@code MDNSRegisterPlugin} and
 * {@code MDNSDiscovery}: no registry server, servers announce themselves on the local network.
 *
 * <p>Start with {@link io.jrpcx.registry.mdns.MdnsRegisterPlugin}, the server plugin that announces
 * an {@code _rpcxservices._tcp} instance whose TXT record lists the server's services, and
 * {@link io.jrpcx.registry.mdns.MdnsDiscovery}, which browses those instances and reports the
 * servers of one service. Both run on JmDNS; bind them to the interface your servers and clients
 * share.
 */
package io.jrpcx.registry.mdns;
