package io.jrpcx.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.RpcException;
import io.jrpcx.server.Server;
import io.jrpcx.testing.TestCertificates;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code jrpcx.server.tls.*} and {@code jrpcx.clients.<name>.tls.*}: mutual TLS from properties. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsPropertiesTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.create(dir);
  }

  @Test
  void mutualTlsIsConfiguredByProperties() {
    int port = JrpcxApplicationTest.freePort();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(JrpcxAutoConfiguration.class))
        .withBean(ArithService.class)
        .withPropertyValues(
            "jrpcx.server.address=127.0.0.1:" + port,
            "jrpcx.server.tls.cert=" + certs.server.cert,
            "jrpcx.server.tls.key=" + certs.server.key,
            "jrpcx.server.tls.ca=" + certs.ca.cert,
            "jrpcx.server.tls.client-auth=require",
            "jrpcx.clients.trusted.service=Arith",
            "jrpcx.clients.trusted.discovery=127.0.0.1:" + port,
            "jrpcx.clients.trusted.tls.ca=" + certs.ca.cert,
            "jrpcx.clients.trusted.tls.cert=" + certs.client.cert,
            "jrpcx.clients.trusted.tls.key=" + certs.client.key,
            // trusts the server but presents no certificate of its own
            "jrpcx.clients.anonymous.service=Arith",
            "jrpcx.clients.anonymous.discovery=127.0.0.1:" + port,
            "jrpcx.clients.anonymous.fail-mode=failfast",
            "jrpcx.clients.anonymous.tls.ca=" + certs.ca.cert)
        .run(
            context -> {
              assertThat(context.getBean(Server.class).tls()).isNotNull();
              RpcxClients clients = context.getBean(RpcxClients.class);
              assertThat(clients.proxy("trusted", ArithApi.class).mul(new Args(10, 20)).C)
                  .isEqualTo(200);
              assertThatThrownBy(
                      () -> clients.proxy("anonymous", ArithApi.class).mul(new Args(1, 2)))
                  .isInstanceOf(RpcException.class);
            });
  }

  @Test
  void aCertificateWithoutItsKeyIsRefused() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(JrpcxAutoConfiguration.class))
        .withPropertyValues(
            "jrpcx.server.address=127.0.0.1:0", "jrpcx.server.tls.cert=" + certs.server.cert)
        .run(
            context -> {
              Throwable root = context.getStartupFailure();
              while (root.getCause() != null) {
                root = root.getCause();
              }
              assertThat(root)
                  .hasMessage("tls.cert and tls.key must be set together; only cert is set");
            });
  }
}
