package io.jrpcx.spring.boot;

import io.jrpcx.opentelemetry.OpenTelemetryClientTracing;
import io.jrpcx.opentelemetry.OpenTelemetryServerTracing;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * OpenTelemetry spans of the jrpcx server and clients, with the W3C trace context in request
 * metadata, when {@code jrpcx-opentelemetry} is on the class path and the application has an
 * {@link OpenTelemetry} bean.
 */
@AutoConfiguration(
    before = JrpcxAutoConfiguration.class,
    afterName =
        "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration")
@ConditionalOnClass({OpenTelemetryServerTracing.class, OpenTelemetry.class})
@ConditionalOnBean(OpenTelemetry.class)
public class JrpcxTracingAutoConfiguration {
  /** Made by Spring. */
  public JrpcxTracingAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "jrpcx.server", name = "address")
  OpenTelemetryServerTracing jrpcxServerTracing(OpenTelemetry openTelemetry) {
    return OpenTelemetryServerTracing.builder(openTelemetry).build();
  }

  @Bean
  @ConditionalOnMissingBean
  @Conditional(JrpcxAutoConfiguration.OnClients.class)
  OpenTelemetryClientTracing jrpcxClientTracing(OpenTelemetry openTelemetry) {
    return OpenTelemetryClientTracing.builder(openTelemetry).build();
  }
}
