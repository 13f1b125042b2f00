package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.RpcName;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which rpc method a proxy method calls: its name capitalised, without the {@code Async} of a
 * method returning a future, or {@link RpcName}'s value; a {@link Context} first parameter is the
 * call's context.
 */
class ProxyMethodNamesTest {
  @RegisterExtension final TestServer server = TestServer.create();

  /** One interface with every way to reach {@code Arith.Mul}. */
  public interface ArithApi {
    Reply mul(Args args);

    Reply mul(Context ctx, Args args);

    CompletableFuture<Reply> mulAsync(Args args);

    CompletionStage<Reply> mulAsync(Context ctx, Args args);

    @RpcName("Mul")
    Reply times(Args args);
  }

  @Test
  void syncAsyncAndRenamedMethodsAllCallMul() throws Exception {
    try (XClient x =
        XClient.create(
            "Arith",
            FailMode.FAILFAST,
            SelectMode.RANDOM_SELECT,
            new Peer2PeerDiscovery("tcp@" + server.address(), ""),
            ClientOptions.DEFAULT)) {
      ArithApi api = x.proxy(ArithApi.class);
      Context ctx = Context.background().withMetadata("k", "v");
      assertThat(api.mul(new Args(2, 3)).C).isEqualTo(6);
      assertThat(api.mul(ctx, new Args(3, 3)).C).isEqualTo(9);
      assertThat(api.mulAsync(new Args(4, 3)).get(10, TimeUnit.SECONDS).C).isEqualTo(12);
      assertThat(
              api.mulAsync(ctx, new Args(5, 3)).toCompletableFuture().get(10, TimeUnit.SECONDS).C)
          .isEqualTo(15);
      assertThat(api.times(new Args(6, 3)).C).isEqualTo(18);
    }
  }
}
