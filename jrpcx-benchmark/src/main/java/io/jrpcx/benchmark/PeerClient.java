package io.jrpcx.benchmark;

import java.util.concurrent.CompletableFuture;

/**
 * A peer's client over one or more connections to its server. Thread-safe: the load generator
 * starts calls from many threads, including the threads that complete earlier calls.
 */
interface PeerClient extends AutoCloseable {

  /**
   * Starts one call of the workload, on the next connection in turn. The future completes once
   * the reply has arrived and been checked, exceptionally when the call failed or the reply is
   * not what the server answers. Never blocks for the reply.
   */
  CompletableFuture<?> call();

  @Override
  void close();

  /** The failure of a call whose reply arrived but was not the expected one. */
  static IllegalStateException wrongReply(Object reply) {
    return new IllegalStateException("unexpected reply: " + reply);
  }
}
