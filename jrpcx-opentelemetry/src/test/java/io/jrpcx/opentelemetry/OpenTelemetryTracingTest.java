package io.jrpcx.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client and server spans of real calls over loopback TCP, exported to memory. */
class OpenTelemetryTracingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String GO_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String GO_SPAN_ID = "00f067aa0ba902b7";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final Tracer testTracer = otel.getTracer("test");
  private final Traced traced = new Traced(testTracer);

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b -> b.plugin(OpenTelemetryServerTracing.builder(otel).build()),
          s -> s.register("Traced", traced, ""));

  /** Reports what the method saw as current: its span's parent and the caller's baggage. */
  public static class Traced {
    private final Tracer tracer;

    Traced(Tracer tracer) {
      this.tracer = tracer;
    }

    final CompletableFuture<SpanContext> onewayContext = new CompletableFuture<>();

    public String note(String ignored) {
      onewayContext.complete(Span.current().getSpanContext());
      return "noted";
    }

    public String work(String ignored) {
      Span inner = tracer.spanBuilder("inner work").startSpan();
      inner.end();
      return String.valueOf(Baggage.current().getEntryValue("tenant"));
    }
  }

  @AfterEach
  void closeSdk() {
    otel.close();
  }

  private Client traced() {
    return server.connect(
        ClientOptions.builder().plugin(OpenTelemetryClientTracing.builder(otel).build()).build());
  }

  private SpanData awaitSpan(Predicate<SpanData> which) {
    await().atMost(WAIT).until(() -> exporter.getFinishedSpanItems().stream().anyMatch(which));
    return exporter.getFinishedSpanItems().stream().filter(which).findFirst().orElseThrow();
  }

  private SpanData awaitSpan(SpanKind kind) {
    return awaitSpan(s -> s.getKind() == kind);
  }

  @Test
  void clientAndServerSpansJoinOneTraceUnderTheCallersSpan() {
    Client client = traced();
    Span caller = testTracer.spanBuilder("caller").startSpan();
    try (Scope ignored = caller.makeCurrent()) {
      assertThat(
              client.call(
                      io.jrpcx.Context.background(), "Arith", "Mul", new Args(6, 7), Reply.class)
                  .C)
          .isEqualTo(42);
    } finally {
      caller.end();
    }
    SpanData clientSpan = awaitSpan(SpanKind.CLIENT);
    SpanData serverSpan = awaitSpan(SpanKind.SERVER);

    System.out.printf(
        "joined trace: trace id %s, client span %s (parent %s), " + "server span %s (parent %s)%n",
        clientSpan.getTraceId(),
        clientSpan.getSpanId(),
        clientSpan.getParentSpanId(),
        serverSpan.getSpanId(),
        serverSpan.getParentSpanId());
    assertThat(clientSpan.getTraceId())
        .isEqualTo(caller.getSpanContext().getTraceId())
        .isEqualTo(serverSpan.getTraceId());
    assertThat(clientSpan.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();

    for (SpanData span : List.of(clientSpan, serverSpan)) {
      assertThat(span.getName()).isEqualTo("Arith/Mul");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(span.getAttributes().get(RpcSpans.RPC_SYSTEM)).isEqualTo("rpcx");
      assertThat(span.getAttributes().get(RpcSpans.RPC_SERVICE)).isEqualTo("Arith");
      assertThat(span.getAttributes().get(RpcSpans.RPC_METHOD)).isEqualTo("Mul");
      assertThat(span.getAttributes().get(RpcSpans.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    }
    long port = Long.parseLong(server.address().substring(server.address().indexOf(':') + 1));
    assertThat(clientSpan.getAttributes().get(RpcSpans.SERVER_PORT)).isEqualTo(port);
    assertThat(serverSpan.getAttributes().get(RpcSpans.SERVER_PORT)).isEqualTo(port);
    assertThat(serverSpan.getAttributes().get(RpcSpans.PEER_ADDRESS)).isEqualTo("127.0.0.1");
  }

  @Test
  void aFailingCallSetsErrorStatusWithTheRpcxErrorOnBothSpans() {
    Client client = traced();
    assertThatThrownBy(
            () ->
                client.call(
                    io.jrpcx.Context.background(), "Arith", "Div", new Args(1, 0), Reply.class))
        .isInstanceOf(ServiceException.class);
    SpanData clientSpan = awaitSpan(SpanKind.CLIENT);
    SpanData serverSpan = awaitSpan(SpanKind.SERVER);
    assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    for (SpanData span : List.of(clientSpan, serverSpan)) {
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getStatus().getDescription()).isEqualTo("divide by zero");
    }
    assertThat(clientSpan.getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo(ServiceException.class.getName());
  }

  @Test
  void aGoStyleTraceparentInTheMetadataPutsTheServerSpanInThatTrace() {
    // What a Go rpcx client with the W3C propagator sends: no jrpcx tracing on this client.
    Client client = server.connect();
    io.jrpcx.Context ctx =
        io.jrpcx.Context.background()
            .withMetadata("traceparent", "00-" + GO_TRACE_ID + "-" + GO_SPAN_ID + "-01");
    client.call(ctx, "Arith", "Mul", new Args(2, 3), Reply.class);
    SpanData serverSpan = awaitSpan(SpanKind.SERVER);
    assertThat(serverSpan.getTraceId()).isEqualTo(GO_TRACE_ID);
    assertThat(serverSpan.getParentSpanId()).isEqualTo(GO_SPAN_ID);
    assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
    assertThat(serverSpan.getSpanContext().isSampled()).isTrue();
  }

  @Test
  void aRequestWithoutTraceparentStartsANewTrace() {
    Client client = server.connect();
    client.call(io.jrpcx.Context.background(), "Arith", "Mul", new Args(2, 3), Reply.class);
    SpanData serverSpan = awaitSpan(SpanKind.SERVER);
    assertThat(serverSpan.getParentSpanContext().isValid()).isFalse();
    assertThat(serverSpan.getTraceId()).isNotEqualTo(GO_TRACE_ID);
  }

  @Test
  void spansTheMethodStartsNestUnderTheServerSpanAndItSeesTheCallersBaggage() {
    Client client = traced();
    String seen;
    try (Scope ignored = Baggage.builder().put("tenant", "blue").build().makeCurrent()) {
      seen = client.call(io.jrpcx.Context.background(), "Traced", "Work", "x", String.class);
    }
    assertThat(seen).isEqualTo("blue");
    SpanData serverSpan = awaitSpan(SpanKind.SERVER);
    SpanData inner = awaitSpan(s -> s.getName().equals("inner work"));
    assertThat(inner.getParentSpanId()).isEqualTo(serverSpan.getSpanId());
    assertThat(inner.getTraceId()).isEqualTo(serverSpan.getTraceId());
  }

  @Test
  void aOnewayMethodRunsInTheCallersContextWithoutAServerSpan() throws Exception {
    Client client = traced();
    client.go(io.jrpcx.Context.background(), "Traced", "Note", "x", (Class<?>) null).await();
    SpanContext seen = traced.onewayContext.get(10, TimeUnit.SECONDS);
    SpanData clientSpan = awaitSpan(SpanKind.CLIENT);
    assertThat(seen.getTraceId()).isEqualTo(clientSpan.getTraceId());
    assertThat(seen.getSpanId()).isEqualTo(clientSpan.getSpanId());
    assertThat(exporter.getFinishedSpanItems()).noneMatch(s -> s.getKind() == SpanKind.SERVER);
  }

  @Test
  void eachXClientAttemptIsAClientSpanJoinedToItsServerSpan() throws Exception {
    try (Peer2PeerDiscovery discovery = new Peer2PeerDiscovery("tcp@" + server.address(), "");
        XClient x =
            XClient.create(
                "Arith",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                discovery,
                ClientOptions.builder()
                    .plugin(OpenTelemetryClientTracing.builder(otel).build())
                    .build())) {
      Span caller = testTracer.spanBuilder("caller").startSpan();
      try (Scope ignored = caller.makeCurrent()) {
        assertThat(x.call(io.jrpcx.Context.background(), "Mul", new Args(4, 5), Reply.class).C)
            .isEqualTo(20);
      } finally {
        caller.end();
      }
      SpanData clientSpan = awaitSpan(SpanKind.CLIENT);
      SpanData serverSpan = awaitSpan(SpanKind.SERVER);
      assertThat(clientSpan.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
      assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
      assertThat(serverSpan.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    }
  }
}
