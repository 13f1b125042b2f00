package io.jrpcx.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's Kubernetes API server stand-in in CRUD mode, on loopback: a real HTTP server that
 * stores the objects written to it, answers lists with label selectors and streams watch events.
 * It can be stopped and started again on the same port, empty, as a restarted API server whose
 * objects the test then writes again. The helpers make the objects a Service needs: the Service,
 * its Pods and its EndpointSlice.
 */
public final class KubernetesApiServer implements AutoCloseable {
  // The stand-in logs every request through java.util.logging at INFO; held here because JUL
  // keeps its loggers only weakly, and a collected logger would forget the level.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private KubernetesMockServer server;
  private NamespacedKubernetesClient client;
  private int port;

  /** Starts on a free loopback port. */
  public KubernetesApiServer() {
    start(0);
  }

  private void start(int onPort) {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), onPort);
    port = server.getPort();
    client = server.createClient();
  }

  /** The API server's URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
  }

  /** A client of the current server, for the test to write objects with. */
  public NamespacedKubernetesClient client() {
    return client;
  }

  /** Stops the server: connections drop, and nothing answers on the port. */
  public void stop() {
    client.close();
    server.destroy();
  }

  /** Starts a new, empty server on the same port. */
  public void startAgain() {
    start(port);
  }

  @Override
  public void close() {
    stop();
  }

  /** Creates or replaces {@code resource}. */
  public void apply(Service s) {
    client.services().resource(s).createOr(r -> r.update());
  }

  public void apply(Pod p) {
    client.pods().resource(p).createOr(r -> r.update());
  }

  public void apply(EndpointSlice s) {
    client.discovery().v1().endpointSlices().resource(s).createOr(r -> r.update());
  }

  /** A Service selecting pods labelled {@code app=<name>}, with annotations and named ports. */
  public static Service service(
      String namespace, String name, Map<String, String> annotations, Map<String, Integer> ports) {
    return service(namespace, name, name, annotations, ports);
  }

  /** A Service selecting pods labelled {@code app=<app>}. */
  public static Service service(
      String namespace,
      String name,
      String app,
      Map<String, String> annotations,
      Map<String, Integer> ports) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withNamespace(namespace)
                    .withName(name)
                    .withAnnotations(new LinkedHashMap<>(annotations))
                    .build())
            .withNewSpec()
            .withClusterIP("None")
            .withSelector(Map.of("app", app))
            .endSpec();
    ports.forEach(
        (portName, number) ->
            b.editSpec().addNewPort().withName(portName).withPort(number).endPort().endSpec());
    return b.build();
  }

  /** A Pod of the Service {@code app}, with annotations. */
  public static Pod pod(
      String namespace, String app, String name, Map<String, String> annotations) {
    return new PodBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(Map.of("app", app))
                .withAnnotations(new LinkedHashMap<>(annotations))
                .build())
        .build();
  }

  /** One endpoint: its address, the Pod behind it, and its conditions (null: unset). */
  public static Endpoint endpoint(String address, String pod, Boolean ready, Boolean terminating) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .withServing(ready)
        .withTerminating(terminating)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withName(pod)
        .withNamespace(null)
        .endTargetRef()
        .build();
  }

  /** The EndpointSlice {@code name} of Service {@code service}, with ports and endpoints. */
  public static EndpointSlice slice(
      String namespace,
      String service,
      String name,
      String addressType,
      Map<String, Integer> ports,
      List<Endpoint> endpoints) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withNamespace(namespace)
                    .withName(name)
                    .withLabels(Map.of("kubernetes.io/service-name", service))
                    .build())
            .withAddressType(addressType)
            .withEndpoints(endpoints);
    ports.forEach(
        (portName, number) -> b.addNewPort().withName(portName).withPort(number).endPort());
    return b.build();
  }
}
