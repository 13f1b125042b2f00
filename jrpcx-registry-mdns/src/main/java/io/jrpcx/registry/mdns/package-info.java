/**
 * mDNS / DNS-SD as an rpcx registry, interoperable with Go rpcx's {@code MDNSRegisterPlugin} and
 * {@code MDNSDiscovery} (grandcat/zeroconf): no registry server, servers announce themselves on
 * the local network.
 *
 * <p>Start with {@link io.jrpcx.registry.mdns.MdnsRegisterPlugin}, the server plugin that
 * announces an instance of {@code _rpcxservices.local.} (no {@code _tcp} label, as Go) whose one
 * TXT string lists the server's services, and {@link io.jrpcx.registry.mdns.MdnsDiscovery},
 * which browses those instances and reports the servers of one service. Both speak mDNS over
 * IPv4 on one interface through a small DNS layer of their own; bind them to the interface your
 * servers and clients share.
 */
package io.jrpcx.registry.mdns;
