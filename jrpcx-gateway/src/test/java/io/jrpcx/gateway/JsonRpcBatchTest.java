package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.server.ServerPlugin;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** JSON-RPC batches: bounded in size, and a huge one does not starve anybody else. */
class JsonRpcBatchTest {
  static final int LIMIT = 200_000;
  static final ObjectMapper JSON = new ObjectMapper();

  /** The probes' own: a JDK client runs all its connections on one selector thread. */
  static final HttpClient PROBE_CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final AtomicInteger calls = new AtomicInteger();

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b ->
              b.sharePortWith(Gateway.builder().maxBatchSize(LIMIT).build())
                  .plugin(
                      (ServerPlugin.PostReadRequest) (conn, request) -> calls.incrementAndGet()),
          s -> {});

  @RegisterExtension
  final TestServer defaults =
      TestServer.create(
          b ->
              b.sharePortWith(Gateway.create())
                  .plugin(
                      (ServerPlugin.PostReadRequest) (conn, request) -> calls.incrementAndGet()),
          s -> {});

  static String batch(int entries) {
    StringBuilder b = new StringBuilder(entries * 80).append('[');
    for (int i = 0; i < entries; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"params\":{\"A\":")
          .append(i)
          .append(",\"B\":2},\"id\":")
          .append(i)
          .append('}');
    }
    return b.append(']').toString();
  }

  @Test
  @Timeout(120)
  void fourHugeBatchesAtOnceDoNotStarveOtherClients() throws Exception {
    String huge = batch(100_000);
    Client client = server.connect();
    // Warm up the paths measured, so that class loading and the first JIT compilations in this
    // JVM (the clients' as much as the server's) do not count as unfairness.
    assertThat(client.call(Context.background(), "Arith", "Mul", new Args(1, 3), Reply.class).C)
        .isEqualTo(3);
    assertThat(
            PROBE_CLIENT
                .send(
                    Http.jsonRpc(
                            server.address(),
                            "{\"jsonrpc\":\"2.0\","
                                + "\"method\":\"Arith.Add\",\"params\":{\"A\":1,\"B\":1},\"id\":1}")
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    assertThat(Http.send(Http.jsonRpc(server.address(), batch(1_000))).statusCode()).isEqualTo(200);
    List<CompletableFuture<HttpResponse<String>>> batches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batches.add(
          Http.CLIENT.sendAsync(
              Http.jsonRpc(server.address(), huge)
                  .timeout(java.time.Duration.ofSeconds(100))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(batches.toArray(new CompletableFuture<?>[0]));
    List<String> slowProbes = new CopyOnWriteArrayList<>();
    AtomicInteger probes = new AtomicInteger();
    ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
    try {
      // A probe every 100 ms, an rpcx call and a JSON-RPC call, while the batches run.
      prober.scheduleAtFixedRate(
          () -> {
            int n = probes.incrementAndGet();
            String step = "rpcx";
            long start = System.nanoTime();
            try {
              Reply r =
                  client
                      .go(Context.background(), "Arith", "Mul", new Args(n, 3), Reply.class)
                      .done()
                      .get(1, TimeUnit.SECONDS);
              assertThat(r.C).isEqualTo(n * 3);
              step = "JSON-RPC";
              start = System.nanoTime();
              HttpResponse<String> http =
                  PROBE_CLIENT
                      .sendAsync(
                          Http.jsonRpc(
                                  server.address(),
                                  "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Add\",\"params\":{\"A\":"
                                      + n
                                      + ",\"B\":1},\"id\":1}")
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .get(1, TimeUnit.SECONDS);
              assertThat(http.body()).contains("\"result\":{\"C\":" + (n + 1) + "}");
            } catch (Throwable e) {
              slowProbes.add(
                  "probe "
                      + n
                      + ", "
                      + step
                      + " after "
                      + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                      + " ms: "
                      + e);
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      all.get(100, TimeUnit.SECONDS);
    } finally {
      prober.shutdown(); // the probe under way finishes
      assertThat(prober.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(probes.get()).isGreaterThanOrEqualTo(3);
    assertThat(slowProbes).isEmpty();
    for (CompletableFuture<HttpResponse<String>> b : batches) {
      JsonNode answers = JSON.readTree(b.get().body());
      assertThat(answers.size()).isEqualTo(100_000);
      for (int i = 0; i < 100_000; i += 9_999) {
        assertThat(answers.get(i).get("id").asInt()).isEqualTo(i);
        assertThat(answers.get(i).get("result").get("C").asInt()).isEqualTo(i * 2);
      }
    }
  }

  @Test
  void aBatchOverTheLimitIsOneInvalidRequestAndNothingRuns() throws Exception {
    HttpResponse<String> over = Http.send(Http.jsonRpc(defaults.address(), batch(1_001)));
    // Refused while counting: the malformed tail past the limit is never read.
    HttpResponse<String> overAndBroken =
        Http.send(
            Http.jsonRpc(
                defaults.address(), batch(100_000).substring(0, 500_000) + "this is not JSON"));

    String error =
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request:"
            + " a batch may have at most 1000 entries (maxBatchSize)\"},\"id\":null}";
    assertThat(over.statusCode()).isEqualTo(200);
    assertThat(over.body()).isEqualTo(error);
    assertThat(overAndBroken.body()).isEqualTo(error);
    assertThat(calls.get()).isZero();
  }

  @Test
  void aBatchAtTheLimitRunsWhole() throws Exception {
    HttpResponse<String> r = Http.send(Http.jsonRpc(defaults.address(), batch(1_000)));

    JsonNode answers = JSON.readTree(r.body());
    assertThat(answers.size()).isEqualTo(1_000);
    assertThat(answers.get(999).get("result").get("C").asInt()).isEqualTo(1_998);
    assertThat(calls.get()).isEqualTo(1_000);
  }

  @Test
  void aBrokenBatchIsOneParseErrorAndNothingRuns() throws Exception {
    HttpResponse<String> r =
        Http.send(
            Http.jsonRpc(
                defaults.address(),
                batch(3).replace("]", ",{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"id\":9}")));
    HttpResponse<String> trailing = Http.send(Http.jsonRpc(defaults.address(), batch(3) + "[]"));

    assertThat(r.body())
        .startsWith(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700," + "\"message\":\"Parse error: ")
        .endsWith("\"},\"id\":null}");
    assertThat(trailing.body())
        .startsWith(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700," + "\"message\":\"Parse error: ")
        .endsWith("\"},\"id\":null}");
    assertThat(calls.get()).isZero();
  }

  @Test
  void maxBatchSizeMustBePositive() {
    assertThat(Gateway.create().maxBatchSize()).isEqualTo(1_000);
    assertThatThrownBy(() -> Gateway.builder().maxBatchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchSize");
  }
}
