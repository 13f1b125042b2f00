package io.jrpcx.cli;

import java.io.PrintWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jrpcx list}: the services in a registry, their nodes and the nodes' metadata. */
@Command(
    name = "list",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Jrpcx.Version.class,
    description = "List the services registered under a base path, their nodes and metadata.",
    footer = {
      "",
      "Examples:",
      "  jrpcx list --registry zookeeper://127.0.0.1:2181 --base-path /rpcx_test",
      "  jrpcx list --registry dns://arith.default.svc.cluster.local:8972",
      "  jrpcx list --registry k8s://default/arith:rpcx%n"
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--registry",
      required = true,
      paramLabel = "URL",
      description =
          "zookeeper://host:port[,host:port...], etcd://host:port[,...], "
              + "consul://host:port, redis://[:password@]host:port[/db], "
              + "mdns://[interface address], "
              + "dns://name:port[?server=ip:port] (A/AAAA; without :port, SRV) or "
              + "k8s://namespace/service[:port][?server=URL] (EndpointSlices)")
  String registry;

  @Option(
      names = {"--base-path", "--base"},
      defaultValue = "/rpcx_test",
      paramLabel = "PATH",
      description = "the servers' base path (default: ${DEFAULT-VALUE})")
  String basePath;

  @Option(names = "--service", paramLabel = "NAME", description = "list only this service")
  String service;

  @Option(
      names = "--timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "give up on an unreachable registry after this long (default: " + "${DEFAULT-VALUE})")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    DurationConverter.requirePositive(timeout, "--timeout");
    ServiceTable table;
    try (Registry r = Registry.open(registry, timeout)) {
      table = r.list(basePath);
    }
    PrintWriter out = spec.commandLine().getOut();
    int shown = 0;
    for (Map.Entry<String, SortedMap<String, String>> s : table.services().entrySet()) {
      if (service != null && !service.equals(s.getKey())) {
        continue;
      }
      shown++;
      out.println(s.getKey());
      if (s.getValue().isEmpty()) {
        out.println("  (no nodes)");
      }
      for (Map.Entry<String, String> node : s.getValue().entrySet()) {
        StringBuilder line = new StringBuilder("  ").append(node.getKey());
        for (String pair : metadata(node.getValue())) {
          line.append("  ").append(pair);
        }
        out.println(line);
      }
    }
    if (shown == 0) {
      spec.commandLine()
          .getErr()
          .println(
              service == null
                  ? "no services under " + basePath + " in " + registry
                  : "no service " + service + " under " + basePath + " in " + registry);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * rpcx metadata ({@code weight=10&group=g1}, a URL query) as decoded {@code key=value} pairs,
   * in the order written; a pair that does not decode is shown as it is.
   */
  static List<String> metadata(String query) {
    List<String> pairs = new ArrayList<>();
    for (String pair : query.split("[&;]")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        pairs.add(
            eq < 0
                ? decode(pair)
                : decode(pair.substring(0, eq)) + "=" + decode(pair.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
