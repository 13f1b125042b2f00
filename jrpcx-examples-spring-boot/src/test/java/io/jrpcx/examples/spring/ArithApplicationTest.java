package io.jrpcx.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.Context;
import io.jrpcx.client.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example as its README runs it: an rpcx client calls Arith, {@code /mul} answers through the
 * injected proxy, and the actuator's health has a {@code jrpcx} component.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArithApplicationTest {
  static final int RPCX_PORT = freePort();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("jrpcx.server.address", () -> "127.0.0.1:" + RPCX_PORT);
  }

  @LocalServerPort int httpPort;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anRpcxClientCallsArith() {
    try (Client client = new Client()) {
      client.connect("tcp", "127.0.0.1:" + RPCX_PORT);
      Reply reply =
          client.call(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class);
      assertThat(reply.C).isEqualTo(200);
    }
  }

  @Test
  void mulAndAddAnswerThroughTheInjectedProxy() throws Exception {
    HttpResponse<String> mul = get("/mul?a=10&b=20");
    assertThat(mul.statusCode()).isEqualTo(200);
    assertThat(mul.body()).isEqualTo("200");
    HttpResponse<String> add = get("/add?a=10&b=20");
    assertThat(add.statusCode()).isEqualTo(200);
    assertThat(add.body()).isEqualTo("30");
    // both ends of those calls were metered (jrpcx-micrometer is on the class path)
    assertThat(get("/actuator/metrics/rpcx.server.calls").statusCode()).isEqualTo(200);
    assertThat(get("/actuator/metrics/rpcx.client.calls").statusCode()).isEqualTo(200);
  }

  @Test
  void healthIsUpWithAJrpcxComponent() throws Exception {
    HttpResponse<String> response = get("/actuator/health");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = new ObjectMapper().readTree(response.body());
    assertThat(health.path("status").asText()).isEqualTo("UP");
    JsonNode jrpcx = health.path("components").path("jrpcx");
    assertThat(jrpcx.path("status").asText()).isEqualTo("UP");
    assertThat(jrpcx.path("details").path("server").path("address").asText())
        .isEqualTo("tcp@127.0.0.1:" + RPCX_PORT);
    assertThat(jrpcx.path("details").path("clients").path("arith").path("nodes").asInt())
        .isEqualTo(1);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
