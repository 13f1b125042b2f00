package io.jrpcx.spring.boot;

import io.jrpcx.TlsConfig;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.Registries;
import io.jrpcx.server.Server;
import io.jrpcx.server.ServerPlugin;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The jrpcx server and clients as Spring beans, configured from {@code jrpcx.*} ({@link
 * JrpcxProperties}). Nothing is made unless configured:
 *
 * <ul>
 *   <li>{@code jrpcx.server.address} set: a {@link Server} bean ({@code jrpcxServer}) with every
 *       {@link ServerPlugin} bean as a plugin, and a {@link RpcxServerLifecycle} that registers
 *       the {@link RpcxService} beans, starts it once the context is refreshed and shuts it down
 *       gracefully; with {@code jrpcx.registry} also an {@link AbstractRegisterPlugin} for that
 *       registry.
 *   <li>{@code jrpcx.clients.<name>.*} set: {@link RpcxClients}, one {@code XClient} per name,
 *       each with every {@link ClientPlugin} bean, injected by {@link RpcxClient}.
 * </ul>
 *
 * <p>Each bean backs off when the application defines one of the same type. The context also
 * fails to start when Netty older than 4.2 is on the class path (Spring Boot 3.5 manages 4.1),
 * and when {@link RpcxService} beans exist but no server is configured.
 */
@AutoConfiguration
@ConditionalOnClass(Server.class)
@EnableConfigurationProperties(JrpcxProperties.class)
public class JrpcxAutoConfiguration {
  /** Spring Boot's default of {@code spring.lifecycle.timeout-per-shutdown-phase}. */
  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** Made by Spring. */
  public JrpcxAutoConfiguration() {}

  /** Checks Netty and lets {@link RpcxClient} inject fields and parameters. */
  @Bean
  static BeanFactoryPostProcessor jrpcxClientInjection() {
    return RpcxClientResolver.installer();
  }

  /** Fails the start when {@link RpcxService} beans have no server to serve them. */
  @Bean
  static SmartInitializingSingleton jrpcxServiceCheck(
      ApplicationContext context, ObjectProvider<RpcxServerLifecycle> lifecycle) {
    return () -> {
      String[] services = context.getBeanNamesForAnnotation(RpcxService.class);
      if (services.length > 0 && lifecycle.getIfAvailable() == null) {
        throw new IllegalStateException(
            "@RpcxService beans "
                + String.join(", ", services)
                + " have no jrpcx server to serve them: set jrpcx.server.address (host:port)");
      }
    };
  }

  /** A register plugin for {@code jrpcx.registry}, started; the server registers through it. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "jrpcx.server", name = "address")
  @Conditional(OnRegistry.class)
  AbstractRegisterPlugin jrpcxRegisterPlugin(JrpcxProperties properties) {
    AbstractRegisterPlugin plugin =
        Registries.registerPlugin(properties.registryUrl(), properties.basePath());
    plugin.start();
    return plugin;
  }

  /** The server, not started: {@link RpcxServerLifecycle} starts it. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "jrpcx.server", name = "address")
  Server jrpcxServer(JrpcxProperties properties, ObjectProvider<ServerPlugin> plugins) {
    Server.Builder builder = Server.builder();
    JrpcxProperties.Tls tls = properties.server().tls();
    if (tls != null) {
      TlsConfig config = tls.serverConfig();
      builder.tls(config);
    }
    plugins.orderedStream().forEach(builder::plugin);
    return builder.build();
  }

  /** Starts and stops the server with the context. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "jrpcx.server", name = "address")
  RpcxServerLifecycle jrpcxServerLifecycle(
      Server server,
      JrpcxProperties properties,
      ApplicationContext context,
      ObjectProvider<LifecycleProperties> lifecycle) {
    LifecycleProperties l = lifecycle.getIfAvailable();
    Duration timeout = l == null ? DEFAULT_SHUTDOWN_TIMEOUT : l.getTimeoutPerShutdownPhase();
    return new RpcxServerLifecycle(
        server,
        properties.server().network(),
        properties.server().address().trim(),
        timeout,
        context);
  }

  /** The clients of {@code jrpcx.clients}. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @Conditional(OnClients.class)
  RpcxClients jrpcxClients(JrpcxProperties properties, ObjectProvider<ClientPlugin> plugins) {
    return new RpcxClients(properties, plugins.orderedStream().toList());
  }

  /** Matches when any {@code jrpcx.clients.*} property is set. */
  static final class OnClients extends SpringBootCondition {
    private static final ConfigurationPropertyName CLIENTS =
        ConfigurationPropertyName.of("jrpcx.clients");

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata m) {
      for (ConfigurationPropertySource source :
          ConfigurationPropertySources.get(context.getEnvironment())) {
        if (source.containsDescendantOf(CLIENTS) == ConfigurationPropertyState.PRESENT) {
          return ConditionOutcome.match("jrpcx.clients is configured");
        }
      }
      return ConditionOutcome.noMatch("no jrpcx.clients property");
    }
  }

  /** Matches when {@code jrpcx.registry.address} or {@code jrpcx.registry.type} is set. */
  static final class OnRegistry extends AnyNestedCondition {
    OnRegistry() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty(prefix = "jrpcx.registry", name = "address")
    static final class Address {}

    @ConditionalOnProperty(prefix = "jrpcx.registry", name = "type")
    static final class Type {}
  }
}
