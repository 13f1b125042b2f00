package io.jrpcx.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.protocol.Message;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.server.Server;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * JSON-RPC 2.0 over HTTP, rpcx's {@code jsonrpc2.go} done to the specification: {@code method}
 * {@code "Service.Method"} (split at the last dot), {@code params} passed as the JSON payload,
 * {@code id} echoed as sent, notifications unanswered, batches answered as arrays.
 */
final class JsonRpc {
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INTERNAL_ERROR = -32603;

  /** Exact numbers: an id or params value travels as written, not through a double. */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** Reads one batch entry at a time from a parser over the whole batch: more follows it. */
  private static final ObjectReader ENTRY_READER =
      MAPPER.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonRpc() {}

  /** Whether the request asks for JSON-RPC ({@code X-JSONRPC-2.0: true}). */
  static boolean selected(HttpHeaders headers) {
    String v = headers.get(RpcxHeaders.JSONRPC);
    return v != null && v.trim().equalsIgnoreCase("true");
  }

  /**
   * Serves one HTTP request of JSON-RPC; completes with the response, exceptionally only when
   * something unexpected failed. Runs on the connection's event loop.
   */
  static CompletionStage<FullHttpResponse> serve(
      Server server, HttpCaller caller, int maxBatchSize, HttpHeaders headers, byte[] body) {
    JsonParser batch;
    try {
      batch = MAPPER.createParser(body);
      if (batch.nextToken() == JsonToken.START_ARRAY) {
        Batch b = new Batch(server, caller, headers, body, batch, maxBatchSize);
        b.count();
        return b.result;
      }
      batch.close();
    } catch (IOException e) {
      return answer(parseError(e));
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      return answer(parseError(e));
    }
    if (root == null || root.isMissingNode()) {
      return answer(error(NullNode.getInstance(), PARSE_ERROR, "Parse error: empty body"));
    }
    Map<String, String> metadata;
    try {
      metadata = metadata(headers);
    } catch (IllegalArgumentException e) {
      return answer(badMeta());
    }
    return call(server, caller, metadata, root).thenApply(JsonRpc::response);
  }

  private static ObjectNode badMeta() {
    return error(
        NullNode.getInstance(),
        INVALID_REQUEST,
        "Invalid Request: " + RpcxHeaders.META + " is not a URL query string");
  }

  private static ObjectNode parseError(IOException e) {
    return error(
        NullNode.getInstance(),
        PARSE_ERROR,
        "Parse error: "
            + (e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage()));
  }

  /**
   * A batch, served in event-loop tasks of bounded work so that the other connections of the
   * loop keep being served, and with a bounded share of the handler pool so that other clients'
   * calls do not queue behind it. First its entries are counted with the streaming parser, no
   * tree built, {@link #COUNT_SLICE} per task: the whole batch must be valid JSON before any of
   * it runs, and counting stops one past the limit. Then the entries are read again one at a
   * time as they are dispatched, at most {@link #SLICE} per task and {@link #IN_FLIGHT} running
   * at once, and the answers are written out in order as soon as those before them are in, so
   * that no task serializes the whole answer and no tree of all answers is ever held.
   * Confined to the connection's event loop.
   */
  private static final class Batch {
    /** Entries counted per event-loop task. */
    static final int COUNT_SLICE = 4_096;

    /** Calls of one batch running at once: enough to keep a few handler threads busy. */
    static final int IN_FLIGHT = 64;

    /** Entries read and dispatched per event-loop task. */
    static final int SLICE = 64;

    final CompletableFuture<FullHttpResponse> result = new CompletableFuture<>();
    private final Server server;
    private final HttpCaller caller;
    private final HttpHeaders headers;
    private final byte[] body;
    private final int maxBatchSize;
    private JsonParser parser;
    private Map<String, String> metadata;
    private int entries;
    private ObjectNode[] answers;
    private boolean[] ready;
    private ByteArrayBuilder out;
    private JsonGenerator json;
    private int written;
    private int answered;
    private int next;
    private int inFlight;
    private int done;
    private boolean pumpQueued;

    /** Calls finished on other threads, for the event loop to take in. */
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean drainQueued = new AtomicBoolean();

    /** A call of the batch that finished: its answer or how it failed. */
    private static final class Finished {
      final int index;
      final ObjectNode answer;
      final Throwable failure;

      Finished(int index, ObjectNode answer, Throwable failure) {
        this.index = index;
        this.answer = answer;
        this.failure = failure;
      }
    }

    Batch(
        Server server,
        HttpCaller caller,
        HttpHeaders headers,
        byte[] body,
        JsonParser parser,
        int maxBatchSize) {
      this.server = server;
      this.caller = caller;
      this.headers = headers;
      this.body = body;
      this.parser = parser;
      this.maxBatchSize = maxBatchSize;
    }

