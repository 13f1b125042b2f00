package io.jrpcx.client;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.MultiNodeException;
import io.jrpcx.RpcException;
import io.jrpcx.client.discovery.KVPair;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One broadcast, fork or inform: the same call to every node at once, each with its own reply
 * object and its own error. Unlike rpcx, a node that cannot be reached is a failed node, not a
 * silently skipped one.
 */
final class FanOut<T> {
  private final XClient x;
  private final Context ctx;
  private final String method;
  private final Object args;
  private final Type replyType;

  FanOut(XClient x, Context ctx, String method, Object args, Type replyType) {
    this.x = x;
    this.ctx = ctx;
    this.method = method;
    this.args = args;
    this.replyType = replyType;
  }

  /** Every node's reply; fails at the first failure. */
  CompletableFuture<T> broadcast() {
    CompletableFuture<T> result = new CompletableFuture<>();
    List<KVPair> nodes = x.servers();
    if (nodes.isEmpty()) {
      result.completeExceptionally(x.noServer());
      return result;
    }
    Map<String, CompletableFuture<T>> calls = start(nodes, result);
    Map<String, RpcException> errors = new LinkedHashMap<>();
    List<T> replies = new ArrayList<>();
    calls.forEach(
        (key, call) ->
            call.whenComplete(
                (reply, error) -> {
                  synchronized (errors) {
                    if (result.isDone()) {
                      return; // decided; this is a call abandoned because of it
                    }
                    if (error != null) {
                      errors.put(key, asRpc(error));
                      result.completeExceptionally(
                          new MultiNodeException(
                              "broadcast " + x.servicePath() + "." + method + " failed", errors));
                    } else {
                      replies.add(reply);
                      if (replies.size() == calls.size()) {
                        result.complete(replies.get(0));
                      }
                    }
                  }
                }));
    return result;
  }

  /** The first node's reply; fails when every node failed. */
  CompletableFuture<T> fork() {
    CompletableFuture<T> result = new CompletableFuture<>();
    List<KVPair> nodes = x.servers();
    if (nodes.isEmpty()) {
      result.completeExceptionally(x.noServer());
      return result;
    }
    Map<String, CompletableFuture<T>> calls = start(nodes, result);
    Map<String, RpcException> errors = new LinkedHashMap<>();
    calls.forEach(
        (key, call) ->
            call.whenComplete(
                (reply, error) -> {
                  if (error == null) {
                    result.complete(reply);
                    return;
                  }
                  synchronized (errors) {
                    if (result.isDone()) {
                      return;
                    }
                    errors.put(key, asRpc(error));
                    if (errors.size() == calls.size()) {
                      result.completeExceptionally(
                          new MultiNodeException(
                              "fork " + x.servicePath() + "." + method + " failed on every node",
                              errors));
                    }
                  }
                }));
    return result;
  }

  /** One receipt per node, once all have answered or failed. */
  CompletableFuture<List<Receipt<T>>> inform() {
    List<KVPair> nodes = x.servers();
    if (nodes.isEmpty()) {
      return CompletableFuture.failedFuture(x.noServer());
    }
    Map<String, CompletableFuture<T>> calls = start(nodes, null);
    List<CompletableFuture<Receipt<T>>> receipts = new ArrayList<>();
    calls.forEach(
        (key, call) ->
            receipts.add(
                call.handle(
                    (reply, error) ->
                        new Receipt<>(
                            key,
                            error == null ? reply : null,
                            error == null ? null : asRpc(error)))));
    return CompletableFuture.allOf(receipts.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<Receipt<T>> out = new ArrayList<>(receipts.size());
              receipts.forEach(r -> out.add(r.join()));
              return out;
            });
  }

  /**
   * Starts the call on every node, each on a retry thread so that slow dials run side by side.
   * Once {@code result} is decided the calls still running are abandoned.
   */
  private Map<String, CompletableFuture<T>> start(List<KVPair> nodes, CompletableFuture<T> result) {
    Map<String, CompletableFuture<T>> calls = new LinkedHashMap<>();
    for (KVPair node : nodes) {
      CompletableFuture<T> f = new CompletableFuture<>();
      calls.put(node.key(), f);
      Runnable send =
          () -> {
            Call<T> call = x.send(node.key(), ctx, method, args, replyType);
            call.done()
                .whenComplete(
                    (r, e) -> {
                      if (e == null) {
                        f.complete(r);
                      } else {
                        f.completeExceptionally(FailModeCall.unwrap(e));
                      }
                    });
            f.whenComplete((r, e) -> call.done().cancel(false));
          };
      try {
        x.retryExecutor().execute(send);
      } catch (RejectedExecutionException e) {
        f.completeExceptionally(
            new ConnectionException(
                ConnectionException.SHUT_DOWN + ": XClient for " + x.servicePath() + " is closed"));
      }
    }
    if (result != null) {
      result.whenComplete((r, e) -> calls.values().forEach(c -> c.cancel(false)));
    }
    return calls;
  }

  private static RpcException asRpc(Throwable t) {
    Throwable e = FailModeCall.unwrap(t);
    return e instanceof RpcException ? (RpcException) e : new RpcException(String.valueOf(e), e);
  }
}
