package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import java.time.Duration;

/**
 * Calls Arith.Mul through an {@link XClient} with Failtry and random selection over peer-to-peer
 * discovery, like rpcx's {@code 102basic/client}.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.XClientArith --addr 127.0.0.1:8972</pre>
 */
public final class XClientArith {
  private XClientArith() {}

  public static void main(String[] args) {
    String addr = new Flags(args).get("addr", "127.0.0.1:8972");
    try (Peer2PeerDiscovery discovery = new Peer2PeerDiscovery("tcp@" + addr, "");
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