    /** Counts up to {@link #COUNT_SLICE} entries, then goes on in a later task or starts. */
    void count() {
      if (result.isDone()) {
        return;
      }
      try {
        for (int slice = 0; slice < COUNT_SLICE; slice++) {
          JsonToken t = parser.nextToken();
          if (t == JsonToken.END_ARRAY) {
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
              throw new JsonParseException(
                  parser, "Trailing token (of type " + trailing + ") found after value");
            }
            parser.close();
            start();
            return;
          }
          if (t == null) {
            throw new JsonParseException(parser, "Unexpected end-of-input in a batch");
          }
          if (++entries > maxBatchSize) {
            finish(
                error(
                    NullNode.getInstance(),
                    INVALID_REQUEST,
                    "Invalid Request: a batch may"
                        + " have at most "
                        + maxBatchSize
                        + " entries (maxBatchSize)"));
            return;
          }
          parser.skipChildren();
        }
      } catch (IOException e) {
        finish(parseError(e));
        return;
      } catch (Throwable t) {
        fail(t);
        return;
      }
      later(this::count);
    }

    private void start() throws IOException {
      if (entries == 0) {
        finish(error(NullNode.getInstance(), INVALID_REQUEST, "Invalid Request: empty batch"));
        return;
      }
      try {
        metadata = metadata(headers);
      } catch (IllegalArgumentException e) {
        finish(badMeta());
        return;
      }
      answers = new ObjectNode[entries];
      ready = new boolean[entries];
      out = new ByteArrayBuilder();
      json = MAPPER.createGenerator(out);
      json.writeStartArray();
      parser = MAPPER.createParser(body);
      parser.nextToken(); // the [ again
      pump();
    }

    /** Dispatches what the window and the slice allow; finishes when all are answered. */
    void pump() {
      pumpQueued = false;
      if (result.isDone()) {
        return;
      }
      try {
        if (!caller.isActive()) {
          // Nobody to answer: the entries not dispatched yet are dropped.
          finish(null);
          return;
        }
        for (int slice = 0; slice < SLICE && next < entries && inFlight < IN_FLIGHT; slice++) {
          parser.nextToken();
          JsonNode entry = ENTRY_READER.readTree(parser);
          int index = next++;
          CompletableFuture<ObjectNode> call =
              call(server, caller, metadata, entry).toCompletableFuture();
          if (call.isDone()) {
            ready(index, call.join()); // refused before dispatch: takes no room in the window
            continue;
          }
          inFlight++;
          call.whenComplete((answer, failure) -> finished(index, answer, failure));
        }
        writeReady();
      } catch (Throwable t) {
        fail(t);
        return;
      }
      if (done == entries) {
        finishAnswers();
      } else if (next < entries && inFlight < IN_FLIGHT && !pumpQueued) {
        // The slice is spent, not the window: go on after what else the event loop has to do.
        pumpQueued = true;
        later(this::pump);
      }
    }

    /** On the thread that finished the call: hands it to the event loop, one task for many. */
    private void finished(int index, ObjectNode answer, Throwable failure) {
      finished.add(new Finished(index, answer, failure));
      if (drainQueued.compareAndSet(false, true)) {
        try {
          later(this::drain);
        } catch (RejectedExecutionException e) {
          // the event loop is gone, and the connection with it
        }
      }
    }

    private void drain() {
      drainQueued.set(false);
      Finished f;
      while ((f = finished.poll()) != null) {
        inFlight--;
        if (f.failure != null) {
          fail(f.failure);
        } else if (!result.isDone()) {
          ready(f.index, f.answer);
        }
      }
      pump();
    }

    private void ready(int index, ObjectNode answer) {
      answers[index] = answer;
      ready[index] = true;
      done++;
    }

    /** Writes the answers that are in and have all before them written, and lets them go. */
    private void writeReady() throws IOException {
      while (written < entries && ready[written]) {
        if (answers[written] != null) {
          MAPPER.writeTree(json, answers[written]);
          answers[written] = null;
          answered++;
        }
        written++;
      }
    }

