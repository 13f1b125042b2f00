package io.jrpcx.server;

import io.jrpcx.internal.Network;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a server's open connections, in all and per peer address, and refuses one over either
 * limit as soon as it is accepted: its socket is closed at once, before the process runs out of
 * file descriptors and new peers start seeing {@code EMFILE} instead of an answer.
 */
final class ConnectionLimits {
  private final int maxConnections;
  private final int maxPerIp;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong refused =
      new java.util.concurrent.atomic.AtomicLong();

  ConnectionLimits(int maxConnections, int maxPerIp) {
    this.maxConnections = maxConnections;
    this.maxPerIp = maxPerIp;
  }

  /**
   * Counts {@code ch} as open and arranges for it to be uncounted when it closes; returns a reason
   * to refuse it instead, or null.
   */
  String admit(Channel ch) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      refused.incrementAndGet();
      return maxConnections + " connections are open (maxConnections)";
    }
    InetAddress ip = ip(ch);
    if (maxPerIp < Integer.MAX_VALUE && ip != null) {
      AtomicInteger n = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
      if (n.incrementAndGet() > maxPerIp) {
        release(ip, n);
        open.decrementAndGet();
        refused.incrementAndGet();
        return maxPerIp
            + " connections from "
            + ip.getHostAddress()
            + " are open (maxConnectionsPerIp)";
      }
      ch.closeFuture().addListener(f -> release(ip, n));
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    return null;
  }

  private void release(InetAddress ip, AtomicInteger n) {
    if (n.decrementAndGet() == 0) {
      perIp.remove(ip, n);
      // Another connection may have counted on this entry just before it was removed: it then
      // counts on an entry no longer listed, which only makes its address's limit looser once.
    }
  }

  /** Connections refused so far. */
  long refused() {
    return refused.get();
  }

  private static InetAddress ip(Channel ch) {
    return Network.peerAddress(ch) instanceof InetSocketAddress peer ? peer.getAddress() : null;
  }

  /**
   * The default connection cap: the process's file descriptor limit less room for everything
   * else it opens, so new peers are refused by the server, not by {@code EMFILE}.
   */
  static int defaultMaxConnections() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
      long fds = ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
      // Room for the JVM's own files (class path jars, epoll and pipe descriptors, logs).
      long cap = fds - Math.max(128, fds / 10);
      return (int) Math.max(16, Math.min(Integer.MAX_VALUE, cap));
    }
    return 10_000;
  }
}
