package io.jrpcx.registry.mdns;

import java.net.InetAddress;
import java.time.Duration;

/**
 * A server announcing {@code Arith} at {@code tcp@127.0.0.1:<port>} from its own JVM, so that a
 * test can kill it with SIGKILL. Arguments: the port and the update interval in seconds.
 * Prints {@link #READY} once announced, then waits to be killed.
 */
public final class MdnsChildServer {
  static final String READY = "MDNS-CHILD-READY";

  private MdnsChildServer() {}

  public static void main(String[] args) throws Exception {
    MdnsRegisterPlugin plugin = MdnsRegisterPlugin.builder()
        .serviceAddress("tcp@127.0.0.1:" + args[0]).instanceName("child-" + args[0])
        .bindAddress(InetAddress.getByName("127.0.0.1"))
        .updateInterval(Duration.ofSeconds(Long.parseLong(args[1]))).build();
    plugin.register("Arith", new Object(), "weight=7");
    plugin.start();
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(Duration.ofMinutes(2).toMillis()); // bounded, in case nobody kills it
    plugin.close();
  }
}