    /**
     * Runs {@code task} on the event loop after its next turn at the network. Not
     * {@code execute}: the loop runs the tasks executed on it for up to a second before it reads
     * again, and a batch always has a next task, so it would hold every connection of the loop
     * that long; a task scheduled now waits for the loop's next round, after its reads.
     */
    private void later(Runnable task) {
      caller.eventLoop().schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    private void finishAnswers() {
      try {
        if (answered == 0) {
          finish(null); // notifications only
          return;
        }
        json.writeEndArray();
        json.close();
        result.complete(
            Responses.bytes(HttpResponseStatus.OK, "application/json", out.toByteArray()));
      } catch (Throwable t) {
        fail(t);
      }
    }

    /** Completes with {@code answer}, or 204 when it is null. */
    private void finish(JsonNode answer) {
      close();
      result.complete(response(answer));
    }

    private void fail(Throwable t) {
      close();
      result.completeExceptionally(t);
    }

    private void close() {
      try {
        parser.close();
        if (json != null) {
          json.close();
        }
      } catch (IOException e) {
        // over byte arrays: nothing to release
      }
    }
  }

  /** One request object: its response object, or null for a notification. */
  private static CompletionStage<ObjectNode> call(
      Server server, ClientConnection caller, Map<String, String> metadata, JsonNode request) {
    if (!request.isObject()) {
      return done(error(NullNode.getInstance(), INVALID_REQUEST, "Invalid Request: not an object"));
    }
    JsonNode id = request.get("id");
    if (id != null && !id.isNumber() && !id.isTextual() && !id.isNull()) {
      return done(
          error(
              NullNode.getInstance(),
              INVALID_REQUEST,
              "Invalid Request: id must be a number, a string or null"));
    }
    JsonNode echoId = id == null ? NullNode.getInstance() : id;
    JsonNode version = request.get("jsonrpc");
    if (version == null || !"2.0".equals(version.textValue())) {
      // Go's code for a wrong or missing version.
      return done(error(echoId, PARSE_ERROR, "Parse error: jsonrpc must be \"2.0\""));
    }
    JsonNode method = request.get("method");
    if (method == null || !method.isTextual() || method.textValue().isEmpty()) {
      return done(error(echoId, INVALID_REQUEST, "Invalid Request: method must be a string"));
    }
    boolean notification = id == null;
    String name = method.textValue();
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      return done(
          notification
              ? null
              : error(
                  echoId,
                  METHOD_NOT_FOUND,
                  "Method not found: \"" + Texts.bounded(name) + "\" is not Service.Method"));
    }
    JsonNode params = request.get("params");
    Message m =
        new Message()
            .setServicePath(name.substring(0, dot))
            .setServiceMethod(name.substring(dot + 1))
            .setSerializeType(SerializeType.JSON)
            .setOneway(notification)
            // Absent params are JSON null: the method gets null arguments, as with "params": null.
            .setPayload(
                (params == null ? "null" : params.toString()).getBytes(StandardCharsets.UTF_8));
    metadata.forEach(m::putMetadata);
    return server
        .dispatch(caller, m)
        .handle(
            (response, failure) -> {
              if (notification) {
                return null;
              }
              if (failure != null) {
                Throwable t = RpcxHeaders.unwrap(failure);
                return error(
                    echoId, INTERNAL_ERROR, t.getMessage() == null ? t.toString() : t.getMessage());
              }
              if (response.isError()) {
                return error(
                    echoId,
                    RpcxErrors.of(response, RpcxErrors.rawText(response)).jsonRpcCode,
                    RpcxErrors.text(response));
              }
              ObjectNode ok = MAPPER.createObjectNode().put("jsonrpc", "2.0");
              if (response.payload().length == 0) {
                ok.putNull("result");
              } else {
                ok.putRawValue(
                    "result", new RawValue(new String(response.payload(), StandardCharsets.UTF_8)));
              }
              return ok.set("id", echoId);
            });
  }

  private static Map<String, String> metadata(HttpHeaders headers) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    String meta = headers.get(RpcxHeaders.META);
    if (meta != null && !meta.isEmpty()) {
      new QueryStringDecoder(meta, StandardCharsets.UTF_8, false)
          .parameters()
          .forEach((k, v) -> m.put(k, v.get(0)));
    }
    String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (auth != null && !auth.isEmpty()) {
      m.put(Message.AUTH_KEY, auth);
    }
    return m;
  }

  private static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode e = MAPPER.createObjectNode().put("jsonrpc", "2.0");
    e.putObject("error").put("code", code).put("message", message);
    return e.set("id", id);
  }

  private static CompletionStage<FullHttpResponse> answer(JsonNode json) {
    return done(response(json));
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** 200 with the JSON, or 204 when nothing is to be answered (notifications only). */
  private static FullHttpResponse response(JsonNode answer) {
    if (answer == null) {
      return Responses.empty(HttpResponseStatus.NO_CONTENT);
    }
    byte[] json;
    try {
      json = MAPPER.writeValueAsBytes(answer);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree failed to serialize", e);
    }
    return Responses.bytes(HttpResponseStatus.OK, "application/json", json);
  }
}
