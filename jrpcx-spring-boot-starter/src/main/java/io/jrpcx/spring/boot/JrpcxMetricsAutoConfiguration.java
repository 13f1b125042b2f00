package io.jrpcx.spring.boot;

import io.jrpcx.micrometer.MicrometerClientMetrics;
import io.jrpcx.micrometer.MicrometerServerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Micrometer metrics of the jrpcx server and clients ({@code rpcx.server.*}, {@code
 * rpcx.client.*}), when {@code jrpcx-micrometer} is on the class path and the application has a
 * {@link MeterRegistry} bean (the actuator makes one). The plugins are beans, which the server and
 * the clients take up as they take up every plugin bean.
 */
@AutoConfiguration(
    before = JrpcxAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass({MicrometerServerMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
public class JrpcxMetricsAutoConfiguration {
  /** Made by Spring. */
  public JrpcxMetricsAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "jrpcx.server", name = "address")
  MicrometerServerMetrics jrpcxServerMetrics(MeterRegistry registry) {
    return MicrometerServerMetrics.builder(registry).build();
  }

  @Bean
  @ConditionalOnMissingBean
  @Conditional(JrpcxAutoConfiguration.OnClients.class)
  MicrometerClientMetrics jrpcxClientMetrics(MeterRegistry registry) {
    return MicrometerClientMetrics.builder(registry).build();
  }
}
