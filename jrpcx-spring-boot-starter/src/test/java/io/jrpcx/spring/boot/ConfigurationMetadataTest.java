package io.jrpcx.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The configuration processor wrote the starter's metadata, so IDEs complete and document the
 * {@code jrpcx.*} keys.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigurationMetadataTest {

  @Test
  void theMetadataListsEveryServerAndRegistryKeyWithItsDefault() throws Exception {
    Map<String, JsonNode> properties = new HashMap<>();
    for (URL url :
        Collections.list(
            getClass()
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        for (JsonNode p : new ObjectMapper().readTree(in).path("properties")) {
          if (p.path("name").asText().startsWith("jrpcx.")) {
            properties.put(p.path("name").asText(), p);
          }
        }
      }
    }
    assertThat(properties)
        .containsOnlyKeys(
            "jrpcx.server.address",
            "jrpcx.server.network",
            "jrpcx.server.tls.cert",
            "jrpcx.server.tls.key",
            "jrpcx.server.tls.ca",
            "jrpcx.server.tls.client-auth",
            "jrpcx.registry.type",
            "jrpcx.registry.address",
            "jrpcx.registry.base-path",
            "jrpcx.clients");
    assertThat(properties.get("jrpcx.server.network").path("defaultValue").asText())
        .isEqualTo("tcp");
    assertThat(properties.get("jrpcx.registry.base-path").path("defaultValue").asText())
        .isEqualTo("/rpcx_test");
    List<String> undocumented = new ArrayList<>();
    properties.forEach(
        (name, p) -> {
          if (p.path("description").asText().isBlank()) {
            undocumented.add(name);
          }
        });
    assertThat(undocumented).isEmpty();
  }
}
