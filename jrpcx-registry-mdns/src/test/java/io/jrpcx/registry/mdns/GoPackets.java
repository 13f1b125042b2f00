package io.jrpcx.registry.mdns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The mDNS messages Go rpcx v1.9.1 (grandcat/zeroconf v1.0.0, miekg/dns 1.1.50) sent in the
 * shared interop capture, copied into the test resources ({@code mdns-vectors/}, with the
 * manifest's mdns entries in {@code mdns-vectors.json}), and the settings of the server that
 * sent them: host name {@code rpcx-go-host}, {@code tcp@10.255.255.1:8972}, service Arith with
 * metadata {@code weight=10&group=g1}.
 */
final class GoPackets {
  static final String HOST = "rpcx-go-host";
  static final String ADDRESS = "tcp@10.255.255.1:8972";
  static final String META = "weight=10&group=g1";

  /** The metadata after the first update tick, rates 0.00. */
  static final String META_REFRESHED = "calls=0.00&connections=0.00&group=g1&weight=10";

  private GoPackets() {}

  static byte[] get(String name) {
    try (InputStream in = GoPackets.class.getResourceAsStream("/mdns-vectors/" + name + ".bin")) {
      if (in == null) {
        throw new IllegalArgumentException("no vector " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Dns.Message decode(String name) throws IOException {
    byte[] b = get(name);
    return Dns.decode(b, b.length);
  }

  static Inet4Address address() {
    try {
      return (Inet4Address) InetAddress.getByName("10.255.255.1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Go server's zone as jrpcx builds it, with the TXT of {@code meta} ({@code null}: []). */
  static Zone zone(String meta) {
    List<RpcxTxt.Entry> entries =
        meta == null ? List.of() : List.of(new RpcxTxt.Entry("Arith", meta, ADDRESS));
    return Zone.of(
        HOST,
        HOST,
        MdnsRegisterPlugin.SERVICE,
        "local.",
        8972,
        MdnsRegisterPlugin.DEFAULT_TTL.toSeconds(),
        List.of(address()),
        RpcxTxt.fit(entries).string());
  }
}
