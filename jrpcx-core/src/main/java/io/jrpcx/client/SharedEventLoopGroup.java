package io.jrpcx.client;

import io.jrpcx.transport.NettyTransport;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The network threads all clients in the JVM share, created on first use and stopped when the
 * last client closes. One thread per connection would not scale to an XClient talking to many
 * nodes; gRPC-java shares its default event loop the same way. This reference-counted holder is
 * the only static state in the client.
 */
final class SharedEventLoopGroup {
  private static final Object LOCK = new Object();
  private static EventLoopGroup group;
  private static int references;

  private SharedEventLoopGroup() {}

  static EventLoopGroup acquire() {
    synchronized (LOCK) {
      if (group == null) {
        group = NettyTransport.newEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()), "jrpcx-client-io");
      }
      references++;
      return group;
    }
  }

  static void release() {
    EventLoopGroup stopping = null;
    synchronized (LOCK) {
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
