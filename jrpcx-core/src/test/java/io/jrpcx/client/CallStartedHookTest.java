package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CallStarted hook: once per call, before anything can refuse it, with a request to add to. */
class CallStartedHookTest {
  @RegisterExtension final TestServer server = TestServer.create();

  /** Tags every request and records each call with the outcome its done() completed with. */
  static class Recorder implements ClientPlugin.CallStarted {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<Object> outcomes = new CopyOnWriteArrayList<>();

    @Override
    public void callStarted(Call<?> call, Message request, String address) {
      started.add(call.servicePath() + "." + call.serviceMethod() + "@" + address);
      request.putMetadata("x-observed", "yes");
      call.done().whenComplete((r, e) -> outcomes.add(e == null ? r : e.getClass()));
    }
  }

  @Test
  void callStartedSeesEachCallOnceAndMetadataItAddsGoesOut() {
    Recorder recorder = new Recorder();
    Client client = server.connect(ClientOptions.builder().plugin(recorder).build());
    Call<Reply> call =
        client.go(
            Context.background().withMetadata("k", "v"),
            "Arith",
            "MulMeta",
            new Args(6, 7),
            Reply.class);
    assertThat(call.await().C).isEqualTo(42);
    assertThat(recorder.started).containsExactly("Arith.MulMeta@" + server.address());
    // MulMeta echoes the request metadata: the caller's entry and the plugin's both arrived.
    assertThat(call.responseMetadata()).containsEntry("k", "v").containsEntry("x-observed", "yes");
  }

  @Test
  void aCallTheClientRefusesIsStartedAndCompletesItsDone() {
    Recorder recorder = new Recorder();
    Client client = server.connect(ClientOptions.builder().plugin(recorder).build());
    client.close();
    assertThatThrownBy(
            () -> client.call(Context.background(), "Arith", "Mul", new Args(1, 2), Reply.class))
        .isInstanceOf(ConnectionException.class);
    assertThat(recorder.started).hasSize(1);
    assertThat(recorder.outcomes).containsExactly(ConnectionException.class);
  }

  @Test
  void aFailingCallStartedDoesNotFailTheCall() {
    ClientPlugin.CallStarted failing =
        (call, request, address) -> {
          throw new IllegalStateException("observer failed on purpose");
        };
    Client client = server.connect(ClientOptions.builder().plugin(failing).build());
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class).C)
        .isEqualTo(6);
  }
}
