package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.LogCapture;
import io.jrpcx.testing.Reply;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What registration tells about a service's methods, and the void shapes it serves. */
@Timeout(30)
class RegistrationDiagnosticsTest {
  private Server server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  /** One served method and one of each shape registration skips. */
  public static class Shapes {
    public Reply mul(Args a) {
      return new Reply(a.A * a.B);
    }

    public int getCount() {
      return 0;
    }

    public Reply twoArgs(String name, Args a) {
      return null;
    }

    public Reply rpcxReturning(Context ctx, Args a, Reply r) {
      return r;
    }

    public static Reply helper(Args a) {
      return null;
    }
  }

  /** Methods that return nothing, as Java users write them. */
  public static class Recorder {
    final List<Integer> seen = new CopyOnWriteArrayList<>();

    public void record(Args a) {
      seen.add(a.A);
    }

    public void recordWithContext(Context ctx, Args a) {
      seen.add(a.B);
    }
  }

  @Test
  void registerWarnsOfEveryPublicMethodItSkipsAndWhy() throws Exception {
    server = Server.builder().build();
    List<String> lines = LogCapture.during(() -> server.register("Shapes", new Shapes(), ""));

    List<String> warnings = lines.stream().filter(l -> l.contains(" WARN ")).toList();
    assertThat(warnings).hasSize(4);
    assertThat(warnings)
        .anySatisfy(
            l -> assertThat(l).contains("getCount()").contains("it takes no arguments object"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("twoArgs(java.lang.String,")
                    .contains("the first is not a Context or ServerContext"))
        .anySatisfy(l -> assertThat(l).contains("rpcxReturning(").contains("returns void, not"))
        .anySatisfy(l -> assertThat(l).contains("helper(").contains("it is static"))
        .allSatisfy(l -> assertThat(l).contains("service Shapes: not serving"));
  }

  @Test
  void voidMethodsAreServedAndAnsweredWithAnEmptyPayload() {
    server = Server.builder().build();
    Recorder recorder = new Recorder();
    server.register("Recorder", recorder, "");
    server.start("tcp", "127.0.0.1:0");

    try (RawRpcxSocket s = RawRpcxSocket.connect(server.address())) {
      byte[] args = RawRpcxSocket.json("{\"A\":1,\"B\":2}");
      Message plain =
          s.call(RawRpcxSocket.request(1, "Recorder", "Record", SerializeType.JSON, args));
      Message withContext =
          s.call(
              RawRpcxSocket.request(2, "Recorder", "RecordWithContext", SerializeType.JSON, args));

      for (Message response : List.of(plain, withContext)) {
        assertThat(response.isError()).as(response.errorText()).isFalse();
        // Go's server sends no payload for a nil reply.
        assertThat(response.payload()).isEmpty();
      }
    }
    assertThat(recorder.seen).containsExactly(1, 2);
  }
}
