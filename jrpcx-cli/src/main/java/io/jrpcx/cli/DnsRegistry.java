package io.jrpcx.cli;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.discovery.dns.DnsDiscovery;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.SortedMap;

/**
 * DNS, as Go rpcx's {@code DNSDiscovery} reads it, through {@link DnsDiscovery}: {@code
 * dns://name:port} lists the name's A and AAAA records as nodes on that port; {@code dns://name}
 * without a port lists its SRV records ({@code dns://_rpcx._tcp.arith.default.svc.cluster.local}),
 * each with its own port and weight; {@code ?server=ip:port[,ip:port]} asks those name servers
 * instead of the system's. DNS has no base path nor service names: the one "service" listed is the
 * name itself.
 */
final class DnsRegistry implements Registry {
  private final DnsDiscovery.Builder settings;

  DnsRegistry(String url, Duration timeout) {
    // One lookup is made; the refresh interval never comes.
    settings =
        DnsDiscovery.builder()
            .address(url)
            .queryTimeout(timeout)
            .refreshInterval(Duration.ofHours(1));
  }

  @Override
  public ServiceTable list(String basePath) {
    try (DnsDiscovery d = settings.build()) {
      Throwable error = d.lastError();
      // An outage (no answer, SERVFAIL) is unreachable; "no such records" is an answer.
      if (error != null && !(error instanceof UnknownHostException)) {
        throw Registry.unreachable("the name servers for " + d.domain(), null, error);
      }
      ServiceTable table = new ServiceTable();
      table.addService(d.domain());
      for (KVPair node : d.services()) {
        table.addNode(d.domain(), node.key(), node.value());
      }
      return table;
    }
  }

  /** The nodes of the name (or Service), whatever the service: they serve what they serve. */
  @Override
  public SortedMap<String, String> nodes(String basePath, String service) {
    ServiceTable table = list(basePath);
    return table.services().values().iterator().next();
  }

  @Override
  public void close() {}
}
