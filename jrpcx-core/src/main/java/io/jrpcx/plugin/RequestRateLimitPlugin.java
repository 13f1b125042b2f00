package io.jrpcx.plugin;

import io.jrpcx.Deadline;
import io.jrpcx.ServiceException;
import io.jrpcx.internal.NettyTransport;
import io.jrpcx.protocol.Message;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.ServerContext;
import io.jrpcx.server.ServerPlugin;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Limits the requests a server runs, rpcx's {@code ReqRateLimitingPlugin}: one token bucket for
 * the whole server that starts full with {@code capacity} tokens and gains one every
 * {@code fillInterval}. A request that finds no token is answered with the error
 * {@value #REACHED_LIMIT} (exactly Go's text) and its connection stays open; a oneway request is
 * dropped without an answer.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .plugin(RequestRateLimitPlugin.of(Duration.ofMillis(1), 1_000))  // 1,000 at once, 1,000/s
 *     .build();
 * }</pre>
 *
 * <p><b>Two ways to be over the limit.</b> {@link #of} rejects at once, as Go does with
 * {@code block=false}. It counts every request as it is read off the connection, before auth and
 * service lookup, on the network thread, and costs one compare-and-set.
 *
 * <p>{@link #waiting} is Go's {@code block=true}, bounded: a request that finds no token waits for
 * the next one, up to {@code maxWait} and never past the caller's deadline, and is rejected with
 * the same error when the token would come later (it then takes no token). Go waits on the
 * goroutine that reads the connection; jrpcx never waits on a network thread, so the wait happens
 * on the handler thread that is about to run the call (the {@link ServerPlugin.PreCall} hook),
 * after auth and argument decoding. A waiting request holds that thread: with the default pool of
 * 200 handler threads, at most 200 requests wait at once and the rest queue behind them. If the
 * server's executor runs calls on the network thread itself, the waiting plugin does not wait:
 * it rejects requests that find no token.
 *
 * <p><b>Not counted</b>, unlike Go: heartbeats. They keep connections alive and are answered on
 * the network thread without running anything; refusing them would make clients drop healthy
 * connections exactly when the server is busiest.
 *
 * <p>Immutable and thread-safe; one instance is one bucket, so do not share an instance between
 * servers unless they should share the limit.
 */
public final class RequestRateLimitPlugin
    implements ServerPlugin.PostReadRequest, ServerPlugin.PreCall {

  /** The error text of a rejected request: rpcx's {@code ErrReqReachLimit}. */
  public static final String REACHED_LIMIT = "request reached rate limit";

  /** How the waiting variant waits; replaced in tests by one that moves a fake clock. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private static final Sleeper THREAD_SLEEP = TimeUnit.NANOSECONDS::sleep;

  private final TokenBucket bucket;

  /** Negative for the rejecting variant. */
  private final long maxWaitNanos;

  private final Sleeper sleeper;
  private final LongAdder rejected = new LongAdder();

  RequestRateLimitPlugin(TokenBucket bucket, long maxWaitNanos, Sleeper sleeper) {
    this.bucket = bucket;
    this.maxWaitNanos = maxWaitNanos;
    this.sleeper = sleeper;
  }

  /**
   * Rejects requests beyond {@code capacity} at once plus one per {@code fillInterval}, as Go's
   * {@code NewReqRateLimitingPlugin(fillInterval, capacity, false)}.
   *
   * @throws IllegalArgumentException when {@code fillInterval} is not positive or
   *     {@code capacity < 1}
   */
  public static RequestRateLimitPlugin of(Duration fillInterval, long capacity) {
    return new RequestRateLimitPlugin(
        new TokenBucket(fillInterval, capacity, System::nanoTime), -1, THREAD_SLEEP);
  }

  /**
   * Lets requests beyond the limit wait for a token up to {@code maxWait} (and the caller's
   * deadline) on their handler thread, as Go's {@code NewReqRateLimitingPlugin(fillInterval,
   * capacity, true)} does without a bound; see the class documentation.
   *
   * @throws IllegalArgumentException when {@code fillInterval} is not positive, {@code capacity <
   *     1} or {@code maxWait} is negative
   */
  public static RequestRateLimitPlugin waiting(
      Duration fillInterval, long capacity, Duration maxWait) {
    return waiting(
        new TokenBucket(fillInterval, capacity, System::nanoTime), maxWait, THREAD_SLEEP);
  }

  static RequestRateLimitPlugin waiting(TokenBucket bucket, Duration maxWait, Sleeper sleeper) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
    }
    long nanos;
    try {
      nanos = maxWait.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE;
    }
    return new RequestRateLimitPlugin(bucket, nanos, sleeper);
  }

  /** Whether requests over the limit wait for a token ({@link #waiting}) rather than fail. */
  public boolean isWaiting() {
    return maxWaitNanos >= 0;
  }

  /** Requests rejected with {@value #REACHED_LIMIT} so far. */
  public long rejected() {
    return rejected.sum();
  }

  @Override
  public void postReadRequest(ClientConnection connection, Message request) {
    if (isWaiting() || request.isHeartbeat()) {
      return;
    }
    if (!bucket.tryTake()) {
      throw reject();
    }
  }

  @Override
  public Object preCall(ServerContext ctx, Object args) {
    if (!isWaiting()) {
      return args;
    }
    if (onNetworkThread()) {
      if (!bucket.tryTake()) {
        throw reject();
      }
      return args;
    }
    long limit = maxWaitNanos;
    Deadline deadline = ctx.deadline();
    if (deadline != null) {
      limit = Math.min(limit, Math.max(0, deadline.remaining(TimeUnit.NANOSECONDS)));
    }
    long wait = bucket.reserve(limit);
    if (wait < 0) {
      throw reject();
    }
    if (wait > 0) {
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        // The server is closing its handler pool. The reserved token is not given back: a
        // bucket that only moves forward stays lock-free, and the server is going away.
        Thread.currentThread().interrupt();
        throw reject();
      }
    }
    return args;
  }

  private RateLimited reject() {
    rejected.increment();
    return new RateLimited();
  }

  /** Whether this thread is one of jrpcx's network threads, which must never sleep. */
  private static boolean onNetworkThread() {
    return NettyTransport.onNetworkThread();
  }

  @Override
  public String toString() {
    return "RequestRateLimitPlugin["
        + bucket
        + (isWaiting() ? ", waiting up to " + Duration.ofNanos(maxWaitNanos) : ", rejecting")
        + "]";
  }

  /** The rejection; carries no stack trace, so a flood of rejections stays cheap. */
  private static final class RateLimited extends ServiceException {
    private static final long serialVersionUID = 1L;

    RateLimited() {
      super(REACHED_LIMIT);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
