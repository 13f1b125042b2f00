package io.jrpcx.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * The jrpcx console: a web page, served from this jar, to see the services and nodes registered
 * under a base path of an rpcx registry as it changes, switch a node inactive or active and change
 * its weight (written into the registry entry as rpcx-ui writes it, so Go and Java clients obey),
 * try a call, and follow each node's traffic (heartbeat latency probed by the console, call rates
 * published by the servers). See {@code docs/console.md}.
 *
 * <pre>{@code
 * Console console = Console.builder()
 *     .registry("etcd://127.0.0.1:2379")
 *     .basePath("/rpcx_test")
 *     .listen("127.0.0.1", 8080)
 *     .start();
 * System.out.println("open http://" + console.address().getHostString() + ":" + console.address().getPort());
 * console.close();
 * }</pre>
 *
 * <p>Access: bound to loopback by default. With {@link Builder#token} every page and API needs the
 * token, as {@code Authorization: Bearer <token>} or through the page's login form (a cookie).
 * Without a token, a console listening beyond loopback shows everything but refuses to steer
 * (403), since anyone who reaches it could switch nodes off.
 *
 * <p>Registries: {@code etcd://}, {@code zookeeper://}, {@code consul://} and {@code redis://}.
 * etcd is watched; the others are re-read every {@link Builder#refreshInterval} (1 s).
 */
public final class Console implements AutoCloseable {
  private final ConsoleServer server;

  private Console(ConsoleServer server) {
    this.server = server;
  }

  /** A builder with the defaults: base path {@code /rpcx_test}, {@code 127.0.0.1:8080}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address the console listens on, with the port it got when asked for port 0. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Stops serving, ends the pages' event streams and closes the registry client. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  /** What the console reads, where it listens and who may use it. Not thread-safe. */
  public static final class Builder {
    private String registry;
    private String basePath = "/rpcx_test";
    private String host = "127.0.0.1";
    private int port = 8080;
    private String token;
    private Duration registryTimeout = Duration.ofSeconds(5);
    private Duration refreshInterval = Duration.ofSeconds(1);
    private Duration probeInterval = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * The registry: {@code etcd://h:p[,h:p]}, {@code zookeeper://h:p[,h:p]},
     * {@code consul://h:p} or {@code redis://[:password@]h:p[/db]}. Required.
     */
    public Builder registry(String url) {
      this.registry = Objects.requireNonNull(url, "url");
      return this;
    }

    /** The servers' base path, spelled as they spell it; default {@code /rpcx_test}. */
    public Builder basePath(String basePath) {
      this.basePath = Objects.requireNonNull(basePath, "basePath");
      return this;
    }

    /** Where to listen; default {@code 127.0.0.1:8080}; port 0 takes a free port. */
    public Builder listen(String host, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not 0 to 65535");
      }
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /**
     * The access token every page and API then needs; null (the default) for none. A console
     * without a token refuses to steer when it listens beyond loopback.
     */
    public Builder token(String token) {
      if (token != null && token.isBlank()) {
        throw new IllegalArgumentException("the token must not be blank");
      }
      this.token = token;
      return this;
    }

    /** How long a registry read or write may take; default 5 s. */
    public Builder registryTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("registryTimeout must be positive");
      }
      this.registryTimeout = timeout;
      return this;
    }

    /**
     * How often the registry is re-read when its client cannot watch (and, for etcd, as a safety
     * net under the watch); default and least 1 s, so the console never hammers a registry.
     */
    public Builder refreshInterval(Duration interval) {
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("refreshInterval must be at least 1s");
      }
      this.refreshInterval = interval;
      return this;
    }

    /**
     * How often each node is probed with an rpcx heartbeat for the live traffic charts; default
     * 2 s, at least 100 ms.
     */
    public Builder probeInterval(Duration interval) {
      if (interval.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException("probeInterval must be at least 100ms");
      }
      this.probeInterval = interval;
      return this;
    }

    /**
     * Connects to the registry, reads it once and starts serving.
     *
     * @throws IllegalArgumentException when the registry URL is malformed or of a kind the console
     *     cannot read
     * @throws UncheckedIOException when the address cannot be bound
     */
    public Console start() {
      if (registry == null) {
        throw new IllegalStateException("registry(url) is required");
      }
      InetAddress bind;
      try {
        bind = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("unknown host '" + host + "'", e);
      }
      RegistryStore store = RegistryStore.open(registry, basePath, registryTimeout);
      try {
        return new Console(
            ConsoleServer.start(
                new InetSocketAddress(bind, port),
                store,
                registry,
                basePath,
                token,
                refreshInterval,
                probeInterval));
      } catch (IOException e) {
        store.close();
        throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    }
  }
}
