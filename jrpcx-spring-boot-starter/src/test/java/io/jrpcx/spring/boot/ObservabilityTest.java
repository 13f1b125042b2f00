package io.jrpcx.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.server.Server;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The tracing plugins reach the server and the clients: one call makes a client span and a server
 * span of the same trace. Also: {@link RpcxService} on a {@code @Bean} method.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObservabilityTest {

  /** A service class without the annotation: the {@code @Bean} method carries it. */
  public static class Echo {
    public Reply mul(Args args) {
      return new Reply(args.A * args.B);
    }
  }

  @Configuration
  static class EchoConfig {
    @Bean
    @RpcxService(name = "Echo", weight = 3)
    Echo echo() {
      return new Echo();
    }
  }

  @Test
  void aCallIsTracedOnBothSides() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    int port = JrpcxApplicationTest.freePort();
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                JrpcxAutoConfiguration.class, JrpcxTracingAutoConfiguration.class))
        .withUserConfiguration(EchoConfig.class)
        .withBean(OpenTelemetry.class, () -> otel)
        .withPropertyValues(
            "jrpcx.server.address=127.0.0.1:" + port,
            "jrpcx.clients.echo.service=Echo",
            "jrpcx.clients.echo.discovery=127.0.0.1:" + port)
        .run(
            context -> {
              assertThat(context.getBean(Server.class).metadata("Echo")).isEqualTo("weight=3");
              RpcxClients clients = context.getBean(RpcxClients.class);
              assertThat(clients.proxy("echo", ArithApi.class).mul(new Args(4, 5)).C).isEqualTo(20);
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> spans.getFinishedSpanItems().size() >= 2);
              SpanData client =
                  spans.getFinishedSpanItems().stream()
                      .filter(s -> s.getKind() == SpanKind.CLIENT)
                      .findFirst()
                      .orElseThrow();
              SpanData server =
                  spans.getFinishedSpanItems().stream()
                      .filter(s -> s.getKind() == SpanKind.SERVER)
                      .findFirst()
                      .orElseThrow();
              assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
              assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
            });
    otel.close();
  }
}
