package io.jrpcx.testing;

import io.jrpcx.internal.NettyTransport;
import io.netty.channel.epoll.Epoll;
import java.util.Locale;

/**
 * Whether the {@code reuseport} network can run here. It needs Netty's epoll transport, whose
 * native jars the build ships for Linux x86_64 and aarch64: on Linux a missing epoll is a broken
 * build and fails the test that asks, instead of quietly leaving reuseport untested; elsewhere
 * reuseport does not apply.
 */
public final class ReusePort {
  private ReusePort() {}

  /**
   * True where reuseport runs, false off Linux.
   *
   * @throws AssertionError on Linux when epoll did not load, with Netty's reason
   */
  public static boolean runsHere() {
    boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    if (!linux) {
      return false;
    }
    if (!NettyTransport.isEpoll()) {
      throw new AssertionError(
          "the epoll native transport did not load on Linux, so reuseport cannot be tested: "
              + Epoll.unavailabilityCause());
    }
    return true;
  }
}
