package io.jrpcx.registry.mdns;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A server announcing one service from its own JVM, for {@link MdnsNamespaceTest}: the test
 * kills it with SIGKILL, or writes {@code close} to its stdin for a graceful close (unregister
 * and goodbye). Arguments: address to bind and announce, port, record TTL in seconds, instance
 * and host name, service, metadata. Prints {@link #READY} once registered, then waits.
 */
public final class MdnsChildServer {
  static final String READY = "MDNS-CHILD-READY";
  static final String CLOSED = "MDNS-CHILD-CLOSED";

  private MdnsChildServer() {}

  public static void main(String[] args) throws Exception {
    MdnsRegisterPlugin plugin =
        MdnsRegisterPlugin.builder()
            .serviceAddress("tcp@" + args[0] + ":" + args[1])
            .instanceName(args[3])
            .hostName(args[3])
            .bindAddress(InetAddress.getByName(args[0]))
            .ttl(Duration.ofSeconds(Long.parseLong(args[2])))
            .updateInterval(Duration.ofSeconds(1))
            .build();
    plugin.start();
    plugin.register(args[4], new Object(), args[5]);
    System.out.println(READY);
    System.out.flush();
    // Ends on "close", or when the test (and so stdin) goes away.
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("close")) {
        break;
      }
    }
    plugin.close();
    System.out.println(CLOSED);
    System.out.flush();
  }
}
