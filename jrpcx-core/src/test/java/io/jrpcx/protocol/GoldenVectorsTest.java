package io.jrpcx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.CodecException;
import io.jrpcx.codec.JsonCodec;
import io.jrpcx.codec.MsgPackCodec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.testing.Vectors;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every frame in {@code /vectors} was written by the real Go rpcx v1.9.1 (see {@code vectors.json}
 * and its {@code field_notes}). Each one must decode to the fields the manifest lists, and
 * encoding those fields must give back the Go bytes: exactly for uncompressed frames, and for gzip
 * frames everything except the compressed payload (Go's deflate and Java's emit different but
 * equivalent streams).
 */
class GoldenVectorsTest {
  private static final String DIR = "/vectors/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final FrameCodec CODEC = FrameCodec.defaults();

  /** One row per vector, printed once after all vectors ran. Synchronized for parallel runs. */
  private static final Map<String, String[]> ROWS =
      Collections.synchronizedMap(new LinkedHashMap<>());

  private static List<JsonNode> vectorList() {
    return StreamSupport.stream(Vectors.manifest().get("vectors").spliterator(), false)
        .collect(Collectors.toList());
  }

  static Stream<Arguments> vectors() {
    return vectorList().stream().map(v -> Arguments.of(v.get("name").asText(), v));
  }

