package io.jrpcx.spring.boot;

import io.jrpcx.registry.AbstractRegisterPlugin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The {@code jrpcx} actuator health component ({@link JrpcxHealthIndicator}), when the actuator
 * is on the class path and a jrpcx server or clients are configured; {@code
 * management.health.jrpcx.enabled=false} turns it off.
 */
@AutoConfiguration(after = JrpcxAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnEnabledHealthIndicator("jrpcx")
@Conditional(JrpcxHealthAutoConfiguration.OnJrpcx.class)
public class JrpcxHealthAutoConfiguration {
  /** Made by Spring. */
  public JrpcxHealthAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean(name = "jrpcxHealthIndicator")
  JrpcxHealthIndicator jrpcxHealthIndicator(
      ObjectProvider<RpcxServerLifecycle> server,
      ObjectProvider<AbstractRegisterPlugin> registry,
      ObjectProvider<RpcxClients> clients) {
    return new JrpcxHealthIndicator(
        server.getIfUnique(), registry.getIfUnique(), clients.getIfUnique());
  }

  /** A server or clients. */
  static final class OnJrpcx extends AnyNestedCondition {
    OnJrpcx() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(RpcxServerLifecycle.class)
    static final class Server {}

    @ConditionalOnBean(RpcxClients.class)
    static final class Clients {}
  }
}
