package io.jrpcx.cli;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.discovery.kubernetes.KubernetesDiscovery;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A Kubernetes Service's EndpointSlices, read by {@link KubernetesDiscovery}: {@code
 * k8s://namespace/service[:port]} lists the ready endpoints of the Service on that port (a port
 * name or the pods' port number; left out for a Service with one port), with the metadata of its
 * {@code rpcx.io/*} annotations. The API server and credentials are found as kubectl finds them
 * (in-cluster service account, {@code ~/.kube/config}); {@code ?server=URL} names an API server
 * reached without credentials instead, e.g. {@code kubectl proxy}'s {@code
 * http://127.0.0.1:8001}. Kubernetes has no base path: the one "service" listed is {@code
 * namespace/service}.
 */
final class KubernetesRegistry implements Registry {
  private final String url;
  private final KubernetesDiscovery.Builder settings;
  private final String name;

  KubernetesRegistry(String url, Duration timeout) {
    this.url = url;
    String rest = url.substring(url.indexOf("://") + 3);
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    rest = Registry.trimSlashes(rest);
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
      throw usage("expected k8s://namespace/service[:port]");
    }
    String namespace = rest.substring(0, slash);
    String service = rest.substring(slash + 1);
    String port = null;
    int colon = service.indexOf(':');
    if (colon >= 0) {
      port = service.substring(colon + 1);
      service = service.substring(0, colon);
      if (port.isEmpty() || service.isEmpty()) {
        throw usage("expected k8s://namespace/service[:port]");
      }
    }
    this.name = namespace + "/" + service;
    settings =
        KubernetesDiscovery.builder().namespace(namespace).service(service).requestTimeout(timeout);
    if (port != null) {
      settings.port(port);
    }
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("server=")) {
          settings.masterUrl(
              URLDecoder.decode(pair.substring("server=".length()), StandardCharsets.UTF_8));
        } else if (!pair.isEmpty()) {
          throw usage("unknown option '" + pair + "'; the one option is server=URL");
        }
      }
    }
  }

  private CliException usage(String why) {
    return new CliException(ExitCodes.USAGE, "registry '" + url + "': " + why);
  }

  @Override
  public ServiceTable list(String basePath) {
    try (KubernetesDiscovery d = settings.build()) {
      Throwable error = d.lastError();
      if (error != null) {
        // fabric8 says which request failed; the root cause says why (refused, timed out, 403).
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        String why = root == error ? error.getMessage() : error.getMessage() + " (" + root + ")";
        throw Registry.unreachable(
            "the Kubernetes API server for " + name, null, new IOException(why, error));
      }
      ServiceTable table = new ServiceTable();
      table.addService(name);
      for (KVPair node : d.services()) {
        table.addNode(name, node.key(), node.value());
      }
      return table;
    }
  }

  @Override
  public void close() {}
}
