package io.jrpcx.console;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.Registries;
import io.jrpcx.registry.mdns.MdnsDiscovery;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * mDNS, read only: every service the servers on the link announce, from a browsing {@link
 * MdnsDiscovery} (re-read on the console's timer from the cache the browse keeps). Nothing can be
 * steered: each server announces its own entries and would announce them again over any edit, so
 * the page says so and the steering API refuses.
 */
final class MdnsStore implements RegistryStore {
  static final String READ_ONLY =
      "mDNS entries are announced by the servers themselves: they can be seen here, not steered";

  private final String url;
  private final MdnsDiscovery discovery;

  MdnsStore(String url) {
    this.url = url;
    // The base path means nothing to mDNS; the template browses once asked for every service.
    this.discovery = (MdnsDiscovery) Registries.template(url, "");
  }

  @Override
  public String describe() {
    return "mDNS (" + url + ")";
  }

  @Override
  public SortedMap<String, SortedMap<String, String>> read() {
    SortedMap<String, SortedMap<String, String>> out = new TreeMap<>();
    for (Map.Entry<String, List<KVPair>> s : discovery.everyService().entrySet()) {
      SortedMap<String, String> nodes = new TreeMap<>();
      for (KVPair node : s.getValue()) {
        nodes.put(node.key(), node.value());
      }
      out.put(s.getKey(), nodes);
    }
    return out;
  }

  @Override
  public String readOnly() {
    return READ_ONLY;
  }

  @Override
  public void close() {
    discovery.close();
  }
}
