package io.jrpcx.spring.boot;

import io.jrpcx.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ClassUtils;

/**
 * Starts the jrpcx {@link Server} once every bean exists, and stops it gracefully when the
 * context closes.
 *
 * <p><b>Start:</b> registers every {@link RpcxService} bean, then listens; a register plugin
 * writes the services to the registry once the server listens, so clients are sent here only
 * when it can answer. <b>Stop:</b> {@link Server#shutdown(Duration)}, which removes the services
 * from the registry first, then stops reading requests and waits for the calls in flight, up to
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. It runs in the same phase as the web
 * server's graceful shutdown and on a thread of its own, so both drain at once.
 */
public final class RpcxServerLifecycle implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(RpcxServerLifecycle.class);

  /** The phase of Spring Boot's graceful web server shutdown: both stop together, early. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private final Server server;
  private final String network;
  private final String address;
  private final Duration shutdownTimeout;
  private final ApplicationContext context;
  private volatile boolean running;

  RpcxServerLifecycle(
      Server server,
      String network,
      String address,
      Duration shutdownTimeout,
      ApplicationContext context) {
    this.server = server;
    this.network = network;
    this.address = address;
    this.shutdownTimeout = shutdownTimeout;
    this.context = context;
  }

  /** The {@link RpcxService} beans by service name, with their metadata. */
  static Map<String, Map.Entry<Object, String>> services(ApplicationContext context) {
    Map<String, Map.Entry<Object, String>> services = new LinkedHashMap<>();
    for (String beanName : context.getBeanNamesForAnnotation(RpcxService.class)) {
      RpcxService a = context.findAnnotationOnBean(beanName, RpcxService.class);
      Object bean = context.getBean(beanName);
      String name = a.name().isEmpty() ? ClassUtils.getUserClass(bean).getSimpleName() : a.name();
      Map.Entry<Object, String> previous = services.put(name, Map.entry(bean, metadata(a)));
      if (previous != null) {
        throw new IllegalStateException(
            "two @RpcxService beans are named '" + name + "'; give one another name");
      }
    }
    return services;
  }

  /** The metadata query string of {@code a}: weight, group, then its own metadata. */
  static String metadata(RpcxService a) {
    List<String> parts = new ArrayList<>();
    if (a.weight() > 0) {
      parts.add("weight=" + a.weight());
    }
    if (!a.group().isEmpty()) {
      parts.add("group=" + a.group());
    }
    if (!a.metadata().isEmpty()) {
      parts.add(a.metadata());
    }
    return String.join("&", parts);
  }

  @Override
  public void start() {
    Map<String, Map.Entry<Object, String>> services = services(context);
    for (Map.Entry<String, Map.Entry<Object, String>> s : services.entrySet()) {
      server.register(s.getKey(), s.getValue().getKey(), s.getValue().getValue());
    }
    server.start(network, address);
    running = true;
    log.info(
        "jrpcx server listening on {}@{}, serving {}",
        network,
        server.address(),
        services.keySet());
  }

  @Override
  public void stop(Runnable callback) {
    // Spring waits for the callback up to the phase timeout; draining on a thread of our own lets
    // the web server drain at the same time.
    Thread t =
        new Thread(
            () -> {
              try {
                stop();
              } finally {
                callback.run();
              }
            },
            "jrpcx-server-shutdown");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void stop() {
    if (!running) {
      return;
    }
    log.info(
        "jrpcx server on {}@{} shutting down: leaving the registry, then answering the calls in"
            + " flight (up to {})",
        network,
        server.address(),
        shutdownTimeout);
    boolean drained = server.shutdown(shutdownTimeout);
    running = false;
    if (drained) {
      log.info("jrpcx server stopped; every call in flight was answered");
    } else {
      log.warn("jrpcx server stopped after {} with calls still in flight", shutdownTimeout);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The server this lifecycle runs. */
  public Server server() {
    return server;
  }

  /** How long a stop waits for calls in flight. */
  Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Where the server listens, {@code network@host:port}; null before it started. */
  public String listeningAddress() {
    return running ? network + "@" + server.address() : null;
  }
}
