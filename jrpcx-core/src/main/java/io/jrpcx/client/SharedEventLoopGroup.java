package io.jrpcx.client;

import io.jrpcx.internal.NettyTransport;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The network threads all clients in the JVM share, created on first use and stopped when the
 * last client closes. One thread per connection would not scale to an XClient talking to many
 * nodes; gRPC-java shares its default event loop the same way. These two reference-counted
 * holders, one for sockets and one for in-process channels (which cannot share socket event
 * loops), are the only static state in the client.
 *
 * <p>Beside the event loops each holds a {@link #blocking() blocking executor} for work that may
 * wait on a dial (retries, fan-out), whose threads exist only while such work runs: XClients
 * share it and the event loops' timers, so a thousand of them cost no threads of their own.
 */
final class SharedEventLoopGroup {
  static final SharedEventLoopGroup SOCKETS =
      new SharedEventLoopGroup(
          () ->
              NettyTransport.newEventLoopGroup(
                  Math.max(1, Runtime.getRuntime().availableProcessors()), "jrpcx-client-io"));
  static final SharedEventLoopGroup IN_PROCESS =
      new SharedEventLoopGroup(
          () ->
              NettyTransport.newInProcessEventLoopGroup(
                  Math.max(1, Runtime.getRuntime().availableProcessors()), "jrpcx-client-local"));

  private final Supplier<EventLoopGroup> factory;
  private EventLoopGroup group;
  private ExecutorService blocking;
  private int references;

  private SharedEventLoopGroup(Supplier<EventLoopGroup> factory) {
    this.factory = factory;
  }

  static SharedEventLoopGroup forNetwork(String network) {
    return NettyTransport.isInProcess(network) ? IN_PROCESS : SOCKETS;
  }

  synchronized EventLoopGroup acquire() {
    if (group == null) {
      group = factory.get();
      blocking =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              30,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              r -> {
                Thread t = new Thread(r, "jrpcx-client-blocking");
                t.setDaemon(true);
                return t;
              });
    }
    references++;
    return group;
  }

  /**
   * Threads for tasks that may block, such as a call that has to dial first; only while the
   * holder is {@link #acquire() acquired}.
   */
  synchronized Executor blocking() {
    if (blocking == null) {
      throw new RejectedExecutionException("no client holds the shared event loops");
    }
    return blocking;
  }

  void release() {
    EventLoopGroup stopping = null;
    ExecutorService stoppingBlocking = null;
    synchronized (this) {
      if (--references == 0) {
        stopping = group;
        stoppingBlocking = blocking;
        group = null;
        blocking = null;
      }
    }
    if (stopping != null) {
      stopping.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      stoppingBlocking.shutdown();
    }
  }
}
