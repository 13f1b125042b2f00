package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.Registries;
import java.time.Duration;

/**
 * Calls Arith.Mul through an {@link XClient} with Failtry and random selection, like rpcx's {@code
 * 102basic/client}: over peer-to-peer discovery of {@code --addr}, or over the servers registered
 * in the registry at {@code --registry} (any registry URL whose module is on the class path).
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.XClientArith --addr 127.0.0.1:8972
 * java -cp jrpcx-examples.jar io.jrpcx.examples.XClientArith --registry etcd://127.0.0.1:2379 \
 *     --base-path /rpcx_test</pre>
 */
public final class XClientArith {
  private XClientArith() {}

  public static void main(String[] args) {
    Flags flags = new Flags(args);
    String registry = flags.get("registry", "");
    try (ServiceDiscovery discovery =
            registry.isEmpty()
                ? new Peer2PeerDiscovery("tcp@" + flags.get("addr", "127.0.0.1:8972"), "")
                : Registries.discovery(registry, flags.get("base-path", "/rpcx_test"), "Arith");
        XClient xclient =
            XClient.create(
                "Arith",
                FailMode.FAILTRY,
                SelectMode.RANDOM_SELECT,
                discovery,
                ClientOptions.DEFAULT)) {
      Args a = new Args(10, 20);
      Context ctx = Context.background().withTimeout(Duration.ofSeconds(5));
      Reply reply = xclient.call(ctx, "Mul", a, Reply.class);
      System.out.printf("%d * %d = %d%n", a.A, a.B, reply.C);
    }
  }
}
