package io.jrpcx.client.selector;

import io.jrpcx.client.discovery.KVPair;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Measures a node's round-trip time by timing TCP connects to its address: rpcx pings, but a JVM
 * without privileges cannot send ICMP, and a TCP handshake is one round trip too (and proves the
 * port is open, which a ping does not).
 */
final class TcpConnectProbe implements Function<KVPair, OptionalDouble> {
  static final int PROBES = 3;
  static final int TIMEOUT_MILLIS = 3_000;

  /**
   * The average time of {@link #PROBES} connects in milliseconds, or empty when any of them fails,
   * times out, or the address is not {@code host:port}: a node that refuses or drops a connection
   * is not one to send calls to, and waiting for the other probes would only delay the verdict.
   */
  @Override
  public OptionalDouble apply(KVPair node) {
    InetSocketAddress address = parse(node.address());
    if (address == null || address.isUnresolved()) {
      return OptionalDouble.empty();
    }
    long totalNanos = 0;
    for (int i = 0; i < PROBES; i++) {
      try (Socket socket = new Socket()) {
        long start = System.nanoTime();
        socket.connect(address, TIMEOUT_MILLIS);
        totalNanos += System.nanoTime() - start;
      } catch (IOException | RuntimeException e) {
        return OptionalDouble.empty();
      }
    }
    return OptionalDouble.of(totalNanos / 1e6 / PROBES);
  }

  /**
   * {@code host:port} or {@code [v6]:port} as an address resolved once, so that name lookup is
   * not timed as network latency; null when it does not parse.
   */
  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      return null;
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      return port < 0 || port > 65_535 ? null : new InetSocketAddress(host, port);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
