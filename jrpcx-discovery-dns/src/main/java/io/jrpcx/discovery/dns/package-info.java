/**
 * Discovery from DNS, without a registry: {@link io.jrpcx.discovery.dns.DnsDiscovery} looks up the
 * A/AAAA (or SRV) records of a name, such as a Kubernetes headless Service, and follows them.
 *
 * <p>Start with {@link io.jrpcx.discovery.dns.DnsDiscovery#create} and pass it to {@code
 * XClient.create}. The module's README shows how it differs from Go rpcx's {@code DNSDiscovery}.
 */
package io.jrpcx.discovery.dns;
