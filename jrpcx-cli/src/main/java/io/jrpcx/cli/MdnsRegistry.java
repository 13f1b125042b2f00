package io.jrpcx.cli;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.Registries;
import io.jrpcx.registry.mdns.MdnsDiscovery;
import java.util.List;
import java.util.Map;

/**
 * mDNS as rpcx's plugin announces it, through {@link MdnsDiscovery#everyService}: {@code mdns://}
 * browses the default interface, {@code mdns://<interface address>} that address's; every service
 * the servers on the link announce is listed, waiting at most the discovery's 5 s for a first
 * answer. mDNS has no base path.
 */
final class MdnsRegistry implements Registry {
  private final String url;

  MdnsRegistry(String url) {
    this.url = url;
  }

  @Override
  public ServiceTable list(String basePath) {
    ServiceTable table = new ServiceTable();
    try (MdnsDiscovery d = (MdnsDiscovery) Registries.template(url, "")) {
      for (Map.Entry<String, List<KVPair>> s : d.everyService().entrySet()) {
        table.addService(s.getKey());
        for (KVPair node : s.getValue()) {
          table.addNode(s.getKey(), node.key(), node.value());
        }
      }
    }
    return table;
  }

  @Override
  public void close() {}
}
