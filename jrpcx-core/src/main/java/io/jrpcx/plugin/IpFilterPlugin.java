package io.jrpcx.plugin;

import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.ServerPlugin;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Accepts or closes connections by the client's IP address, rpcx's {@code WhitelistPlugin} and
 * {@code BlacklistPlugin} in one: entries are single addresses ({@code 192.0.2.7},
 * {@code 2001:db8::1}) or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}), IPv4 and IPv6.
 *
 * <pre>{@code
 * IpFilterPlugin.allow("10.0.0.0/8", "::1")              // only these
 * IpFilterPlugin.deny("203.0.113.0/24")                   // everyone but these
 * IpFilterPlugin.allow("10.0.0.0/8").withDenied("10.6.6.0/24")  // deny wins
 * }</pre>
 *
 * <p><b>Rules.</b> An address in any denied entry is refused, even when an allowed entry holds it
 * too. When the filter has allowed entries, an address in none of them is refused; with only
 * denied entries, everything else is accepted. An IPv4-mapped IPv6 peer ({@code ::ffff:a.b.c.d},
 * as a dual-stack socket may report it) is matched as its IPv4 address. A refused connection is
 * closed as soon as it is accepted, before any of its bytes are read.
 *
 * <p><b>Peers without an IP address</b> (unix sockets, the in-process transport) are accepted by a
 * filter with only denied entries and refused by one with allowed entries, unless
 * {@link #withNonIpPeers} says otherwise.
 *
 * <p><b>No name lookups.</b> Entries must be address literals: {@code "localhost"} or any other
 * name is refused with {@link IllegalArgumentException} at construction, never resolved, so the
 * filter cannot be steered through DNS and never blocks on it.
 *
 * <p>Immutable and thread-safe; the {@code withX} methods return changed copies. Add it before a
 * {@link ConnectionRateLimitPlugin} so refused peers spend no connection tokens.
 */
public final class IpFilterPlugin implements ServerPlugin.PostConnAccept {
  private final IpRange[] allowed;
  private final IpRange[] denied;
  private final Boolean nonIpPeers;
  private final LongAdder rejected = new LongAdder();

  private IpFilterPlugin(IpRange[] allowed, IpRange[] denied, Boolean nonIpPeers) {
    this.allowed = allowed;
    this.denied = denied;
    this.nonIpPeers = nonIpPeers;
  }

  /**
   * A filter that accepts only the given addresses and blocks, rpcx's {@code WhitelistPlugin}.
   *
   * @throws IllegalArgumentException when an entry is not an IP address or CIDR block, or there
   *     is none
   */
  public static IpFilterPlugin allow(String... addressesOrCidrs) {
    return allow(Arrays.asList(addressesOrCidrs));
  }

  /** {@link #allow(String...)} with a collection. */
  public static IpFilterPlugin allow(Collection<String> addressesOrCidrs) {
    return new IpFilterPlugin(parse(addressesOrCidrs), new IpRange[0], null);
  }

  /**
   * A filter that refuses the given addresses and blocks and accepts everyone else, rpcx's
   * {@code BlacklistPlugin}.
   *
   * @throws IllegalArgumentException when an entry is not an IP address or CIDR block, or there
   *     is none
   */
  public static IpFilterPlugin deny(String... addressesOrCidrs) {
    return deny(Arrays.asList(addressesOrCidrs));
  }

  /** {@link #deny(String...)} with a collection. */
  public static IpFilterPlugin deny(Collection<String> addressesOrCidrs) {
    return new IpFilterPlugin(new IpRange[0], parse(addressesOrCidrs), null);
  }

  /**
   * A copy that also accepts the given addresses and blocks. Added to a deny-only filter, it makes
   * the filter accept only its allowed entries (minus the denied ones).
   */
  public IpFilterPlugin withAllowed(String... addressesOrCidrs) {
    return new IpFilterPlugin(
        concat(allowed, parse(Arrays.asList(addressesOrCidrs))), denied, nonIpPeers);
  }

  /** A copy that also refuses the given addresses and blocks, whatever is allowed. */
  public IpFilterPlugin withDenied(String... addressesOrCidrs) {
    return new IpFilterPlugin(
        allowed, concat(denied, parse(Arrays.asList(addressesOrCidrs))), nonIpPeers);
  }

  /**
   * A copy that accepts (or refuses) peers without an IP address, such as unix-socket and
   * in-process clients, whatever its entries are.
   */
  public IpFilterPlugin withNonIpPeers(boolean accepted) {
    return new IpFilterPlugin(allowed, denied, accepted);
  }

  /** Whether a client at {@code address} is let in. */
  public boolean permits(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (IpRange r : denied) {
      if (r.contains(bytes)) {
        return false;
      }
    }
    if (allowed.length == 0) {
      return true;
    }
    for (IpRange r : allowed) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** Connections closed by this filter so far. */
  public long rejected() {
    return rejected.sum();
  }

  @Override
  public boolean connectionAccepted(ClientConnection connection) {
    if (permits(connection.remoteAddress())) {
      return true;
    }
    rejected.increment();
    return false;
  }

  private boolean permits(SocketAddress remote) {
    if (remote instanceof InetSocketAddress) {
      InetAddress ip = ((InetSocketAddress) remote).getAddress();
      if (ip != null) {
        return permits(ip);
      }
    }
    return nonIpPeers != null ? nonIpPeers : allowed.length == 0;
  }

  private static IpRange[] parse(Collection<String> entries) {
    Objects.requireNonNull(entries, "addressesOrCidrs");
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no address or CIDR block given");
    }
    List<IpRange> out = new ArrayList<>(entries.size());
    for (String e : entries) {
      out.add(IpRange.parse(Objects.requireNonNull(e, "address or CIDR block")));
    }
    return out.toArray(new IpRange[0]);
  }

  private static IpRange[] concat(IpRange[] a, IpRange[] b) {
    IpRange[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public String toString() {
    return "IpFilterPlugin[allowed="
        + Arrays.toString(allowed)
        + ", denied="
        + Arrays.toString(denied)
        + (nonIpPeers == null ? "" : ", nonIpPeers=" + (nonIpPeers ? "accepted" : "refused"))
        + "]";
  }
}
