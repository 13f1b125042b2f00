package io.jrpcx.registry.redis;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegisterPluginBuilder;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this server's services in Redis the way Go rpcx's {@code RedisRegisterPlugin} does,
 * so that Go and Java clients find it.
 *
 * <p>For a server at {@code tcp@10.0.0.5:8972} with basePath {@code /rpcx_test} registering
 * {@code Arith} with metadata {@code weight=10&group=g1}, three Redis strings are written, each
 * holding libkv's JSON envelope {@code {"Key":...,"Value":<base64>,"LastIndex":n}}:
 *
 * <table>
 *   <caption>Redis keys written</caption>
 *   <tr><th>Redis key</th><th>envelope Key</th><th>Value (decoded)</th><th>expiry</th></tr>
 *   <tr><td>{@code //rpcx_test}</td><td>{@code /rpcx_test}</td><td>{@code rpcx_path}</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code //rpcx_test/Arith}</td><td>{@code /rpcx_test/Arith}</td><td>{@code Arith}</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code //rpcx_test/Arith/tcp@10.0.0.5:8972}</td>
 *       <td>{@code /rpcx_test/Arith/tcp@10.0.0.5:8972}</td><td>{@code weight=10&group=g1}</td>
 *       <td>2 &times; updateInterval</td></tr>
 * </table>
 *
 * <p>The doubled leading slash is libkv's key normalisation, which prefixes {@code /} to the key
 * it is given; Go's plugin passes the basePath unchanged, so these are the keys a Go server
 * writes and a Go client scans. A basePath without leading slash ({@code rpcx_test}) gives
 * {@code /rpcx_test}, ... .
 *
 * <p>Every {@code updateInterval} the leaf is read back, its {@code calls} and
 * {@code connections} are replaced by the current rates (anything else in it, such as an
 * operator's {@code state=inactive}, is kept, as in Go) and it is written again with a fresh
 * expiry; a missing leaf is written anew, together with the two directory keys. If the Redis
 * connection drops, the plugin reconnects with a jittered back-off (1 s doubling to 30 s) and then restores
 * every entry at once rather than at the next tick, so a restarted Redis learns the server again
 * within about a second. A server that dies without unregistering disappears when its leaf
 * expires, at most 2 &times; updateInterval later. An interval of zero writes a leaf that never
 * expires and no refresh loop, as Go does.
 *
 * <pre>{@code
 * RedisRegisterPlugin registry = RedisRegisterPlugin.builder()
 *     .redisAddress("127.0.0.1:6379")
 *     .serviceAddress("tcp@10.0.0.5:8972")
 *     .updateInterval(Duration.ofSeconds(10))
 *     .build();
 * Server server = Server.builder().plugin(registry).build();
 * server.register("Arith", new Arith(), "weight=10&group=g1");
 * registry.start();
 * server.start("tcp", "10.0.0.5:8972");
 * ...
 * server.shutdown(Duration.ofSeconds(10));   // removes the leaf first
 * registry.close();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RedisRegisterPlugin extends AbstractRegisterPlugin {
  private static final Logger log = LoggerFactory.getLogger(RedisRegisterPlugin.class);

  private final String redisAddress;
  private final Duration timeout;
  private final Duration ttl;
  private final RedisClient client;
  private final Link link;

  private RedisRegisterPlugin(Builder b) {
    super(b);
    this.redisAddress = b.redisAddress;
    this.timeout = b.timeout;
    this.ttl = updateInterval().multipliedBy(2);
    this.client = RedisLink.newClient(b.redisAddress, b.timeout);
    this.link = new Link();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The Redis server written to, as configured. */
  public String redisAddress() {
    return redisAddress;
  }

  /** Connects to Redis in the background and starts the update loop. */
  @Override
  public void start() {
    super.start();
    link.connectSoon();
  }

  @Override
  protected void doRegister(String serviceName, String metadata) throws Exception {
    Session s = link.awaitSession(timeout);
    run(s, c -> writeAll(c, serviceName, metadata));
  }

  @Override
  protected void doUnregister(String serviceName) throws Exception {
    Session s = link.awaitSession(timeout);
    // Go writes the two directory keys again before deleting the leaf.
    run(
        s,
        c -> {
          writeDirs(c, serviceName);
          c.del(leafKey(serviceName));
        });
  }

  @Override
  protected void refresh(String serviceName, String metadata) throws Exception {
    Session s = link.awaitSession(timeout);
    String registered = services().get(serviceName);
    if (registered != null) {
      run(s, c -> ensure(c, serviceName, registered, metadata));
    }
  }

  /**
   * After a (re)connect: puts back whatever the registry lost, e.g. in a Redis restart. A leaf
   * still there keeps its value (only its expiry is renewed): rates are the update loop's to
   * write, and a first connect racing a registration must not add them.
   */
  private void restoreAll(Session s) {
    for (String name : services().keySet()) {
      underLock(
          () -> {
            String registered = services().get(name);
            if (registered != null) {
              run(s, c -> restore(c, name, registered));
            }
          });
    }
  }

  /** Renews the leaf's expiry, or writes the entries anew when the leaf is gone. */
  private void restore(RedisCommands<String, String> c, String serviceName, String registered) {
    String leaf = leafKey(serviceName);
    boolean there = ttl.isZero() ? c.exists(leaf) > 0 : c.pexpire(leaf, ttl.toMillis());
    if (!there) {
      writeAll(c, serviceName, registered);
    }
  }

  /**
   * Go's update step: a missing (or unreadable) leaf is written anew with the registered
   * metadata, here together with the directory keys; an existing one gets the fresh rates. Unlike
   * Go, the read-modify-write is a WATCH/MULTI transaction, so an operator's edit made between the
   * read and the write is not overwritten but merged on the next attempt.
   */
  private void ensure(
      RedisCommands<String, String> c, String serviceName, String registered, String withRates) {
    String leaf = leafKey(serviceName);
    for (int attempt = 0; attempt < 3; attempt++) {
      c.watch(leaf);
      String raw = c.get(leaf);
      String stored = null;
      if (raw != null) {
        try {
          stored = Libkv.decode(raw).value();
        } catch (IllegalArgumentException e) {
          log.warn(
              "Redis key {} does not hold a libkv envelope ({}); writing it anew",
              leaf,
              e.getMessage());
        }
      }
      if (stored == null) {
        c.unwatch();
        writeAll(c, serviceName, registered);
        return;
      }
      c.multi();
      boolean written;
      try {
        c.set(
            leaf,
            Libkv.envelope(nodePath(serviceName), mergeRates(stored, withRates)),
            Libkv.expiry(ttl));
        written = !c.exec().wasDiscarded();
      } catch (RuntimeException e) {
        discardQuietly(c);
        throw e;
      }
      if (written) {
        return;
      }
    }
    log.info("Redis key {} changed during three refreshes in a row; trying again next time", leaf);
  }

  private static void discardQuietly(RedisCommands<String, String> c) {
    try {
      c.discard();
    } catch (RuntimeException e) {
      // not in a transaction any more
    }
  }

  private void writeAll(RedisCommands<String, String> c, String serviceName, String metadata) {
    writeDirs(c, serviceName);
    c.set(leafKey(serviceName), Libkv.envelope(nodePath(serviceName), metadata), Libkv.expiry(ttl));
  }

  private void writeDirs(RedisCommands<String, String> c, String serviceName) {
    c.set(Libkv.normalize(basePath()), Libkv.envelope(basePath(), "rpcx_path"));
    String dir = basePath() + "/" + serviceName;
    c.set(Libkv.normalize(dir), Libkv.envelope(dir, serviceName));
  }

  /** {@code <basePath>/<service>/<network@address>}, the key as Go hands it to libkv. */
  private String nodePath(String serviceName) {
    return basePath() + "/" + serviceName + "/" + serviceAddress();
  }

  private String leafKey(String serviceName) {
    return Libkv.normalize(nodePath(serviceName));
  }

  private interface Write {
    void apply(RedisCommands<String, String> commands);
  }

  /** Runs {@code w}; a connection failure drops the session so that it is re-established. */
  private void run(Session s, Write w) {
    try {
      w.apply(s.connection.sync());
    } catch (RedisCommandExecutionException e) {
      throw e; // Redis answered: the connection is fine
    } catch (RedisException e) {
      link.broken(s);
      throw e;
    }
  }

  @Override
  protected void doClose() {
    link.close();
    RedisLink.shutdown(client);
  }

  @Override
  public String toString() {
    return "RedisRegisterPlugin[" + serviceAddress() + " in " + redisAddress + basePath() + "]";
  }

  private static final class Session implements AutoCloseable {
    final StatefulRedisConnection<String, String> connection;

    Session(StatefulRedisConnection<String, String> connection) {
      this.connection = connection;
    }

    @Override
    public void close() {
      connection.close();
    }
  }

  private final class Link extends RedisLink<Session> {
    Link() {
      super(client, "register");
    }

    @Override
    Session open(RedisClient client) {
      return new Session(client.connect());
    }

    @Override
    boolean uses(Session session, RedisChannelHandler<?, ?> connection) {
      return session.connection == connection;
    }

    @Override
    void up(Session session) {
      restoreAll(session);
    }
  }

  /**
   * Settings of a {@link RedisRegisterPlugin}; {@code redisAddress} and {@code serviceAddress}
   * are required. The update interval is 10 s unless set: the leaf expires after twice that, and
   * zero writes a leaf that never expires.
   */
  public static final class Builder extends RegisterPluginBuilder<Builder> {
    private String redisAddress;
    private Duration timeout = Duration.ofSeconds(5);

    private Builder() {
      super(Duration.ofSeconds(10));
    }

    /**
     * The Redis server: {@code host:port}, or a Redis URI such as
     * {@code redis://:secret@host:6379/2} for a password and database.
     */
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

    /** Builds the plugin; it connects on {@link #start()} or on the first registration. */
    public RedisRegisterPlugin build() {
      if (redisAddress == null) {
        throw new IllegalStateException("redisAddress is required");
      }
      basePath(Libkv.trimBasePath(basePath()));
      return new RedisRegisterPlugin(this);
    }
  }
}
