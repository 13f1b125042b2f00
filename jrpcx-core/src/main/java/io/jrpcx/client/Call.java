package io.jrpcx.client;

import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.RpcException;
import io.jrpcx.TypeRef;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One call in flight, rpcx's {@code *Call}: what was called, and {@link #done()}, which completes
 * with the reply or fails with an {@link RpcException}.
 *
 * <p>The future completes on a network thread: callbacks attached with {@code thenApply} and
 * friends run there and must not block; use the {@code ...Async} variants for blocking work.
 * Cancelling the future abandons the call: its response, if one comes, is dropped.
 */
public final class Call<T> {
  private final String servicePath;
  private final String serviceMethod;
  private final Object args;
  private final Context context;
  final Type replyType;
  private final ReadOnlyFuture<T> done = new ReadOnlyFuture<>();
  private volatile Map<String, String> responseMetadata = Map.of();

  /**
   * When the options' call timeout ends this call ({@link System#nanoTime()}), or 0 when it has a
   * deadline of its own or none applies. Set before the call is sent; the connection's periodic
   * sweep reads it, so no timer is armed per call.
   */
  long defaultExpiry;

  Call(Context context, String servicePath, String serviceMethod, Object args, Type replyType) {
    this.context = context;
    this.servicePath = servicePath;
    this.serviceMethod = serviceMethod;
    this.args = args;
    this.replyType = replyType instanceof TypeRef ? ((TypeRef<?>) replyType).type() : replyType;
  }

  public String servicePath() {
    return servicePath;
  }

  public String serviceMethod() {
    return serviceMethod;
  }

  public Object args() {
    return args;
  }

  public Context context() {
    return context;
  }

  /** Whether no reply is expected: the call completes once its frame is written. */
  public boolean isOneway() {
    return replyType == null;
  }

  /**
   * Completes with the reply (null for oneway calls) or fails with an {@link RpcException}. Only
   * the client completes it: {@code complete}, {@code completeExceptionally}, {@code obtrude...},
   * {@code completeAsync}, {@code completeOnTimeout} and {@code orTimeout} throw
   * {@link UnsupportedOperationException} (bound a call with its context's deadline instead);
   * {@code cancel} abandons the call. Dependent futures ({@code thenApply}...) are ordinary.
   */
  public CompletableFuture<T> done() {
    return done;
  }

  /** The metadata of the response; empty until the call succeeded or failed with a service error. */
  public Map<String, String> responseMetadata() {
    return responseMetadata;
  }

  /**
   * Waits for the reply and returns it, or throws the call's {@link RpcException}. The wait is
   * bounded by the context's deadline, which the client enforces.
   */
  public T await() {
    try {
      return done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RpcException) {
        throw (RpcException) cause;
      }
      throw new RpcException(String.valueOf(cause), cause);
    } catch (CancellationException e) {
      throw new RpcException("call " + servicePath + "." + serviceMethod + " was cancelled", e);
    } catch (InterruptedException e) {
      done.cancel(false);
      Thread.currentThread().interrupt();
      throw new RpcException("interrupted waiting for " + servicePath + "." + serviceMethod, e);
    }
  }

  void setResponseMetadata(Map<String, String> metadata) {
    this.responseMetadata = metadata;
  }

  @SuppressWarnings("unchecked")
  boolean complete(Object reply) {
    return done.settle((T) reply);
  }

  boolean fail(Throwable error) {
    return done.settleExceptionally(error);
  }

  DeadlineExceededException deadlineExceeded() {
    String what =
        servicePath.isEmpty() && serviceMethod.isEmpty()
            ? "heartbeat"
            : "call " + servicePath + "." + serviceMethod;
    return new DeadlineExceededException(what + " exceeded its deadline");
  }

  @Override
  public String toString() {
    return "Call["
        + servicePath
        + "."
        + serviceMethod
        + ", "
        + (done.isDone() ? "done" : "pending")
        + "]";
  }

  /**
   * A future that only its {@link Call} completes, so a caller cannot answer a call the server
   * has not answered; dependents created from it are plain {@link CompletableFuture}s.
   */
  static final class ReadOnlyFuture<T> extends CompletableFuture<T> {
    private static final String READ_ONLY =
        "a call's future is completed by its client only; cancel() it to abandon the call";

    boolean settle(T value) {
      return super.complete(value);
    }

    boolean settleExceptionally(Throwable error) {
      return super.completeExceptionally(error);
    }

    @Override
    public boolean complete(T value) {
      throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public void obtrudeValue(T value) {
      throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public CompletableFuture<T> completeAsync(
        java.util.function.Supplier<? extends T> supplier, java.util.concurrent.Executor executor) {
      throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public CompletableFuture<T> completeAsync(java.util.function.Supplier<? extends T> supplier) {
      throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public CompletableFuture<T> completeOnTimeout(
        T value, long timeout, java.util.concurrent.TimeUnit unit) {
      throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public CompletableFuture<T> orTimeout(long timeout, java.util.concurrent.TimeUnit unit) {
      throw new UnsupportedOperationException(READ_ONLY);
    }
  }
}
