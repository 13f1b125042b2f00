package io.jrpcx.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrpcx.client.discovery.KVPair;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** The JSON the page reads: the registry reading with each node's metadata taken apart. */
final class Views {
  static final ObjectMapper JSON = new ObjectMapper();

  private Views() {}

  static ObjectNode snapshot(
      RegistryView.Snapshot s, String registry, String basePath, String steering) {
    ObjectNode o = JSON.createObjectNode();
    o.put("version", s.version());
    o.put("registry", registry);
    o.put("basePath", basePath);
    o.put("error", s.error());
    // null when steering is allowed, else why not
    o.put("steeringRefused", steering);
    ArrayNode services = o.putArray("services");
    for (Map.Entry<String, SortedMap<String, String>> e : s.services().entrySet()) {
      ObjectNode service = services.addObject();
      service.put("name", e.getKey());
      ArrayNode nodes = service.putArray("nodes");
      for (Map.Entry<String, String> n : e.getValue().entrySet()) {
        nodes.add(node(new KVPair(n.getKey(), n.getValue())));
      }
    }
    return o;
  }

  /**
   * One node as rpcx clients read it: {@code state=inactive} skips it, {@code weight} defaults to
   * 1, a node may be in several groups, and {@code calls}/{@code connections} are the mean rates
   * per second the register plugins publish.
   */
  static ObjectNode node(KVPair node) {
    ObjectNode o = JSON.createObjectNode();
    o.put("key", node.key());
    o.put("network", node.network());
    o.put("address", node.address());
    o.put("metadata", node.value());
    o.put("active", !"inactive".equals(node.metadata("state")));
    o.put("state", node.metadata("state"));
    String weight = node.metadata("weight");
    o.put("weight", weight == null ? "1" : weight);
    o.put("weightSet", weight != null);
    ArrayNode groups = o.putArray("groups");
    for (String g : node.metadata().getOrDefault("group", List.of())) {
      groups.add(g);
    }
    o.put("latitude", node.metadata("latitude"));
    o.put("longitude", node.metadata("longitude"));
    o.put("calls", node.metadata("calls"));
    o.put("connections", node.metadata("connections"));
    return o;
  }
}
