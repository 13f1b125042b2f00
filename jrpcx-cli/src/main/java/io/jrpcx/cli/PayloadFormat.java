package io.jrpcx.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.jrpcx.codec.MsgPackCodec;
import io.jrpcx.codec.SerializeType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The payload codecs the command line speaks ({@code --codec}). Arguments are given as JSON (raw:
 * as text) and turned into the codec's bytes once; replies are turned back into JSON text.
 */
enum PayloadFormat {
  /** rpcx's default: the JSON tree as MessagePack, maps keyed as written, as Go decodes them. */
  MSGPACK(SerializeType.MSGPACK, "msgpack"),
  JSON(SerializeType.JSON, "JSON"),
  /** SerializeNone: the argument's UTF-8 bytes as they are; a reply printed as text or base64. */
  RAW(SerializeType.NONE, "raw") {
    @Override
    byte[] encode(String args) {
      return args.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    String render(byte[] reply, boolean pretty) {
      String text = utf8(reply);
      return text != null ? text : Base64.getEncoder().encodeToString(reply);
    }
  };

  // Strict on input: one JSON value and nothing after it, so a typo is an error, not ignored.
  private static final ObjectMapper JSON_MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final ObjectMapper PRETTY =
      JSON_MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper MSGPACK_MAPPER = MsgPackCodec.newGoCompatibleMapper();

  private final int serializeType;
  private final String label;

  PayloadFormat(int serializeType, String label) {
    this.serializeType = serializeType;
    this.label = label;
  }

  private ObjectMapper mapper() {
    return this == MSGPACK ? MSGPACK_MAPPER : JSON_MAPPER;
  }

  int serializeType() {
    return serializeType;
  }

  /** The payload for {@code args}; bad JSON is a {@link CliException} with its location. */
  byte[] encode(String args) {
    JsonNode tree = parseJson(args);
    try {
      return mapper().writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new CliException(
          ExitCodes.USAGE, "cannot encode the arguments as " + label + ": " + e.getMessage(), e);
    }
  }

  /** The reply as text: JSON for JSON and msgpack, the bytes themselves for raw. */
  String render(byte[] reply, boolean pretty) {
    JsonNode tree = NullNode.getInstance();
    if (reply.length > 0) {
      try {
        tree = mapper().readTree(reply);
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.REMOTE_ERROR,
            "the reply is not valid " + label + ": " + firstLine(e.getMessage()),
            e);
      }
    }
    try {
      return (pretty ? PRETTY : JSON_MAPPER).writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new CliException(
          ExitCodes.REMOTE_ERROR, "cannot print the reply as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Whether {@link #render} prints {@code reply} as base64: raw bytes that are not UTF-8. */
  boolean rendersAsBase64(byte[] reply) {
    return this == RAW && utf8(reply) == null;
  }

  /** What {@code ARGS} defaults to when not given. */
  String defaultArgs() {
    return this == RAW ? "" : "{}";
  }

  static JsonNode parseJson(String args) {
    JsonNode tree;
    try {
      tree = JSON_MAPPER.readTree(args);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new CliException(
          ExitCodes.USAGE,
          "bad JSON arguments" + where + ": " + firstLine(e.getOriginalMessage()),
          e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new CliException(ExitCodes.USAGE, "bad JSON arguments: no JSON value given");
    }
    return tree;
  }

  /** {@code bytes} as text if they are valid UTF-8, else null. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
