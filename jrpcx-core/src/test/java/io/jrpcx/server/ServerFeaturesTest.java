package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.RpcName;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registration, auth, plugins and lifecycle of a real server on loopback. */
class ServerFeaturesTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Server start(Server server) {
    toClose.add(server);
    server.start("tcp", "127.0.0.1:0");
    return server;
  }

  private Client connect(Server server) {
    Client client = new Client();
    toClose.add(0, client);
    client.connect("tcp", server.address());
    return client;
  }

  @Test
  void registerWithoutNameUsesTheSimpleClassName() {
    Server server = Server.builder().build();
    toClose.add(server);
    server.register(new ArithService());
    assertThat(server.services()).containsExactly("ArithService");
  }

  @Test
  void rpcNameOverridesServiceAndMethodNames() {
    @RpcName("Calc")
    class Calculator {
      @RpcName("times")
      public Reply multiply(Args a) {
        return new Reply(a.A * a.B);
      }
    }
    Server server = start(Server.builder().build());
    server.register(new Calculator());
    Client client = connect(server);
    assertThat(client.call(Context.background(), "Calc", "times", new Args(3, 3), Reply.class).C)
        .isEqualTo(9);
  }

  /** Reports the thread each call ran on; {@code Inline} is {@link NonBlocking}. */
  public static class Threads {
    public String pooled(Args a) {
      return Thread.currentThread().getName();
    }

    @NonBlocking
    public String inline(Args a) {
      return Thread.currentThread().getName();
    }
  }

  @NonBlocking
  public static class InlineThreads {
    public String any(Args a) {
      return Thread.currentThread().getName();
    }
  }

  @Test
  void nonBlockingMethodsRunOnTheNetworkThreadAndOthersOnTheHandlerPool() {
    Server server = start(Server.builder().build());
    server.register(new Threads());
    server.register(new InlineThreads());
    Client client = connect(server);
    Args args = new Args(1, 2);
    assertThat(client.call(Context.background(), "Threads", "Pooled", args, String.class))
        .startsWith("jrpcx-handler");
    assertThat(client.call(Context.background(), "Threads", "Inline", args, String.class))
        .startsWith("jrpcx-server-io");
    assertThat(client.call(Context.background(), "InlineThreads", "Any", args, String.class))
        .startsWith("jrpcx-server-io");
  }

  @Test
  void registeringAnObjectWithoutServiceMethodsFailsClearly() {
    Server server = Server.builder().build();
    toClose.add(server);
    assertThatThrownBy(() -> server.register("Empty", new Object(), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no public method of a supported shape");
  }

  @Test
  void registeringTheSameNameTwiceFails() {
    Server server = Server.builder().build();
    toClose.add(server);
    server.register("Arith", new ArithService(), "");
    assertThatThrownBy(() -> server.register("Arith", new ArithService(), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered");
  }

  @Test
  void rpcxStyleReplyWithoutNoArgConstructorIsRejectedAtRegistration() {
    class NoDefault {
      NoDefault(int x) {}
    }
    class Bad {
      public void m(Context ctx, Args a, NoDefault reply) {}
    }
    Server server = Server.builder().build();
    toClose.add(server);
    assertThatThrownBy(() -> server.register("Bad", new Bad(), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-argument constructor");
  }

  @Test
  void validTokenIsAcceptedAndWrongTokenGetsAnErrorThenTheConnectionCloses() {
    Server server =
        start(
            Server.builder()
                .authenticator(
                    (conn, request, token) -> {
                      if (!"secret".equals(token)) {
                        throw new SecurityException("invalid token");
                      }
                    })
                .build());
    server.register("Arith", new ArithService(), "");

    Client good = connect(server);
    Context authed = Context.background().withMetadata(Message.AUTH_KEY, "secret");
    assertThat(good.call(authed, "Arith", "Mul", new Args(2, 3), Reply.class).C).isEqualTo(6);

    Client bad = connect(server);
    Context wrong = Context.background().withMetadata(Message.AUTH_KEY, "guess");
    assertThatThrownBy(() -> bad.call(wrong, "Arith", "Mul", new Args(2, 3), Reply.class))
        .isInstanceOf(ServiceException.class)
        .hasMessage("invalid token");
    await().atMost(Duration.ofSeconds(5)).until(bad::isShutdown);

    Client none = connect(server);
    assertThatThrownBy(
            () -> none.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class))
        .isInstanceOf(ServiceException.class);
    // The authenticated client is unaffected.
    assertThat(good.call(authed, "Arith", "Mul", new Args(4, 5), Reply.class).C).isEqualTo(20);
  }

  /** Holds calls until released. */
  public static class Slow {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(3);

    public Reply mul(Args a) throws InterruptedException {
      started.countDown();
      assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
      return new Reply(a.A * a.B);
    }
  }

  @Test
  void gracefulShutdownAnswersEveryCallInFlightThenStops() throws Exception {
    List<String> registry = new CopyOnWriteArrayList<>();
    Slow slow = new Slow();
    Server server =
        start(
            Server.builder()
                .plugin(
                    new ServerPlugin.Register() {
                      @Override
                      public void register(String name, Object service, String metadata) {
                        registry.add("+" + name);
                      }

                      @Override
                      public void unregister(String name) {
                        registry.add("-" + name);
                      }
                    })
                .build());
    server.register("Slow", slow, "weight=1");
    Client client = connect(server);
    List<Call<Reply>> calls = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      calls.add(client.go(Context.background(), "Slow", "Mul", new Args(i, 10), Reply.class));
    }
    assertThat(slow.started.await(5, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> drained =
        CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(20)));
    // Deregistration happens first, before anything is drained.
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.contains("-Slow"));
    assertThat(drained).isNotDone();
    // No new connections are accepted while draining.
    Client late = new Client();
    toClose.add(late);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> late.connect("tcp", server.address()))
                    .isInstanceOf(ConnectionException.class));

    slow.release.countDown();
    assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(calls.get(i).await().C).isEqualTo((i + 1) * 10);
    }
    assertThat(registry).containsExactly("+Slow", "-Slow");
    await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
  }

  @Test
  void shutdownTimeoutReportsCallsStillInFlight() throws Exception {
    Slow slow = new Slow();
    Server server = start(Server.builder().build());
    server.register("Slow", slow, "");
    Client client = connect(server);
    Call<Reply> call = client.go(Context.background(), "Slow", "Mul", new Args(1, 1), Reply.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> slow.started.getCount() == 2);
    try {
      assertThat(server.shutdown(Duration.ofMillis(200))).isFalse();
      assertThatThrownBy(call::await).isInstanceOf(ConnectionException.class);
    } finally {
      slow.release.countDown();
    }
  }

  @Test
  void closeStopsAtOnceAndServeReturns() throws Exception {
    Server server = Server.builder().build();
    server.register("Arith", new ArithService(), "");
    CompletableFuture<Void> serving =
        CompletableFuture.runAsync(
            () -> {
              try {
                server.serve("tcp", "127.0.0.1:0");
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> server.address() != null);
    Client client = connect(server);
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 2), Reply.class).C)
        .isEqualTo(4);
    server.close();
    serving.get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
  }

  @Test
  void serverPluginHooksRunInOrderAndMayReplaceArgsAndReply() {
    List<String> events = new CopyOnWriteArrayList<>();
    class Recorder
        implements ServerPlugin.PostConnAccept,
            ServerPlugin.PostConnClose,
            ServerPlugin.PostReadRequest,
            ServerPlugin.PreCall,
            ServerPlugin.PostCall,
            ServerPlugin.PreWriteResponse,
            ServerPlugin.PostWriteResponse {
      @Override
      public boolean connectionAccepted(ClientConnection c) {
        events.add("accept");
        return true;
      }

      @Override
      public void connectionClosed(ClientConnection c) {
        events.add("close");
      }

      @Override
      public void postReadRequest(ClientConnection c, Message request) {
        events.add("read " + request.serviceMethod());
      }

      @Override
      public Object preCall(ServerContext ctx, Object args) {
        events.add("preCall " + ctx.servicePath() + "." + ctx.serviceMethod());
        return new Args(((Args) args).A + 1, ((Args) args).B); // 2*3 becomes 3*3
      }

      @Override
      public Object postCall(ServerContext ctx, Object args, Object reply, Throwable error) {
        events.add("postCall " + ((Reply) reply).C);
        return new Reply(((Reply) reply).C * 100);
      }

      @Override
      public void preWriteResponse(ClientConnection c, Message req, Message res) {
        events.add("preWrite");
      }

      @Override
      public void postWriteResponse(ClientConnection c, Message req, Message res, Throwable e) {
        events.add("postWrite " + (e == null));
      }
    }
    Server server = start(Server.builder().plugin(new Recorder()).build());
    server.register("Arith", new ArithService(), "");
    Client client = connect(server);
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class).C)
        .isEqualTo(900);
    client.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("close"));
    assertThat(events)
        .containsExactly(
            "accept",
            "read Mul",
            "preCall Arith.Mul",
            "postCall 9",
            "preWrite",
            "postWrite true",
            "close");
  }

  @Test
  void connectionRejectedByPluginIsClosed() {
    Server server =
        start(Server.builder().plugin((ServerPlugin.PostConnAccept) c -> false).build());
    server.register("Arith", new ArithService(), "");
    Client client = connect(server);
    await().atMost(Duration.ofSeconds(5)).until(client::isShutdown);
  }

  @Test
  void postReadRequestServiceExceptionAnswersWithErrorAndKeepsTheConnection() {
    Server server =
        start(
            Server.builder()
                .plugin(
                    (ServerPlugin.PostReadRequest)
                        (c, req) -> {
                          if (req.serviceMethod().equals("Add")) {
                            throw new ServiceException("request reached rate limit");
                          }
                        })
                .build());
    server.register("Arith", new ArithService(), "");
    Client client = connect(server);
    assertThatThrownBy(
            () -> client.call(Context.background(), "Arith", "Add", new Args(1, 1), Reply.class))
        .isInstanceOf(ServiceException.class)
        .hasMessage("request reached rate limit");
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 4), Reply.class).C)
        .isEqualTo(8);
  }
}
