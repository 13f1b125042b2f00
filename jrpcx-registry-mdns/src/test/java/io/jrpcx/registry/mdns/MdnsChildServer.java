package io.jrpcx.registry.mdns;

import java.net.InetAddress;
import java.time.Duration;

/**
 * A server announcing {@code Arith} at {@code tcp@<address>:<port>} from its own JVM, so that
 * {@link MdnsNamespaceTest} can kill it with SIGKILL. Arguments: the address to bind and
 * announce, the port, the record TTL in seconds. Prints {@link #READY} once its first
 * announcement is out, then waits to be killed.
 */
public final class MdnsChildServer {
  static final String READY = "MDNS-CHILD-READY";

  private MdnsChildServer() {}

  public static void main(String[] args) throws Exception {
    InetAddress address = InetAddress.getByName(args[0]);
    MdnsRegisterPlugin plugin = MdnsRegisterPlugin.builder()
        .serviceAddress("tcp@" + args[0] + ":" + args[1]).instanceName("child-" + args[1])
        .hostName("child-" + args[1]).bindAddress(address)
        .ttl(Duration.ofSeconds(Long.parseLong(args[2])))
        .updateInterval(Duration.ofSeconds(1)).build();
    plugin.start();
    plugin.register("Arith", new Object(), "weight=7");
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(Duration.ofMinutes(2).toMillis()); // bounded, in case nobody kills it
    plugin.close();
  }
}
