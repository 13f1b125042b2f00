package io.jrpcx.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrpcx.Context;
import io.jrpcx.RpcException;
import io.jrpcx.client.Call;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.MsgPackCodec;
import io.jrpcx.codec.RawCodec;
import io.jrpcx.codec.SerializeType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One call tried from the page: the JSON typed there encoded once as msgpack or JSON, sent through
 * an {@link XClient} over the service's nodes as the registry lists them now (the active ones, as
 * any rpcx client picks; or the one node chosen, even an inactive one), and the reply decoded back
 * to JSON with the response metadata, the latency and the node that answered.
 */
final class TryCall {
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
  // Strict: one JSON value and nothing after it, so a typo is an error, not ignored.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final ObjectMapper MSGPACK = MsgPackCodec.newGoCompatibleMapper();

  private TryCall() {}

  /** Thrown for a request the page should correct; the message says what. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }

  static ObjectNode run(JsonNode request, SortedMap<String, SortedMap<String, String>> services) {
    String service = text(request, "service");
    String method = text(request, "method");
    String codec = request.path("codec").asText("msgpack");
    boolean msgpack;
    switch (codec) {
      case "msgpack" -> msgpack = true;
      case "json" -> msgpack = false;
      default -> throw new BadRequest("codec must be msgpack or json, not '" + codec + "'");
    }
    long timeoutMs = request.path("timeoutMs").asLong(5_000);
    if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT.toMillis()) {
      throw new BadRequest("timeoutMs must be 1 to " + MAX_TIMEOUT.toMillis());
    }
    String argsText = request.path("args").asText("{}");
    JsonNode args;
    try {
      args = JSON.readTree(argsText.isBlank() ? "{}" : argsText);
    } catch (JsonProcessingException e) {
      throw new BadRequest("the arguments are not JSON: " + e.getOriginalMessage());
    }
    byte[] payload;
    try {
      payload = (msgpack ? MSGPACK : JSON).writeValueAsBytes(args);
    } catch (JsonProcessingException e) {
      throw new BadRequest("cannot encode the arguments as " + codec + ": " + e.getMessage());
    }
    SortedMap<String, String> nodes = services.get(service);
    if (nodes == null || nodes.isEmpty()) {
      throw new BadRequest("the registry lists no node of " + service);
    }
    String chosen = request.path("node").asText("");
    List<KVPair> pairs = new ArrayList<>();
    if (chosen.isEmpty()) {
      nodes.forEach((k, v) -> pairs.add(new KVPair(k, v)));
    } else if (nodes.containsKey(chosen)) {
      pairs.add(new KVPair(chosen, "")); // asked for by name: called even when inactive
    } else {
      throw new BadRequest("the registry lists no node " + chosen + " of " + service);
    }

    Duration timeout = Duration.ofMillis(timeoutMs);
    int type = msgpack ? SerializeType.MSGPACK : SerializeType.JSON;
    AtomicReference<String> answeredBy = new AtomicReference<>();
    AtomicLong started = new AtomicLong();
    ClientPlugin.CallStarted observer =
        (call, message, address) -> {
          answeredBy.set(address);
          started.set(System.nanoTime());
        };
    ClientOptions options =
        ClientOptions.builder()
            .serializeType(type)
            .codecs(Codecs.defaults().toBuilder().add(RawCodec.passThrough(type)).build())
            .connectTimeout(timeout)
            .breaker(null)
            .plugin(observer)
            .build();
    ObjectNode out = Views.JSON.createObjectNode();
    MultipleServersDiscovery discovery = new MultipleServersDiscovery(pairs);
    try (XClient x =
        XClient.create(service, FailMode.FAILFAST, SelectMode.RANDOM_SELECT, discovery, options)) {
      Context ctx = Context.background().withTimeout(timeout);
      Call<byte[]> call = null;
      try {
        call = x.go(ctx, method, payload, byte[].class);
        byte[] reply = call.await();
        long nanos = System.nanoTime() - started.get();
        out.put("ok", true);
        out.set("reply", decode(reply, msgpack ? MSGPACK : JSON));
        out.put("latencyMs", nanos / 1e6);
      } catch (RpcException e) {
        out.put("ok", false);
        out.put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (started.get() != 0) {
          out.put("latencyMs", (System.nanoTime() - started.get()) / 1e6);
        }
      }
      ObjectNode meta = out.putObject("metadata");
      if (call != null) {
        for (Map.Entry<String, String> e : call.responseMetadata().entrySet()) {
          meta.put(e.getKey(), e.getValue());
        }
      }
      out.put("node", nodeKey(answeredBy.get(), pairs));
    } finally {
      discovery.close();
    }
    return out;
  }

  private static JsonNode decode(byte[] reply, ObjectMapper mapper) {
    if (reply == null || reply.length == 0) {
      return NullNode.getInstance();
    }
    try {
      return mapper.readTree(reply);
    } catch (IOException e) {
      throw new RpcException("the reply does not decode: " + e.getMessage());
    }
  }

  /** The registry key of the node called at {@code address}, as the client was given it. */
  private static String nodeKey(String address, List<KVPair> pairs) {
    if (address == null) {
      return null;
    }
    for (KVPair p : pairs) {
      if (p.address().equals(address) || p.key().equals(address)) {
        return p.key();
      }
    }
    return address;
  }

  private static String text(JsonNode request, String field) {
    String s = request.path(field).asText("");
    if (s.isEmpty()) {
      throw new BadRequest(field + " is missing");
    }
    return s;
  }
}
