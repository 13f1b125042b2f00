package io.jrpcx.registry.mdns;

import io.jrpcx.client.discovery.KVPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * A client in its own JVM, for {@link MdnsNamespaceTest}: a discovery of one service that
 * prints {@code NODES <key>=<meta>,...} whenever its list changes, and a raw mDNS listener that
 * prints {@code PACKET <hex>} for every message on the group. Arguments: address to bind,
 * service. Prints {@link #READY} once listening; exits when stdin closes.
 */
public final class MdnsChildClient {
  static final String READY = "MDNS-CLIENT-READY";

  private MdnsChildClient() {}

  public static void main(String[] args) throws Exception {
    InetAddress address = InetAddress.getByName(args[0]);
    NetworkInterface nif = MdnsSocket.chooseInterface(address);
    // The raw tap: a plain socket on the group, so the bytes are what was sent, undecoded.
    DatagramChannel tap = DatagramChannel.open(StandardProtocolFamily.INET);
    tap.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    tap.bind(new InetSocketAddress(MdnsSocket.PORT));
    tap.join(MdnsSocket.GROUP, nif);
    Thread tapThread =
        new Thread(
            () -> {
              ByteBuffer buf = ByteBuffer.allocate(9000);
              try {
                while (true) {
                  buf.clear();
                  tap.receive(buf);
                  print("PACKET " + HexFormat.of().formatHex(buf.array(), 0, buf.position()));
                }
              } catch (IOException e) {
                // closed
              }
            },
            "tap");
    tapThread.setDaemon(true);
    tapThread.start();
    MdnsDiscovery d =
        MdnsDiscovery.builder()
            .bindAddress(address)
            .timeout(Duration.ofMillis(1))
            .servicePath(args[1])
            .build();
    d.watch(
        nodes ->
            print(
                "NODES " + nodes.stream().map(KVPair::toString).collect(Collectors.joining(","))));
    print(READY);
    while (System.in.read() >= 0) {
      // until the test goes away
    }
    d.close();
    tap.close();
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
