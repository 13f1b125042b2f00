package io.jrpcx.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.interop.helloworld.HelloReply;
import io.jrpcx.interop.helloworld.HelloRequest;
import io.jrpcx.interop.helloworld.Line;
import io.jrpcx.interop.helloworld.Order;
import io.jrpcx.protocol.Message;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Protobuf frame the real Go rpcx v1.9.1 wrote ({@code vectors2/}, copied from the shared
 * interop directory with the protobuf part of its manifest) decodes to the fields the manifest
 * names and re-encodes, payload and whole frame, to the same bytes.
 */
class ProtobufGoldenVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProtobufCodec codec = new ProtobufCodec();

  static Stream<JsonNode> protobufFrames() throws IOException {
    List<JsonNode> frames = new ArrayList<>();
    manifest().get("vectors").forEach(frames::add);
    return frames.stream();
  }

  @Test
  void theManifestHoldsTheFourGreeterFrames() throws IOException {
    assertThat(protobufFrames().map(v -> v.get("name").asText()))
        .containsExactlyInAnyOrder(
            "protobuf_sayhello_request", "protobuf_sayhello_response",
            "protobuf_echo_order_request", "protobuf_echo_order_response");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protobufFrames")
  void goFrameDecodesToTheManifestFieldsAndReencodesToTheSameBytes(JsonNode v) throws IOException {
    byte[] frame = resource("/vectors2/" + v.get("file").asText());
    Message m = FrameCodec.defaults().decode(frame);
    assertThat(m.serializeType()).isEqualTo(SerializeType.PROTOBUF);
    assertThat(m.servicePath()).isEqualTo(v.get("service_path").asText());
    assertThat(m.serviceMethod()).isEqualTo(v.get("service_method").asText());
    assertThat(m.isResponse()).isEqualTo("response".equals(v.get("message_type").asText()));
    byte[] payload = HexFormat.of().parseHex(v.get("payload_hex").asText());
    assertThat(m.payload()).isEqualTo(payload);

    Class<? extends MessageLite> type = typeOf(v.get("protobuf_message").asText());
    Object decoded = codec.decode(m.payload(), type);
    assertThat(decoded).isEqualTo(expected(type, JSON.readTree(v.get("payload_json").asText())));

    byte[] reencoded = codec.encode(decoded);
    assertThat(reencoded).isEqualTo(payload);
    Message again =
        new Message()
            .setResponse(m.isResponse())
            .setSerializeType(SerializeType.PROTOBUF)
            .setSeq(m.seq())
            .setServicePath(m.servicePath())
            .setServiceMethod(m.serviceMethod())
            .setPayload(reencoded);
    assertThat(FrameCodec.defaults().encode(again)).isEqualTo(frame);
    System.out.printf(
        "vector %-30s decode ok, encode identical (%d payload bytes)%n",
        v.get("name").asText(), payload.length);
  }

  private static Class<? extends MessageLite> typeOf(String protoName) {
    switch (protoName) {
      case "helloworld.HelloRequest":
        return HelloRequest.class;
      case "helloworld.HelloReply":
        return HelloReply.class;
      case "helloworld.Order":
        return Order.class;
      default:
        throw new AssertionError("no test mapping for " + protoName);
    }
  }

  /** The message the manifest's JSON describes, built field by field (proto3 JSON names). */
  private static MessageLite expected(Class<?> type, JsonNode json) {
    if (type == HelloRequest.class) {
      return HelloRequest.newBuilder().setName(json.get("name").asText()).build();
    }
    if (type == HelloReply.class) {
      return HelloReply.newBuilder().setMessage(json.get("message").asText()).build();
    }
    Order.Builder order =
        Order.newBuilder()
            .setId(Long.parseLong(json.get("id").asText())) // int64 is a string in proto3 JSON
            .setSku(json.get("sku").asText())
            .setPaid(json.get("paid").asBoolean())
            .setTotal(json.get("total").asDouble());
    for (JsonNode line : json.get("lines")) {
      order.addLines(
          Line.newBuilder().setSku(line.get("sku").asText()).setQty(line.get("qty").asInt()));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    json.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return order.putAllLabels(labels).build();
  }

  private static JsonNode manifest() throws IOException {
    return JSON.readTree(resource("/vectors2/vectors2-protobuf.json"));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ProtobufGoldenVectorsTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
