package io.jrpcx.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.consul.ConsulRegisterPlugin;
import io.jrpcx.registry.consul.ConsulStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The console's Consul reader and writer against jrpcx-registry-consul's Consul stand-in (no
 * Consul binary can be installed on the build machines): the leaf stays locked by its server's
 * session.
 */
class ConsulStoreTest extends RegistryStoreContract {
  private ConsulStandIn consul;

  @BeforeEach
  void startConsul() throws Exception {
    consul = ConsulStandIn.start();
  }

  @AfterEach
  void stopConsul() {
    consul.close();
  }

  @Override
  String registryUrl() {
    return "consul://" + consul.address();
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    ConsulRegisterPlugin p =
        ConsulRegisterPlugin.builder()
            .consulAddress(consul.address())
            .serviceAddress(serviceAddress)
            .basePath(basePath)
            .build();
    p.start();
    return p;
  }

  @Override
  String tie(String service, String node) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://"
                                + consul.address()
                                + "/v1/kv"
                                + BASE
                                + "/"
                                + service
                                + "/"
                                + node))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode entry = Views.JSON.readTree(r.body()).get(0);
    String session = entry.path("Session").asText("");
    return session.isEmpty() ? "none" : "session " + session + " flags " + entry.path("Flags");
  }
}