  /** The names of the .bin files in the vectors directory of the classpath (directory or jar). */
  private static Set<String> binFilesOnClasspath() throws IOException, URISyntaxException {
    URL url = GoldenVectorsTest.class.getResource(DIR + "vectors.json");
    assertThat(url).isNotNull();
    URI uri = url.toURI();
    if ("jar".equals(uri.getScheme())) {
      try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
        return listBins(fs.getPath(DIR));
      }
    }
    return listBins(Path.of(uri).getParent());
  }

  private static Set<String> listBins(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".bin"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void manifestListsExactlyTheBinFilesOnTheClasspath() throws Exception {
    List<JsonNode> vectors = vectorList();
    Set<String> listed = new TreeSet<>();
    Set<String> names = new TreeSet<>();
    for (JsonNode v : vectors) {
      assertThat(listed.add(v.get("file").asText()))
          .as("file %s listed twice", v.get("file").asText())
          .isTrue();
      assertThat(names.add(v.get("name").asText()))
          .as("name %s listed twice", v.get("name").asText())
          .isTrue();
    }
    assertThat(vectors).as("number of vectors").hasSizeGreaterThan(50);
    assertThat(binFilesOnClasspath()).as(".bin files next to vectors.json").isEqualTo(listed);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void goFrameDecodesToTheManifestAndReencodes(String name, JsonNode v) {
    String[] row = {name, "FAIL", "FAIL"};
    ROWS.put(name, row);
    byte[] bin = Vectors.get(name).bytes;

    // ---- decode ----
    assertThat(bin.length).as("file size = frame_len").isEqualTo(v.get("frame_len").asInt());
    assertThat(HEX.formatHex(bin, 0, FrameCodec.HEADER_LENGTH))
        .as("header_hex")
        .isEqualTo(v.get("header_hex").asText());
    assertThat(CODEC.frameLength(ByteBuffer.wrap(bin))).as("frameLength").isEqualTo(bin.length);

    Message m = CODEC.decode(bin);
    assertFieldsMatch(m, v);
    assertThat(wirePayloadLength(bin))
        .as("wire_payload_len")
        .isEqualTo(v.get("wire_payload_len").asInt());
    row[1] = "decode ok";

    // ---- encode ----
    Message built = fromManifest(v);
    byte[] encoded = CODEC.encode(built);
    int compress = v.get("compress_type").asInt();
    if (compress == CompressType.NONE) {
      assertThat(HEX.formatHex(encoded)).as("encoded frame").isEqualTo(HEX.formatHex(bin));
      row[2] = "encode identical";
    } else {
      assertThat(compress).isEqualTo(CompressType.GZIP);
      // Decodes back to the same fields and payload.
      assertFieldsMatch(CODEC.decode(encoded), v);
      // Header bytes 0..11 (magic, version, flags, serialize, seq) are identical ...
      assertThat(HEX.formatHex(Arrays.copyOfRange(encoded, 0, 12)))
          .as("header bytes 0..11")
          .isEqualTo(HEX.formatHex(Arrays.copyOfRange(bin, 0, 12)));
      // ... and so is everything from the path length up to the payload length field.
      int payloadLenOffset = payloadLengthOffset(bin);
      assertThat(payloadLengthOffset(encoded)).isEqualTo(payloadLenOffset);
      assertThat(HEX.formatHex(Arrays.copyOfRange(encoded, 16, payloadLenOffset)))
          .as("path, method and metadata block")
          .isEqualTo(HEX.formatHex(Arrays.copyOfRange(bin, 16, payloadLenOffset)));
      // totalLen is consistent with what was written.
      assertThat(ByteBuffer.wrap(encoded).getInt(12)).isEqualTo(encoded.length - 16);
      row[2] = "encode equivalent (gzip)";
    }
  }

  /**
   * The payload, decoded with the Java codec of its serialize type, is the value the manifest
   * shows ({@code payload_json}, produced by decoding the Go bytes generically).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void goPayloadDecodesWithTheJavaCodecToTheManifestValue(String name, JsonNode v)
      throws IOException {
    JsonNode expectedJson = v.get("payload_json");
    int serialize = v.get("serialize_type").asInt();
    byte[] payload = CODEC.decode(Vectors.get(name).bytes).payload();
    if (expectedJson == null || expectedJson.isNull()) {
      if (payload.length > 0) {
        // JSON text sent as msgpack: the Go server refused to decode it into Args, so must we.
        assertThat(serialize).isEqualTo(SerializeType.MSGPACK);
        assertThatThrownBy(() -> new MsgPackCodec().decode(payload, Map.class))
            .isInstanceOf(CodecException.class);
      }
      return;
    }
    JsonNode expected = JSON.readTree(expectedJson.asText());
    JsonNode actual;
    if (serialize == SerializeType.JSON) {
      actual = (JsonNode) new JsonCodec().decode(payload, JsonNode.class);
    } else if (serialize == SerializeType.MSGPACK) {
      actual = (JsonNode) new MsgPackCodec().decode(payload, JsonNode.class);
    } else {
      return; // protobuf: no built-in codec
    }
    assertThat(actual.equals(NUMERIC_EQUALITY, expected))
        .as("decoded %s equals %s", actual, expected)
        .isTrue();
  }

  /** Compares numbers by value, whatever node type (int, long, big) the parser chose. */
  private static final Comparator<JsonNode> NUMERIC_EQUALITY =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.bigIntegerValue().compareTo(b.bigIntegerValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private static void assertFieldsMatch(Message m, JsonNode v) {
    assertThat(m.version()).as("version").isEqualTo(v.get("version").asInt());
    assertThat(m.isResponse() ? "response" : "request")
        .as("message_type")
        .isEqualTo(v.get("message_type").asText());
    assertThat(m.isHeartbeat()).as("heartbeat").isEqualTo(v.get("heartbeat").asBoolean());
    assertThat(m.isOneway()).as("oneway").isEqualTo(v.get("oneway").asBoolean());
    assertThat(m.compressType()).as("compress_type").isEqualTo(v.get("compress_type").asInt());
    assertThat(m.statusType()).as("status_type").isEqualTo(v.get("status_type").asInt());
    assertThat(m.isError() ? "error" : "normal").as("status").isEqualTo(v.get("status").asText());
    assertThat(m.serializeType()).as("serialize_type").isEqualTo(v.get("serialize_type").asInt());
    assertThat(Long.toUnsignedString(m.seq())).as("seq").isEqualTo(v.get("seq").asText());
    assertThat(m.servicePath()).as("service_path").isEqualTo(v.get("service_path").asText());
    assertThat(m.serviceMethod()).as("service_method").isEqualTo(v.get("service_method").asText());
    assertThat(m.metadata()).as("metadata").isEqualTo(metadata(v));
    assertThat(new ArrayList<>(m.metadata().keySet()))
        .as("metadata_order")
        .isEqualTo(metadataOrder(v));
    if (v.hasNonNull("error")) {
      assertThat(m.errorText()).as("error").isEqualTo(v.get("error").asText());
    }
    assertThat(HEX.formatHex(m.payload()))
        .as("payload_hex")
        .isEqualTo(v.get("payload_hex").asText());
    assertThat(m.payload().length).as("payload_len").isEqualTo(v.get("payload_len").asInt());
  }

  private static Map<String, String> metadata(JsonNode v) {
    Map<String, String> map = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = v.get("metadata").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), e.getValue().asText());
    }
    return map;
  }

  private static List<String> metadataOrder(JsonNode v) {
    List<String> order = new ArrayList<>();
    v.get("metadata_order").forEach(k -> order.add(k.asText()));
    return order;
  }

  private static Message fromManifest(JsonNode v) {
    Message m =
        new Message()
            .setVersion(v.get("version").asInt())
            .setResponse("response".equals(v.get("message_type").asText()))
            .setHeartbeat(v.get("heartbeat").asBoolean())
            .setOneway(v.get("oneway").asBoolean())
            .setCompressType(v.get("compress_type").asInt())
            .setStatusType(v.get("status_type").asInt())
            .setSerializeType(v.get("serialize_type").asInt())
            .setSeq(Long.parseUnsignedLong(v.get("seq").asText()))
            .setServicePath(v.get("service_path").asText())
            .setServiceMethod(v.get("service_method").asText())
            .setPayload(HEX.parseHex(v.get("payload_hex").asText()));
    Map<String, String> metadata = metadata(v);
    for (String key : metadataOrder(v)) {
      m.putMetadata(key, metadata.get(key));
    }
    return m;
  }

  /** Offset of the payload length field, found by walking the three length-prefixed fields. */
  private static int payloadLengthOffset(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    int offset = FrameCodec.HEADER_LENGTH;
    for (int i = 0; i < 3; i++) {
      offset += 4 + b.getInt(offset);
    }
    return offset;
  }

  private static int wirePayloadLength(byte[] frame) {
    return ByteBuffer.wrap(frame).getInt(payloadLengthOffset(frame));
  }

  @AfterAll
  static void printTable() {
    if (ROWS.isEmpty()) {
      return;
    }
    List<String[]> rows;
    synchronized (ROWS) {
      rows = new ArrayList<>(ROWS.values());
    }
    String[] header = {"vector", "decode", "encode"};
    int[] width = new int[3];
    for (int i = 0; i < 3; i++) {
      width[i] = header[i].length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    String format = "| %-" + width[0] + "s | %-" + width[1] + "s | %-" + width[2] + "s |%n";
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Golden vectors (Go rpcx v1.9.1): %d frames%n", rows.size()));
    sb.append(String.format(format, (Object[]) header));
    sb.append(
        String.format(format, "-".repeat(width[0]), "-".repeat(width[1]), "-".repeat(width[2])));
    long identical = 0;
    long equivalent = 0;
    long failed = 0;
    for (String[] r : rows) {
      sb.append(String.format(format, (Object[]) r));
      if (r[2].equals("encode identical")) {
        identical++;
      } else if (r[2].startsWith("encode equivalent")) {
        equivalent++;
      } else {
        failed++;
      }
    }
    sb.append(
        String.format(
            "%d identical, %d equivalent (gzip), %d failed%n", identical, equivalent, failed));
    System.out.print(sb);
  }
}
