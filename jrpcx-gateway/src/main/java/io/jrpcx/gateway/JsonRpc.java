package io.jrpcx.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonRpc() {}

  /** Whether the request asks for JSON-RPC ({@code X-JSONRPC-2.0: true}). */
  static boolean selected(HttpHeaders headers) {
    String v = headers.get(RpcxHeaders.JSONRPC);
    return v != null && v.trim().equalsIgnoreCase("true");
  }

  /** Serves one HTTP request of JSON-RPC; completes with the response, never exceptionally. */
  static CompletionStage<FullHttpResponse> serve(Server server, ClientConnection caller,
      HttpHeaders headers, byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      return answer(error(NullNode.getInstance(), PARSE_ERROR, "Parse error: "
          + (e instanceof JsonProcessingException
          ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage())));
    }
    if (root == null || root.isMissingNode()) {
      return answer(error(NullNode.getInstance(), PARSE_ERROR, "Parse error: empty body"));
    }
    Map<String, String> metadata;
    try {
      metadata = metadata(headers);
    } catch (IllegalArgumentException e) {
      return answer(error(NullNode.getInstance(), INVALID_REQUEST,
          "Invalid Request: " + RpcxHeaders.META + " is not a URL query string"));
    }
    if (!root.isArray()) {
      return call(server, caller, metadata, root).thenApply(JsonRpc::response);
    }
    if (root.isEmpty()) {
      return answer(error(NullNode.getInstance(), INVALID_REQUEST, "Invalid Request: empty batch"));
    }
    List<CompletableFuture<ObjectNode>> calls = new ArrayList<>(root.size());
    for (JsonNode element : root) {
      calls.add(call(server, caller, metadata, element).toCompletableFuture());
    }
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).thenApply(all -> {
      ArrayNode answers = MAPPER.createArrayNode();
      for (CompletableFuture<ObjectNode> c : calls) {
        ObjectNode answer = c.join();
        if (answer != null) {
          answers.add(answer);
        }
      }
      return response(answers.isEmpty() ? null : answers);
    });
  }

  /** One request object: its response object, or null for a notification. */
  private static CompletionStage<ObjectNode> call(Server server, ClientConnection caller,
      Map<String, String> metadata, JsonNode request) {
    if (!request.isObject()) {
      return done(error(NullNode.getInstance(), INVALID_REQUEST,
          "Invalid Request: not an object"));
    }
    JsonNode id = request.get("id");
    if (id != null && !id.isNumber() && !id.isTextual() && !id.isNull()) {
      return done(error(NullNode.getInstance(), INVALID_REQUEST,
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
      return done(notification ? null : error(echoId, METHOD_NOT_FOUND,
          "Method not found: \"" + Texts.bounded(name) + "\" is not Service.Method"));
    }
    JsonNode params = request.get("params");
    Message m = new Message()
        .setServicePath(name.substring(0, dot))
        .setServiceMethod(name.substring(dot + 1))
        .setSerializeType(SerializeType.JSON)
        .setOneway(notification)
        // Absent params are JSON null: the method gets null arguments, as with "params": null.
        .setPayload((params == null ? "null" : params.toString()).getBytes(StandardCharsets.UTF_8));
    metadata.forEach(m::putMetadata);
    return server.dispatch(caller, m).handle((response, failure) -> {
      if (notification) {
        return null;
      }
      if (failure != null) {
        Throwable t = RpcxHeaders.unwrap(failure);
        return error(echoId, INTERNAL_ERROR, t.getMessage() == null ? t.toString()
            : t.getMessage());
      }
      if (response.isError()) {
        return error(echoId, RpcxErrors.of(response, RpcxErrors.rawText(response)).jsonRpcCode,
            RpcxErrors.text(response));
      }
      ObjectNode ok = MAPPER.createObjectNode().put("jsonrpc", "2.0");
      if (response.payload().length == 0) {
        ok.putNull("result");
      } else {
        ok.putRawValue("result",
            new RawValue(new String(response.payload(), StandardCharsets.UTF_8)));
      }
      return ok.set("id", echoId);
    });
  }

  private static Map<String, String> metadata(HttpHeaders headers) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    String meta = headers.get(RpcxHeaders.META);
    if (meta != null && !meta.isEmpty()) {
      new QueryStringDecoder(meta, StandardCharsets.UTF_8, false).parameters()
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
