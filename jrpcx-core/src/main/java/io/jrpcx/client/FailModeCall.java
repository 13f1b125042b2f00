package io.jrpcx.client;

import io.jrpcx.Context;
import io.jrpcx.Deadline;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.RpcException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One {@link XClient#callAsync} with its fail mode applied: the attempts, where each goes, and
 * when to give up. The first attempt runs on the caller's thread; later ones run on the XClient's
 * retry threads, never on a network thread, because they may have to dial.
 */
final class FailModeCall<T> {
  private final XClient x;
  private final Context ctx;
  private final String method;
  private final Object args;
  private final Type replyType;
  private final CompletableFuture<T> result = new CompletableFuture<>();

  /** Attempts in flight, cancelled once the result is decided. */
  private final List<Call<T>> inFlight = new CopyOnWriteArrayList<>();

  private int attemptsLeft;

  /** Failtry's node, chosen by the first selection. */
  private String fixedKey;

  /** Failover's nodes that failed this call, avoided while others remain. */
  private java.util.Set<String> failedKeys;

  private String lastKey;

  // Failbackup's bookkeeping.
  /** The node of the first request; the backup goes elsewhere while another node is listed. */
  private volatile String firstKey;

  private boolean backupSent;
  private int backupFailures;

  FailModeCall(XClient x, Context ctx, String method, Object args, Type replyType) {
    this.x = x;
    this.ctx = ctx;
    this.method = method;
    this.args = args;
    this.replyType = replyType;
    FailMode mode = x.failMode();
    this.attemptsLeft =
        mode == FailMode.FAILOVER || mode == FailMode.FAILTRY ? x.options().retries() + 1 : 1;
    result.whenComplete(
        (r, e) -> {
          for (Call<T> c : inFlight) {
            c.done().cancel(false); // abandons the losers; their answers are dropped
          }
        });
  }

  CompletableFuture<T> result() {
    return result;
  }

  void start() {
    if (x.failMode() == FailMode.FAILBACKUP) {
      startBackup();
    } else {
      attempt();
    }
  }

  /** One attempt of Failfast, Failover or Failtry. */
  private void attempt() {
    if (result.isDone()) {
      return;
    }
    String key;
    try {
      key = fixedKey != null ? fixedKey : x.selectNode(ctx, method, args);
      if (failedKeys != null && failedKeys.contains(key)) {
        key = avoid(failedKeys, key);
      }
    } catch (RpcException e) {
      failed(e);
      return;
    } catch (RuntimeException e) {
      result.completeExceptionally(new RpcException(e.getMessage(), e));
      return;
    }
    if (x.failMode() == FailMode.FAILTRY) {
      fixedKey = key;
    }
    lastKey = key;
    send(key, this::failed);
  }

  /** Sends one request to {@code key}: its reply completes the call, its failure goes on. */
  private void send(String key, java.util.function.Consumer<Throwable> onFailure) {
    Call<T> call = x.send(key, ctx, method, args, replyType);
    inFlight.add(call);
    if (result.isDone()) {
      call.done().cancel(false);
    }
    call.done()
        .whenComplete(
            (reply, error) -> {
              if (error == null) {
                result.complete(reply);
              } else {
                onFailure.accept(unwrap(error));
              }
            });
  }

  /**
   * A node other than those in {@code avoided}, when there is one; {@code selected} otherwise.
   * Failover re-selects after a failure, and rpcx's selector may well pick the node that just
   * failed again: with a dead node among three, about one call in a hundred would then spend all
   * its attempts on it. Failbackup's backup request would likewise go to the slow node that has
   * not answered the first one. Selecting again, and then taking the first node not yet tried,
   * spends the attempts on nodes that may answer.
   */
  private String avoid(java.util.Set<String> avoided, String selected) {
    List<io.jrpcx.client.discovery.KVPair> servers = x.servers();
    for (int i = 0; i < servers.size(); i++) {
      String again = x.selectNode(ctx, method, args);
      if (!avoided.contains(again)) {
        return again;
      }
    }
    for (io.jrpcx.client.discovery.KVPair p : servers) {
      if (!avoided.contains(p.key())) {
        return p.key();
      }
    }
    return selected; // every node is avoided: let the selector decide
  }

  private void failed(Throwable error) {
    synchronized (this) {
      if (x.failMode() == FailMode.FAILOVER && lastKey != null) {
        if (failedKeys == null) {
          failedKeys = new java.util.HashSet<>();
        }
        failedKeys.add(lastKey);
      }
      attemptsLeft--;
      if (!XClient.isRetryable(error) || attemptsLeft <= 0) {
        result.completeExceptionally(error);
        return;
      }
    }
    Duration interval = x.options().retryInterval();
    Deadline deadline = ctx.deadline();
    if (deadline != null && deadline.remaining(TimeUnit.NANOSECONDS) <= interval.toNanos()) {
      result.completeExceptionally(
          new DeadlineExceededException(
              "call "
                  + x.servicePath()
                  + "."
                  + method
                  + " exceeded its deadline after a failed attempt: "
                  + error.getMessage()));
      return;
    }
    runLater(interval, this::attempt, error);
  }

  /**
   * Failbackup: the first request now, a second one to a fresh selection when the first has not
   * completed within the backup latency. The first answer wins. Unlike rpcx, the backup goes to
   * another node than the first request whenever there is one (rpcx's selector may pick the same
   * slow node twice), a transport failure of the first request sends the backup at once instead
   * of being returned, and the call fails only when both failed; a service error is an answer
   * and is returned as it is.
   */
  private void startBackup() {
    backup();
    runLater(x.options().backupLatency(), this::sendBackupIfPending, null);
  }

  private void sendBackupIfPending() {
    synchronized (this) {
      if (result.isDone() || backupSent) {
        return;
      }
      backupSent = true;
    }
    backup();
  }

  private void backup() {
    String key;
    try {
      key = x.selectNode(ctx, method, args);
      String first = firstKey;
      if (first == null) {
        firstKey = key;
      } else if (first.equals(key)) {
        key = avoid(java.util.Set.of(first), key);
      }
    } catch (RpcException e) {
      backupFailed(e);
      return;
    } catch (RuntimeException e) {
      result.completeExceptionally(new RpcException(e.getMessage(), e));
      return;
    }
    send(key, this::backupFailed);
  }

  private void backupFailed(Throwable error) {
    boolean sendBackupNow;
    synchronized (this) {
      backupFailures++;
      if (!XClient.isRetryable(error) || backupFailures >= 2) {
        result.completeExceptionally(error);
        return;
      }
      sendBackupNow = !backupSent;
      backupSent = true;
    }
    if (sendBackupNow) {
      runOn(x.retryExecutor(), this::backup, error);
    }
  }

  /** Runs {@code task} on a retry thread after {@code delay}. */
  private void runLater(Duration delay, Runnable task, Throwable error) {
    if (delay.isZero()) {
      runOn(x.retryExecutor(), task, error);
    } else {
      // The timer thread only hands over, so one slow dial never delays another call's timer.
      x.waitingToRetry().add(result);
      try {
        java.util.concurrent.ScheduledFuture<?> timer =
            x.timer()
                .schedule(
                    () -> {
                      x.waitingToRetry().remove(result);
                      runOn(x.retryExecutor(), task, error);
                    },
                    delay.toNanos(),
                    TimeUnit.NANOSECONDS);
        result.whenComplete(
            (r, e) -> {
              timer.cancel(false);
              x.waitingToRetry().remove(result);
            });
      } catch (RejectedExecutionException e) {
        x.waitingToRetry().remove(result);
        runOn(x.retryExecutor(), task, error);
      }
    }
  }

  private void runOn(Executor executor, Runnable task, Throwable error) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // The XClient closed while this call waited to retry.
      RpcException closed =
          new io.jrpcx.ConnectionException(
              io.jrpcx.ConnectionException.SHUT_DOWN
                  + ": XClient for "
                  + x.servicePath()
                  + " is closed",
              error);
      result.completeExceptionally(closed);
    }
  }

  static Throwable unwrap(Throwable t) {
    if (t instanceof CompletionException && t.getCause() != null) {
      return t.getCause();
    }
    if (t instanceof java.util.concurrent.CancellationException) {
      return new RpcException("call was cancelled", t);
    }
    return t;
  }
}
