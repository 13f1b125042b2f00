package io.jrpcx.client;

import io.jrpcx.transport.NettyTransport;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The network threads all clients in the JVM share, created on first use and stopped when the
 * last client closes. One thread per connection would not scale to an XClient talking to many
 * nodes; gRPC-java shares its default event loop the same way. These two reference-counted
 * holders, one for sockets and one for in-process channels (which cannot share socket event
 * loops), are the only static state in the client.
 */
final class SharedEventLoopGroup {
  static final SharedEventLoopGroup SOCKETS = new SharedEventLoopGroup(
      () -> NettyTransport.newEventLoopGroup(
          Math.max(1, Runtime.getRuntime().availableProcessors()), "jrpcx-client-io"));
  static final SharedEventLoopGroup IN_PROCESS = new SharedEventLoopGroup(
      () -> NettyTransport.newInProcessEventLoopGroup(
          Math.max(1, Runtime.getRuntime().availableProcessors()), "jrpcx-client-local"));

  private final Supplier<EventLoopGroup> factory;
  private EventLoopGroup group;
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
    }
    references++;
    return group;
  }

  void release() {
    EventLoopGroup stopping = null;
    synchronized (this) {
      if (--references == 0) {
        stopping = group;
        group = null;
      }
    }
    if (stopping != null) {
      stopping.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
