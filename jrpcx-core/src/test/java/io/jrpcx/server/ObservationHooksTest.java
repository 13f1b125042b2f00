package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.plugin.RequestRateLimitPlugin;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server hooks observability plugins build on: AroundMethod, the request's identity from read
 * to write, and every written answer passing the write hooks.
 */
class ObservationHooksTest {
  private static final ThreadLocal<String> SCOPE = new ThreadLocal<>();

  private final Recorder recorder = new Recorder();
  private final Probe probe = new Probe();

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b -> b.plugin(recorder).plugin(RequestRateLimitPlugin.of(Duration.ofHours(1), 3)),
          s -> s.register("Probe", probe, ""));

  /** Answers with what the AroundMethod hook made current on the method's thread. */
  public static class Probe {
    final CompletableFuture<String> later = new CompletableFuture<>();
    volatile Thread methodThread;

    public String scope(String ignored) {
      methodThread = Thread.currentThread();
      return String.valueOf(SCOPE.get());
    }

    public CompletableFuture<String> scopeAsync(String ignored) {
      methodThread = Thread.currentThread();
      return later;
    }
  }

  /** Enters a thread-local scope around the method and records every request it sees. */
  static class Recorder
      implements ServerPlugin.AroundMethod,
          ServerPlugin.PostReadRequest,
          ServerPlugin.PreCall,
          ServerPlugin.PostWriteResponse {
    final List<Message> read = new CopyOnWriteArrayList<>();
    final List<Message> called = new CopyOnWriteArrayList<>();
    final List<Message> written = new CopyOnWriteArrayList<>();
    final List<Message> responses = new CopyOnWriteArrayList<>();
    final List<Thread> closedOn = new CopyOnWriteArrayList<>();
    volatile boolean failEnter;

    @Override
    public AutoCloseable enter(ServerContext ctx) {
      if (failEnter) {
        throw new IllegalStateException("enter failed on purpose");
      }
      SCOPE.set("in " + ctx.serviceMethod());
      return () -> {
        closedOn.add(Thread.currentThread());
        SCOPE.remove();
      };
    }

    @Override
    public void postReadRequest(ClientConnection connection, Message request) {
      read.add(request);
    }

    @Override
    public Object preCall(ServerContext ctx, Object args) {
      called.add(ctx.request());
      return args;
    }

    @Override
    public void postWriteResponse(
        ClientConnection connection, Message request, Message response, Throwable error) {
      written.add(request);
      responses.add(response);
    }
  }

  @Test
  void aroundMethodScopeIsCurrentWhileTheMethodRunsAndClosedOnItsThread() {
    Client client = server.connect();
    String seen = client.call(Context.background(), "Probe", "Scope", "x", String.class);
    assertThat(seen).isEqualTo("in Scope");
    assertThat(recorder.closedOn).containsExactly(probe.methodThread);
  }

  @Test
  void aroundMethodScopeOfAnAsyncMethodClosesWhenItReturnsNotWhenItCompletes() {
    Client client = server.connect();
    var call = client.go(Context.background(), "Probe", "ScopeAsync", "x", String.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.closedOn.size() == 1);
    assertThat(call.done()).isNotDone();
    assertThat(recorder.closedOn).containsExactly(probe.methodThread);
    probe.later.complete("done");
    assertThat(call.await()).isEqualTo("done");
  }

  @Test
  void aFailingAroundMethodDoesNotFailTheCall() {
    recorder.failEnter = true;
    Client client = server.connect();
    assertThat(client.call(Context.background(), "Probe", "Scope", "x", String.class))
        .isEqualTo("null");
  }

  @Test
  void theRequestIsTheSameObjectFromReadThroughPreCallToWrite() {
    Client client = server.connect();
    client.call(Context.background(), "Probe", "Scope", "x", String.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.written.size() == 1);
    assertThat(recorder.called).hasSize(1);
    assertThat(recorder.read.get(0))
        .isSameAs(recorder.called.get(0))
        .isSameAs(recorder.written.get(0));
  }

  @Test
  void aRequestRejectedByAPluginIsAnsweredThroughTheWriteHooks() throws Exception {
    Client client = server.connect();
    for (int i = 0; i < 3; i++) {
      client.call(Context.background(), "Probe", "Scope", "x", String.class);
    }
    assertThatThrownBy(() -> client.call(Context.background(), "Probe", "Scope", "x", String.class))
        .isInstanceOf(ServiceException.class)
        .hasMessage(RequestRateLimitPlugin.REACHED_LIMIT);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.written.size() == 4);
    assertThat(recorder.written.get(3)).isSameAs(recorder.read.get(3));
    assertThat(recorder.responses.get(3).errorText())
        .isEqualTo(RequestRateLimitPlugin.REACHED_LIMIT);
    assertThat(recorder.called).hasSize(3);
  }
}
