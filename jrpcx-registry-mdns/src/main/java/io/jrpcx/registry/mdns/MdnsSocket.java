package io.jrpcx.registry.mdns;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IPv4 mDNS endpoint: UDP port 5353 shared with every other mDNS stack of the host
 * ({@code SO_REUSEADDR}), joined to 224.0.0.251 on one interface, sending there with IP TTL 1
 * (as Go's zeroconf does: nothing leaves the link) and looped back, so that processes of one host
 * see each other. A daemon thread decodes what arrives from the interface's own subnets and hands
 * it to the handler; anything else, anything malformed, and anything the handler throws, is
 * logged at DEBUG and dropped.
 */
final class MdnsSocket implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(MdnsSocket.class);
  static final InetAddress GROUP = group();
  static final int PORT = 5353;

  /** RFC 6762 §17: an mDNS message fits 9000 bytes. */
  private static final int MAX_MESSAGE = 9000;

  interface Handler {
    void received(Dns.Message message, InetSocketAddress from);
  }

  private final DatagramChannel channel;
  private final NetworkInterface nif;
  private final InetSocketAddress group;
  private final List<InterfaceAddress> link;
  private final Thread receiver;
  private volatile boolean closed;

  MdnsSocket(NetworkInterface nif, Handler handler, String name) throws IOException {
    this.nif = nif;
    this.group = new InetSocketAddress(GROUP, PORT);
    DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(new InetSocketAddress(PORT));
      ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
      ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
      ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
      ch.join(GROUP, nif);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    this.channel = ch;
    this.link = List.copyOf(nif.getInterfaceAddresses());
    receiver = new Thread(() -> receive(handler), name);
    receiver.setDaemon(true);
    receiver.start();
  }

  NetworkInterface networkInterface() {
    return nif;
  }

  /** Multicasts {@code message} to 224.0.0.251:5353. */
  void send(byte[] message) throws IOException {
    send(message, group);
  }

  void send(byte[] message, InetSocketAddress to) throws IOException {
    if (!closed) {
      channel.send(ByteBuffer.wrap(message), to);
    }
  }

  private void receive(Handler handler) {
    ByteBuffer buf = ByteBuffer.allocate(MAX_MESSAGE);
    while (!closed) {
      buf.clear();
      InetSocketAddress from;
      try {
        from = (InetSocketAddress) channel.receive(buf);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.debug("mDNS receive failed on {}", nif.getName(), e);
        }
        continue;
      }
      if (!onLink(from.getAddress())) {
        // The port is bound on every interface; RFC 6762 §11: only the link's own peers count.
        log.debug("dropping an mDNS message from {}, not on {}", from, nif.getName());
        continue;
      }
      Dns.Message m;
      try {
        m = Dns.decode(buf.array(), buf.position());
      } catch (IOException | RuntimeException e) {
        log.debug("dropping a malformed mDNS message from {}: {}", from, e.toString());
        continue;
      }
      try {
        handler.received(m, from);
      } catch (RuntimeException e) {
        log.debug("dropping an mDNS message from {} its handler refused", from, e);
      }
    }
  }

  /** Whether {@code a} is in one of the interface's subnets. */
  boolean onLink(InetAddress a) {
    byte[] b = a.getAddress();
    for (InterfaceAddress ia : link) {
      byte[] net = ia.getAddress().getAddress();
      if (net.length == b.length && samePrefix(net, b, ia.getNetworkPrefixLength())) {
        return true;
      }
    }
    return false;
  }

  private static boolean samePrefix(byte[] x, byte[] y, int bits) {
    for (int i = 0; i < x.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if (((x[i] ^ y[i]) & mask) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing the mDNS socket failed", e);
    }
  }

  /**
   * The interface of {@code bindAddress}; without one, the first interface that is up, supports
   * multicast, is not loopback and has an IPv4 address, as close as one interface gets to Go's
   * "every multicast interface".
   */
  static NetworkInterface chooseInterface(InetAddress bindAddress) {
    try {
      if (bindAddress != null) {
        NetworkInterface nif = NetworkInterface.getByInetAddress(bindAddress);
        if (nif == null) {
          throw new IllegalArgumentException("no interface has the address " + bindAddress);
        }
        return nif;
      }
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nif.isUp()
            && nif.supportsMulticast()
            && !nif.isLoopback()
            && Collections.list(nif.getInetAddresses()).stream()
                .anyMatch(a -> a instanceof Inet4Address)) {
          return nif;
        }
      }
      throw new IllegalStateException(
          "no multicast interface with an IPv4 address is up; " + "set bindAddress");
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The IPv4 addresses to announce for this host on {@code nif}: its non-loopback ones, as Go's
   * zeroconf announces; when it has none (a loopback-only setup), {@code bindAddress} itself.
   */
  static List<Inet4Address> hostAddresses(NetworkInterface nif, InetAddress bindAddress) {
    List<Inet4Address> out = new ArrayList<>();
    for (InetAddress a : Collections.list(nif.getInetAddresses())) {
      if (a instanceof Inet4Address v4 && !a.isLoopbackAddress()) {
        out.add(v4);
      }
    }
    if (out.isEmpty() && bindAddress instanceof Inet4Address v4) {
      out.add(v4);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "interface " + nif.getName() + " has no IPv4 address to announce");
    }
    // getInetAddresses has no documented order; sort so that announcements are stable.
    out.sort((x, y) -> java.util.Arrays.compare(x.getAddress(), y.getAddress()));
    return out;
  }

  private static InetAddress group() {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) 224, 0, 0, (byte) 251});
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
