package io.jrpcx.registry.redis;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.DiscoveryBuilder;
import io.jrpcx.registry.RegistryDiscovery;
import io.jrpcx.registry.SharedClient;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the servers of one service in Redis, in the layout Go rpcx's Redis registry writes (see
 * {@link RedisRegisterPlugin}): it lists the keys under {@code <basePath>/<servicePath>/} and
 * reports each as {@code network@address} with the metadata from its libkv envelope, sorted by
 * key.
 *
 * <p>Changes arrive through Redis keyspace notifications: on every connect the discovery runs
 * {@code CONFIG SET notify-keyspace-events KEA} (as libkv does, keeping any {@code m}/{@code n}
 * flags already set), subscribes to {@code __keyspace*:<prefix>*} and lists again; every
 * notification (set, del, expired) leads to a fresh list (bursts are coalesced), so metadata-only
 * changes such as {@code state=inactive} or a new {@code weight} are seen at once, and so is a
 * leaf that expired because its server died. If the connection drops (a Redis restart), the
 * discovery keeps its last list, reconnects after a jittered back-off (1 s doubling to 30 s), and on success
 * subscribes and lists again. Until the servers have re-registered, a restarted Redis reports no
 * nodes, and so does this discovery; wrap it in {@link
 * io.jrpcx.client.discovery.CachingDiscovery} to ride that out.
 *
 * <pre>{@code
 * RedisDiscovery d = RedisDiscovery.create("/rpcx_test", "Arith", "127.0.0.1:6379");
 * XClient x = XClient.create("Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d,
 *     ClientOptions.DEFAULT);
 * ...
 * x.close();
 * d.close();
 * }</pre>
 *
 * <p>A template ({@link #template}) names only the basePath; {@link #clone(String)} makes the
 * discovery of one service from it, sharing its Redis client, as {@link
 * io.jrpcx.client.OneClient} needs.
 */
public final class RedisDiscovery extends RegistryDiscovery {
  private static final Logger log = LoggerFactory.getLogger(RedisDiscovery.class);
  private static final int SCAN_COUNT = 100;
  private static final int MGET_BATCH = 256;

  private final Shared shared;

  /** The Redis key prefix of this service's nodes, without the trailing slash. */
  private final String prefix;

  private final Link link;
  private final AtomicBoolean relistQueued = new AtomicBoolean();

  private RedisDiscovery(Shared shared, String basePath, String servicePath) {
    super(basePath, servicePath);
    this.shared = shared;
    if (servicePath == null) {
      this.prefix = null;
      this.link = null;
      return;
    }
    this.prefix = Libkv.normalize(basePath + "/" + servicePath);
    this.link = new Link();
    // Like Go's constructor, return with the current list when Redis answers in time; when it
    // does not, start empty and keep trying in the background.
    try {
      link.connectSoon().get(shared.timeout.toNanos() * 2, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: no list from Redis yet; continuing in the background", this);
    }
  }

  /**
   * Watches {@code <basePath>/<servicePath>} in the Redis at {@code redisAddress}
   * ({@code host:port} or a {@code redis://} URI); Go's {@code NewRedisDiscovery} argument order.
   */
  public static RedisDiscovery create(String basePath, String servicePath, String redisAddress) {
    return builder().redisAddress(redisAddress).basePath(basePath).servicePath(servicePath).build();
  }

  /**
   * A template for {@code basePath}: it lists nothing itself; {@link #clone(String)} gives the
   * discovery of one service.
   */
  public static RedisDiscovery template(String basePath, String redisAddress) {
    return builder().redisAddress(redisAddress).basePath(basePath).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A discovery of {@code servicePath} under the same basePath, sharing the Redis client. */
  @Override
  public RedisDiscovery clone(String servicePath) {
    String name = cloneable(servicePath);
    shared.client.retain();
    try {
      return new RedisDiscovery(shared, basePath(), name);
    } catch (RuntimeException e) {
      shared.client.release();
      throw e;
    }
  }

  @Override
  protected void doClose() {
    if (link != null) {
      link.close();
    }
    shared.client.release();
  }

  @Override
  public String toString() {
    return "RedisDiscovery["
        + shared.address
        + " "
        + basePath()
        + "/"
        + (isTemplate() ? "*" : servicePath())
        + "]"
        + services();
  }

  /** Asks for a fresh list; many requests before it runs give one list. */
  private void requestRelist() {
    if (relistQueued.compareAndSet(false, true)) {
      link.run(
          () -> {
            relistQueued.set(false);
            Session s = link.session();
            if (s != null) {
              try {
                relist(s);
              } catch (RedisCommandExecutionException e) {
                readFailed(e);
                log.warn("{}: listing failed", this, e);
              } catch (RedisException e) {
                link.broken(s);
              }
            }
          });
    }
  }

  /** SCAN the prefix, MGET the values, publish the nodes sorted by key (own thread). */
  private void relist(Session s) {
    RedisCommands<String, String> c = s.commands.sync();
    String nodes = prefix + "/";
    Set<String> keys = new LinkedHashSet<>();
    ScanArgs args = ScanArgs.Builder.matches(Libkv.globEscape(prefix) + "*").limit(SCAN_COUNT);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = c.scan(cursor, args);
      for (String k : page.getKeys()) {
        // The pattern also matches the service-dir key and services sharing the prefix.
        if (k.startsWith(nodes) && k.length() > nodes.length()) {
          keys.add(k);
        }
      }
      cursor = page;
    } while (!cursor.isFinished());

    Map<String, String> found = new TreeMap<>();
    List<String> all = new ArrayList<>(keys);
    for (int i = 0; i < all.size(); i += MGET_BATCH) {
      List<String> batch = all.subList(i, Math.min(all.size(), i + MGET_BATCH));
      for (KeyValue<String, String> kv : c.mget(batch.toArray(new String[0]))) {
        if (!kv.hasValue()) {
          continue; // gone between SCAN and MGET
        }
        try {
          // The key is what follows the prefix: network@address, whose address may hold '/'
          // (unix sockets).
          found.put(kv.getKey().substring(nodes.length()), Libkv.decode(kv.getValue()).value());
        } catch (IllegalArgumentException e) {
          log.warn(
              "{}: ignoring Redis key {}: not a libkv envelope ({})",
              this,
              kv.getKey(),
              e.getMessage());
        }
      }
    }
    List<KVPair> list = new ArrayList<>(found.size());
    found.forEach((k, v) -> list.add(new KVPair(k, v)));
    publish(list);
  }

  /**
   * Turns keyspace notifications on as libkv does ({@code KEA}), keeping the {@code m} and
   * {@code n} classes that KEA does not cover if someone else enabled them.
   */
  private void enableNotifications(RedisCommands<String, String> c) {
    try {
      String current =
          c.configGet("notify-keyspace-events").getOrDefault("notify-keyspace-events", "");
      StringBuilder wanted = new StringBuilder("KEA");
      for (char f : new char[] {'m', 'n'}) {
        if (current.indexOf(f) >= 0) {
          wanted.append(f);
        }
      }
      c.configSet("notify-keyspace-events", wanted.toString());
    } catch (RedisCommandExecutionException e) {
      // E.g. a managed Redis that forbids CONFIG: changes then show only if someone else
      // enabled notifications; reconnects still re-list.
      log.warn(
          "{}: cannot enable keyspace notifications ({}); relying on them being on",
          this,
          e.getMessage());
    }
  }

  private static final class Session implements AutoCloseable {
    final StatefulRedisConnection<String, String> commands;
    final StatefulRedisPubSubConnection<String, String> events;

    Session(
        StatefulRedisConnection<String, String> commands,
        StatefulRedisPubSubConnection<String, String> events) {
      this.commands = commands;
      this.events = events;
    }

    @Override
    public void close() {
      events.close();
      commands.close();
    }
  }

  private final class Link extends RedisLink<Session> {
    Link() {
      super(shared.client.get(), "discovery-" + servicePath());
    }

    @Override
    Session open(RedisClient client) {
      StatefulRedisConnection<String, String> commands = client.connect();
      try {
        return new Session(commands, client.connectPubSub());
      } catch (RuntimeException e) {
        commands.close();
        throw e;
      }
    }

    @Override
    void failed(Exception cause) {
      readFailed(cause);
    }

    @Override
    boolean uses(Session session, RedisChannelHandler<?, ?> connection) {
      return session.commands == connection || session.events == connection;
    }

    @Override
    void up(Session s) {
      // Order matters: notifications on, subscribed, then list; a change after the list is
      // then always notified.
      enableNotifications(s.commands.sync());
      s.events.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
              requestRelist(); // Lettuce's event loop: only queue the work
            }
          });
      s.events.sync().psubscribe("__keyspace*:" + Libkv.globEscape(prefix) + "*");
      relist(s);
    }
  }

  /** One Redis client shared by a template and its clones; shut down with the last of them. */
  private static final class Shared {
    final String address;
    final Duration timeout;
    final SharedClient<RedisClient> client;

    Shared(String address, Duration timeout) {
      this.address = address;
      this.timeout = timeout;
      this.client = SharedClient.owned(RedisLink.newClient(address, timeout), RedisLink::shutdown);
    }
  }

  /**
   * Settings of a {@link RedisDiscovery}; {@code redisAddress} is required. The base path is the
   * one the servers use, {@code /rpcx_test} by default.
   */
  public static final class Builder extends DiscoveryBuilder<Builder> {
    private String redisAddress;
    private Duration timeout = Duration.ofSeconds(5);

    private Builder() {}

    /** The Redis server: {@code host:port}, or a Redis URI for a password or database. */
    public Builder redisAddress(String redisAddress) {
      RedisLink.uri(Objects.requireNonNull(redisAddress, "redisAddress"));
      this.redisAddress = redisAddress;
      return this;
    }

    /** Connect and command timeout; default 5 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Builds the discovery. Unless it is a template, it connects, subscribes and lists before
     * returning when Redis answers within the timeout, and otherwise starts empty and keeps
     * trying in the background.
     */
    public RedisDiscovery build() {
      if (redisAddress == null) {
        throw new IllegalStateException("redisAddress is required");
      }
      Shared shared = new Shared(redisAddress, timeout);
      try {
        return new RedisDiscovery(shared, Libkv.trimBasePath(basePath()), servicePath());
      } catch (RuntimeException e) {
        shared.client.release();
        throw e;
      }
    }
  }
}
