package io.jrpcx.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
  MSGPACK(SerializeType.MSGPACK) {
    @Override
    byte[] encode(String args) {
      return writeTree(MSGPACK_MAPPER, parseJson(args));
    }

    @Override
    String render(byte[] reply, boolean pretty) {
      return renderTree(readTree(MSGPACK_MAPPER, reply, "msgpack"), pretty);
    }
  },
  JSON(SerializeType.JSON) {
    @Override
    byte[] encode(String args) {
      return writeTree(JSON_MAPPER, parseJson(args));
    }

    @Override
    String render(byte[] reply, boolean pretty) {
      return renderTree(readTree(JSON_MAPPER, reply, "JSON"), pretty);
    }
  },
  /** SerializeNone: the argument's UTF-8 bytes as they are; a reply printed as text or base64. */
  RAW(SerializeType.NONE) {
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
  private static final ObjectMapper JSON_MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final ObjectMapper PRETTY = JSON_MAPPER.copy()
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper MSGPACK_MAPPER = MsgPackCodec.newGoCompatibleMapper();

  private final int serializeType;

  PayloadFormat(int serializeType) {
    this.serializeType = serializeType;
  }

  int serializeType() {
    return serializeType;
  }

  /** The payload for {@code args}; bad JSON is a {@link CliException} with its location. */
  abstract byte[] encode(String args);

  /** The reply as text: JSON for JSON and msgpack, the bytes themselves for raw. */
  abstract String render(byte[] reply, boolean pretty);

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
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new CliException(ExitCodes.USAGE,
          "bad JSON arguments" + where + ": " + firstLine(e.getOriginalMessage()), e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new CliException(ExitCodes.USAGE, "bad JSON arguments: no JSON value given");
    }
    return tree;
  }

  private static byte[] writeTree(ObjectMapper mapper, JsonNode tree) {
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCodes.USAGE, "cannot encode the arguments: " + e.getMessage(), e);
    }
  }

  private static JsonNode readTree(ObjectMapper mapper, byte[] reply, String codec) {
    if (reply.length == 0) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
    try {
      return mapper.readTree(reply);
    } catch (IOException e) {
      throw new CliException(ExitCodes.REMOTE_ERROR, "the reply is not valid " + codec + ": "
          + firstLine(e.getMessage()), e);
    }
  }

  private static String renderTree(JsonNode tree, boolean pretty) {
    try {
      return (pretty ? PRETTY : JSON_MAPPER).writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCodes.REMOTE_ERROR, "cannot print the reply as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /** {@code bytes} as text if they are valid UTF-8, else null. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
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
