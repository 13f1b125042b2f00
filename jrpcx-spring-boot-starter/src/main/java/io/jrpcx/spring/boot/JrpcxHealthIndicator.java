package io.jrpcx.spring.boot;

import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.AbstractRegisterPlugin;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code jrpcx} health component. UP when the server (if any) listens and every client has at
 * least one node to call; DOWN otherwise. Details: the server's address, its services and what
 * its register plugin has registered; per client its service, the number of nodes it may call and
 * the registry's last read error, if any.
 */
public final class JrpcxHealthIndicator implements HealthIndicator {
  private final RpcxServerLifecycle server;
  private final AbstractRegisterPlugin registry;
  private final RpcxClients clients;

  /**
   * A health indicator of {@code server} (may be null), its register plugin {@code registry} (may
   * be null) and {@code clients} (may be null).
   */
  public JrpcxHealthIndicator(
      RpcxServerLifecycle server, AbstractRegisterPlugin registry, RpcxClients clients) {
    this.server = server;
    this.registry = registry;
    this.clients = clients;
  }

  @Override
  public Health health() {
    boolean up = true;
    Health.Builder health = Health.unknown();
    if (server != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      String address = server.listeningAddress();
      s.put("listening", address != null);
      if (address != null) {
        s.put("address", address);
      }
      s.put("services", server.server().services());
      if (registry != null) {
        s.put("registered", registry.services().keySet());
        s.put("basePath", registry.basePath());
      }
      up &= address != null;
      health.withDetail("server", s);
    }
    if (clients != null) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (String name : clients.names()) {
        Map<String, Object> c = new LinkedHashMap<>();
        int nodes = clients.client(name).servers().size();
        c.put("service", clients.service(name));
        c.put("nodes", nodes);
        ServiceDiscovery discovery = clients.discovery(name);
        Throwable error = discovery.lastError();
        if (error != null) {
          c.put("registryError", String.valueOf(error.getMessage()));
        }
        up &= nodes > 0;
        all.put(name, c);
      }
      health.withDetail("clients", all);
    }
    return (up ? health.up() : health.down()).build();
  }
}
