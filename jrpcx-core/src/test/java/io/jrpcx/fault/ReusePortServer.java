package io.jrpcx.fault;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;

/**
 * A jrpcx server in a JVM of its own on the {@code reuseport} network, at the address given, so
 * that several of them share one port. Prints {@code READY reuseport@host:port pid}; when its
 * standard input closes it shuts down gracefully (answering the calls in flight) and exits, as a
 * process being replaced by a new one would.
 *
 * <p>Arguments: the node's name (answered by {@code Node.Id}) and the address.
 */
public final class ReusePortServer {
  private ReusePortServer() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    Server server = Server.builder().build();
    server.register("Arith", new ArithService(), "");
    server.register("Node", new ChildServer.Node(name, false), "");
    server.start("reuseport", args[1]);
    System.out.println(
        ChildServer.READY + " reuseport@" + server.address() + " " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the test JVM to close our stdin (or to die)
    }
    server.shutdown(Duration.ofSeconds(10));
    server.close();
  }
}
