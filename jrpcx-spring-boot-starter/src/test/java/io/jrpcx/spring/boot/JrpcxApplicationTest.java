package io.jrpcx.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.client.XClient;
import io.jrpcx.server.Server;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole application, as a user writes it: it serves Arith with {@code @RpcxService} and calls
 * itself through {@code @RpcxClient} proxies injected into a field, a constructor and a {@code
 * @Bean} method, over a real socket.
 */
@SpringBootTest(classes = JrpcxApplicationTest.App.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JrpcxApplicationTest {
  static final int PORT = freePort();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("jrpcx.server.address", () -> "127.0.0.1:" + PORT);
    registry.add("jrpcx.clients.arith.service", () -> "Arith");
    registry.add("jrpcx.clients.arith.discovery", () -> "127.0.0.1:" + PORT);
    registry.add("jrpcx.clients.arith.timeout", () -> "5s");
  }

  @Configuration
  @EnableAutoConfiguration
  @Import({ArithService.class, FieldUser.class, ConstructorUser.class})
  static class App {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    BeanMethodUser beanMethodUser(@RpcxClient("arith") ArithApi arith) {
      return new BeanMethodUser(arith);
    }
  }

  static class FieldUser {
    @RpcxClient("arith")
    ArithApi arith;

    @RpcxClient("arith")
    XClient client;
  }

  static class ConstructorUser {
    final ArithApi arith;

    ConstructorUser(@RpcxClient("arith") ArithApi arith) {
      this.arith = arith;
    }
  }

  record BeanMethodUser(ArithApi arith) {}

  @Autowired FieldUser fieldUser;
  @Autowired ConstructorUser constructorUser;
  @Autowired BeanMethodUser beanMethodUser;
  @Autowired Server server;
  @Autowired RpcxClients clients;
  @Autowired MeterRegistry meters;
  @Autowired JrpcxHealthIndicator health;

  @Test
  void proxiesAreInjectedIntoFieldsConstructorsAndBeanMethods() throws Exception {
    assertThat(fieldUser.arith.mul(new Args(10, 20)).C).isEqualTo(200);
    assertThat(constructorUser.arith.mul(new Args(3, 4)).C).isEqualTo(12);
    assertThat(beanMethodUser.arith().mulAsync(new Args(5, 6)).get(10, TimeUnit.SECONDS).C)
        .isEqualTo(30);
    assertThat(fieldUser.client).isSameAs(clients.client("arith"));
    assertThat(fieldUser.arith).isSameAs(constructorUser.arith);
    assertThat(
            fieldUser.client.call(io.jrpcx.Context.background(), "Mul", new Args(7, 8), Reply.class)
                .C)
        .isEqualTo(56);
  }

  @Test
  void theServerServesTheAnnotatedBeanWithItsMetadata() {
    assertThat(server.address()).isEqualTo("127.0.0.1:" + PORT);
    assertThat(server.services()).containsExactly("Arith");
    assertThat(server.metadata("Arith")).isEqualTo("weight=10&group=g1");
  }

  @Test
  void callsAreMeteredOnBothSidesAndHealthIsUp() {
    fieldUser.arith.mul(new Args(1, 2));
    assertThat(meters.find("rpcx.server.calls").tag("service", "Arith").timer()).isNotNull();
    assertThat(meters.find("rpcx.client.calls").tag("service", "Arith").timer()).isNotNull();
    var h = health.health();
    assertThat(h.getStatus().getCode()).isEqualTo("UP");
    assertThat(h.getDetails()).containsKeys("server", "clients");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> c =
        (Map<String, Map<String, Object>>) h.getDetails().get("clients");
    assertThat(c.get("arith")).containsEntry("nodes", 1).containsEntry("service", "Arith");
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
