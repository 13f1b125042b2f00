package io.jrpcx.cli;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.discovery.dns.DnsDiscovery;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS, as Go rpcx's {@code DNSDiscovery} reads it: {@code dns://name:port} lists the name's A and
 * AAAA records as nodes on that port; {@code dns://name} without a port lists its SRV records
 * ({@code dns://_rpcx._tcp.arith.default.svc.cluster.local}), each with its own port and weight.
 * {@code ?server=ip:port[,ip:port]} asks those name servers instead of the system's. DNS has no
 * base path nor service names: the one "service" listed is the name itself.
 */
final class DnsRegistry implements Registry {
  private final String url;
  private final DnsDiscovery.Builder settings;

  DnsRegistry(String url, Duration timeout) {
    this.url = url;
    // Parsed by hand: java.net.URI refuses the underscores of SRV names (_rpcx._tcp...).
    String rest = url.substring(url.indexOf("://") + 3);
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    rest = Registry.trimSlashes(rest);
    String name = rest;
    int port = -1;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      name = rest.substring(0, colon);
      try {
        port = Integer.parseInt(rest.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = 0;
      }
      if (port < 1 || port > 65535) {
        throw usage("has no valid port; expected dns://name:port or dns://_rpcx._tcp.name");
      }
    }
    if (name.isEmpty() || name.contains("/") || name.contains(":")) {
      throw usage("names no DNS name; expected dns://name:port or dns://_rpcx._tcp.name");
    }
    // Only a lookup per refresh interval matters here, and there is one lookup.
    settings =
        DnsDiscovery.builder()
            .domain(name)
            .queryTimeout(timeout)
            .refreshInterval(Duration.ofHours(1));
    if (port > 0) {
      settings.port(port);
    } else {
      settings.srv(true);
    }
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("server=")) {
          settings.nameServers(nameServers(pair.substring("server=".length())));
        } else if (!pair.isEmpty()) {
          throw usage("unknown option '" + pair + "'; the one option is server=ip:port[,ip:port]");
        }
      }
    }
  }

  private InetSocketAddress[] nameServers(String list) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String s : list.split(",")) {
      int colon = s.lastIndexOf(':');
      String host = colon < 0 ? s : s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = colon < 0 ? 53 : Integer.parseInt(s.substring(colon + 1));
        // The name server must be an IP address: resolving it would need a name server.
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
          throw usage("name server '" + s + "' is not an IP address");
        }
        out.add(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (NumberFormatException | UnknownHostException e) {
        throw usage("name server '" + s + "' is not ip:port");
      }
    }
    return out.toArray(InetSocketAddress[]::new);
  }

  private CliException usage(String why) {
    return new CliException(ExitCodes.USAGE, "registry '" + url + "' " + why);
  }

  @Override
  public ServiceTable list(String basePath) {
    try (DnsDiscovery d = settings.build()) {
      Throwable error = d.lastError();
      ServiceTable table = new ServiceTable();
      // An outage (no answer, SERVFAIL) is unreachable; "no such records" is an answer.
      if (error != null && !(error instanceof UnknownHostException)) {
        throw Registry.unreachable("the name servers for " + d.domain(), null, error);
      }
      table.addService(d.domain());
      for (KVPair node : d.services()) {
        table.addNode(d.domain(), node.key(), node.value());
      }
      return table;
    }
  }

  @Override
  public void close() {}
}
