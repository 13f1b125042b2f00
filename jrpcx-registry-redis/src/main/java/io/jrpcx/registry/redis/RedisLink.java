package io.jrpcx.registry.redis;

import io.jrpcx.registry.Backoff;
import io.jrpcx.registry.Daemons;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one session of Redis connections up, all on one thread of its own: opens it, notices when
 * one of its connections drops, and opens a new one after a jittered {@link Backoff} (1 s
 * doubling to 30 s between attempts), until closed. Lettuce's own reconnect is off: after a Redis restart the owner has to
 * redo its setup (subscribe, enable notifications, re-list, re-register) in a known order, which
 * {@link #up} does on a fresh session.
 *
 * @param <S> the owner's session: its connections
 */
abstract class RedisLink<S extends AutoCloseable> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

  private final RedisClient client;
  private final String name;

  /** The owner's thread: session changes and the owner's Redis work run here, one at a time. */
  final ScheduledExecutorService executor;

  private final RedisConnectionStateListener listener;

  private volatile S session;
  private volatile boolean closed;

  /**
   * Notified when a session is published and when a connection attempt ends, so that {@link
   * #awaitSession} returns as soon as there is a session, even while the owner's {@link #up} on
   * it still runs (it may wait for a lock the caller of {@code awaitSession} holds).
   */
  private final Object sessionChanged = new Object();

  private final Backoff backoff = Backoff.registry();
  // Touched on the executor only.
  private ScheduledFuture<?> retry;

  RedisLink(RedisClient client, String name) {
    this.client = client;
    this.name = name;
    this.executor = Daemons.singleThread("jrpcx-redis-" + name);
    this.listener =
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            // Lettuce's event loop: decide on our own thread, after any connect in progress.
            run(() -> lost(connection));
          }
        };
    client.addListener(listener);
  }

  /** Opens the connections of a session (own thread). */
  abstract S open(RedisClient client) throws Exception;

  /** Whether {@code connection} is one of {@code session}'s. */
  abstract boolean uses(S session, RedisChannelHandler<?, ?> connection);

  /** A new session is up (own thread); exceptions close it and schedule another attempt. */
  abstract void up(S session) throws Exception;

  /** Told why connecting or setting up a connection failed, before the retry; nothing by default. */
  void failed(Exception cause) {}

  /** The current session, or null while disconnected. */
  final S session() {
    return session;
  }

  /** Starts connecting on the own thread, unless a session is up or an attempt is scheduled. */
  final Future<?> connectSoon() {
    return run(this::connect);
  }

  /**
   * The current session; when there is none, tries to connect at once (cancelling a scheduled
   * retry) and waits for that attempt.
   *
   * @throws RedisConnectionException when still not connected after the attempt or {@code wait}
   */
  final S awaitSession(Duration wait) throws InterruptedException {
    S s = session;
    if (s != null) {
      return s;
    }
    Future<?> attempt =
        run(
            () -> {
              try {
                if (retry != null) {
                  retry.cancel(false);
                  retry = null;
                }
                connect();
              } finally {
                signal();
              }
            });
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (sessionChanged) {
      while (session == null && !attempt.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(sessionChanged, left);
      }
    }
    s = session;
    if (s == null) {
      throw new RedisConnectionException(
          closed
              ? name + " is closed"
              : "not connected to Redis (" + name + "); retrying in the background");
    }
    return s;
  }

  /**
   * Drops {@code s} after a command on it failed in a way that suggests the connection is gone,
   * and reconnects with back-off; does nothing if {@code s} is no longer current.
   */
  final void broken(S s) {
    run(() -> drop(s, "a command failed"));
  }

  private void connect() {
    if (closed || session != null || retry != null) {
      return; // up, or a retry is already scheduled
    }
    S s;
    try {
      s = open(client);
    } catch (Exception e) {
      failed(e);
      scheduleRetry("connecting failed: " + e);
      return;
    }
    session = s;
    signal();
    try {
      up(s);
      backoff.reset();
    } catch (Exception e) {
      failed(e);
      drop(s, "setting up the connection failed: " + e);
    }
  }

  private void signal() {
    synchronized (sessionChanged) {
      sessionChanged.notifyAll();
    }
  }

  private void lost(RedisChannelHandler<?, ?> connection) {
    S s = session;
    if (s != null && uses(s, connection)) {
      drop(s, "the connection was lost");
    }
  }

  private void drop(S s, String why) {
    if (session != s || s == null) {
      return;
    }
    session = null;
    closeQuietly(s);
    if (!closed) {
      scheduleRetry(why);
    }
  }

  private void scheduleRetry(String why) {
    if (closed) {
      return;
    }
    Duration delay = backoff.next();
    log.warn("Redis ({}): {}; reconnecting in {} ms", name, why, delay.toMillis());
    try {
      retry =
          executor.schedule(
              () -> {
                retry = null;
                connect();
              },
              delay.toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  /** Runs {@code task} on the own thread; a no-op future once closed. */
  final Future<?> run(Runnable task) {
    try {
      return executor.submit(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("Redis ({}): unexpected failure", name, e);
            }
          });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Stops reconnecting and closes the session; the client stays the caller's. */
  @Override
  public void close() {
    closed = true;
    client.removeListener(listener);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    S s = session;
    session = null;
    if (s != null) {
      closeQuietly(s);
    }
  }

  private void closeQuietly(S s) {
    try {
      s.close();
    } catch (Exception e) {
      log.debug("Redis ({}): closing a connection failed", name, e);
    }
  }

  /**
   * A Redis client for {@code address}, either {@code host:port} or a Redis URI such as
   * {@code redis://:password@host:6379/0} or {@code rediss://host:6380}: Lettuce's reconnect off,
   * commands rejected at once while disconnected, {@code timeout} for connecting and for commands.
   */
  static RedisClient newClient(String address, Duration timeout) {
    RedisURI uri = uri(address);
    uri.setTimeout(timeout);
    RedisClient c = RedisClient.create(uri);
    c.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
    return c;
  }

  static RedisURI uri(String address) {
    if (address.contains("://")) {
      return RedisURI.create(address);
    }
    URI u = URI.create("redis://" + address);
    if (u.getHost() == null || u.getPort() < 0) {
      throw new IllegalArgumentException(
          "redisAddress must be host:port or a redis:// URI, was '" + address + "'");
    }
    String host = u.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return RedisURI.Builder.redis(host, u.getPort()).build();
  }

  /** Shuts a client down without waiting for a quiet period. */
  static void shutdown(RedisClient client) {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      log.debug("shutting down the Redis client failed", e);
    }
  }
}
