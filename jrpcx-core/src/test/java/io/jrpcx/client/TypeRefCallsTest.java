package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.TypeRef;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TypeRef} as the reply type: a {@code List<Reply>} reply decodes as {@code Reply}s on
 * every call method, where {@code List.class} gives maps; a bare {@code null} (oneway) still
 * compiles, since TypeRef goes through the {@code Type} overloads.
 */
class TypeRefCallsTest {
  private static final TypeRef<List<Reply>> REPLIES = new TypeRef<List<Reply>>() {};

  @RegisterExtension
  final TestServer server = TestServer.create(b -> {}, s -> s.register("Lists", new Lists(), ""));

  /** Answers {@code [A, B]} as two replies. */
  public static final class Lists {
    public List<Reply> pair(Args args) {
      return List.of(reply(args.A), reply(args.B));
    }

    private static Reply reply(int c) {
      Reply r = new Reply();
      r.C = c;
      return r;
    }
  }

  @Test
  void aTypeRefKeepsItsTypeArgumentsAndNeedsThem() {
    assertThat(REPLIES.type().getTypeName())
        .isEqualTo("java.util.List<" + Reply.class.getName() + ">");
    assertThat(REPLIES.getTypeName()).isEqualTo(REPLIES.type().getTypeName());
    assertThat(new TypeRef<List<Reply>>() {}).isEqualTo(REPLIES).hasSameHashCodeAs(REPLIES);
    assertThatThrownBy(() -> new TypeRef() {}).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aClassGivesMapsWhereATypeRefGivesTheElementType() {
    Client client = server.connect();
    List<?> raw = client.call(Context.background(), "Lists", "Pair", new Args(1, 2), List.class);
    assertThat(raw.get(0)).isInstanceOf(Map.class);

    List<Reply> replies =
        client.call(Context.background(), "Lists", "Pair", new Args(1, 2), REPLIES);
    assertThat(replies).extracting(r -> r.C).containsExactly(1, 2);
    assertThat(
            client
                .<List<Reply>>go(Context.background(), "Lists", "Pair", new Args(3, 4), REPLIES)
                .await())
        .extracting(r -> r.C)
        .containsExactly(3, 4);
  }

  @Test
  void everyXClientAndOneClientCallMethodTakesATypeRef() throws Exception {
    String key = "tcp@" + server.address();
    try (XClient x =
            XClient.create(
                "Lists",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                new MultipleServersDiscovery(List.of(new KVPair(key, ""))),
                ClientOptions.DEFAULT);
        OneClient one =
            OneClient.create(
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                new MultipleServersDiscovery(List.of(new KVPair(key, ""))),
                ClientOptions.DEFAULT)) {
      Context ctx = Context.background();
      Args args = new Args(5, 6);
      List<List<Reply>> results = new ArrayList<>();
      results.add(x.call(ctx, "Pair", args, REPLIES));
      results.add(x.<List<Reply>>callAsync(ctx, "Pair", args, REPLIES).get());
      results.add(x.<List<Reply>>go(ctx, "Pair", args, REPLIES).await());
      results.add(x.broadcast(ctx, "Pair", args, REPLIES));
      results.add(x.fork(ctx, "Pair", args, REPLIES));
      results.add(x.<List<Reply>>inform(ctx, "Pair", args, REPLIES).get(0).reply());
      results.add(one.call(ctx, "Lists", "Pair", args, REPLIES));
      results.add(one.<List<Reply>>callAsync(ctx, "Lists", "Pair", args, REPLIES).get());
      results.add(one.<List<Reply>>go(ctx, "Lists", "Pair", args, REPLIES).await());
      results.add(one.broadcast(ctx, "Lists", "Pair", args, REPLIES));
      results.add(one.fork(ctx, "Lists", "Pair", args, REPLIES));
      results.add(one.<List<Reply>>inform(ctx, "Lists", "Pair", args, REPLIES).get(0).reply());
      assertThat(results)
          .allSatisfy(list -> assertThat(list).extracting(r -> r.C).containsExactly(5, 6));
    }
  }
}
