package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import java.time.Duration;

/**
 * Calls Arith.Mul asynchronously with {@link XClient#go}, like rpcx's {@code 102basic/client}
 * async variant: one selection, one attempt, the reply arrives on the call's future.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.XClientArithAsync --addr 127.0.0.1:8972</pre>
 */
public final class XClientArithAsync {
  private XClientArithAsync() {}

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
      Call<Reply> call = xclient.go(ctx, "Mul", a, Reply.class);
      // ... other work while the call is in flight ...
      Reply reply = call.await();
      System.out.printf("%d * %d = %d%n", a.A, a.B, reply.C);
    }
  }
}
