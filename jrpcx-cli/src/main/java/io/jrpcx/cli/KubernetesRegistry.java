package io.jrpcx.cli;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.discovery.kubernetes.KubernetesDiscovery;
import java.io.IOException;
import java.time.Duration;
import java.util.SortedMap;

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
  private final KubernetesDiscovery.Builder settings;

  KubernetesRegistry(String url, Duration timeout) {
    settings = KubernetesDiscovery.builder().address(url).requestTimeout(timeout);
  }

  @Override
  public ServiceTable list(String basePath) {
    try (KubernetesDiscovery d = settings.build()) {
      String name = d.namespace() + "/" + d.service();
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

  /** The nodes of the name (or Service), whatever the service: they serve what they serve. */
  @Override
  public SortedMap<String, String> nodes(String basePath, String service) {
    ServiceTable table = list(basePath);
    return table.services().values().iterator().next();
  }

  @Override
  public void close() {}
}
