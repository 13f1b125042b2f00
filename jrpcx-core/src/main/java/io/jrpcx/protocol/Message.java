package io.jrpcx.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One rpcx frame, decoded: the header fields, service path and method, metadata and the
 * (uncompressed) payload. The same type carries requests, responses, heartbeats and server push.
 *
 * <p>The compress type says how the payload travels on the wire; {@link #payload()} is always the
 * plain bytes, compression happens in the frame codec.
 *
 * <p>A message is mutable, so that plugins can adjust it before it is encoded, and is not
 * thread-safe: it belongs to one thread at a time.
 */
public final class Message {
  /** The first byte of every frame. */
  public static final byte MAGIC = 0x08;

  /** Status bits value of a normal message. */
  public static final int STATUS_NORMAL = 0;

  /** Status bits value of an error response; the text is in {@link #ERROR_KEY}. */
  public static final int STATUS_ERROR = 1;

  /** Metadata key of the error text of an error response. */
  public static final String ERROR_KEY = "__rpcx_error__";

  /**
   * Metadata key of the error code of an error response, a jrpcx addition: Go rpcx neither sends
   * nor reads it, and ignores it as it ignores any metadata it does not know.
   */
  public static final String ERROR_CODE_KEY = "__rpcx_error_code__";

  /**
   * Metadata key of the details of an error response, a jrpcx addition like {@link
   * #ERROR_CODE_KEY}: a string map in Go's URL query form ({@code url.Values.Encode}, read with
   * {@code url.ParseQuery}).
   */
  public static final String ERROR_DETAILS_KEY = "__rpcx_error_details__";

  /** Metadata key of the auth token of a request. */
  public static final String AUTH_KEY = "__AUTH";

  /** Metadata key of the caller's remaining time in milliseconds (decimal). */
  public static final String SERVER_TIMEOUT_KEY = "__ServerTimeout";

  private static final byte[] EMPTY = new byte[0];

  private int version;
  private boolean response;
  private boolean heartbeat;
  private boolean oneway;
  private int compressType;
  private int statusType;
  private int serializeType;
  private long seq;
  private String servicePath = "";
  private String serviceMethod = "";
  private Map<String, String> metadata;
  private byte[] payload = EMPTY;

  /** An empty request: version 0, seq 0, no path, method, metadata or payload. */
  public Message() {}

  /**
   * A response to this request the way Go rpcx builds one: the header is cloned (version, seq,
   * serialize type, heartbeat and oneway bits), the type set to response, compression and status
   * reset, service path and method echoed; request metadata is not copied.
   */
  public Message newResponse() {
    Message r = new Message();
    r.version = version;
    r.response = true;
    r.heartbeat = heartbeat;
    r.oneway = oneway;
    r.serializeType = serializeType;
    r.seq = seq;
    r.servicePath = servicePath;
    r.serviceMethod = serviceMethod;
    return r;
  }

  /** Header byte 1. Go always sends 0 and never checks it; it is kept as received. */
  public int version() {
    return version;
  }

  public Message setVersion(int version) {
    this.version = version & 0xFF;
    return this;
  }

  /** Whether bit 7 of header byte 2 (message type) says response. */
  public boolean isResponse() {
    return response;
  }

  public Message setResponse(boolean response) {
    this.response = response;
    return this;
  }

  public boolean isHeartbeat() {
    return heartbeat;
  }

  public Message setHeartbeat(boolean heartbeat) {
    this.heartbeat = heartbeat;
    return this;
  }

  /** Whether the sender expects no response. */
  public boolean isOneway() {
    return oneway;
  }

  public Message setOneway(boolean oneway) {
    this.oneway = oneway;
    return this;
  }

  /** How the payload is compressed on the wire, see {@link CompressType}. */
  public int compressType() {
    return compressType;
  }

  public Message setCompressType(int compressType) {
    if (compressType < 0 || compressType > CompressType.MAX) {
      throw new IllegalArgumentException("compress type must be 0..7, was " + compressType);
    }
    this.compressType = compressType;
    return this;
  }

  /** The status bits: {@link #STATUS_NORMAL} or {@link #STATUS_ERROR} (2 and 3 are unused). */
  public int statusType() {
    return statusType;
  }

  public Message setStatusType(int statusType) {
    if (statusType < 0 || statusType > 3) {
      throw new IllegalArgumentException("status type must be 0..3, was " + statusType);
    }
    this.statusType = statusType;
    return this;
  }

  public boolean isError() {
    return statusType == STATUS_ERROR;
  }

  /** The payload codec number (high nibble of header byte 3), see {@code SerializeType}. */
  public int serializeType() {
    return serializeType;
  }

  public Message setSerializeType(int serializeType) {
    if (serializeType < 0 || serializeType > 15) {
      throw new IllegalArgumentException("serialize type must be 0..15, was " + serializeType);
    }
    this.serializeType = serializeType;
    return this;
  }

  /** The message id that pairs a response with its request (an unsigned 64-bit number). */
  public long seq() {
    return seq;
  }

  public Message setSeq(long seq) {
    this.seq = seq;
    return this;
  }

  public String servicePath() {
    return servicePath;
  }

  public Message setServicePath(String servicePath) {
    this.servicePath = Objects.requireNonNull(servicePath, "servicePath");
    return this;
  }

  public String serviceMethod() {
    return serviceMethod;
  }

  public Message setServiceMethod(String serviceMethod) {
    this.serviceMethod = Objects.requireNonNull(serviceMethod, "serviceMethod");
    return this;
  }

  /**
   * The metadata in wire order. Unmodifiable; change it with {@link #putMetadata} and
   * {@link #setMetadata}.
   */
  public Map<String, String> metadata() {
    return metadata == null ? Map.of() : Collections.unmodifiableMap(metadata);
  }

  /** One metadata entry, or null. */
  public String metadata(String key) {
    return metadata == null ? null : metadata.get(key);
  }

  public Message putMetadata(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (metadata == null) {
      metadata = new LinkedHashMap<>();
    }
    metadata.put(key, value);
    return this;
  }

  public Message removeMetadata(String key) {
    if (metadata != null) {
      metadata.remove(key);
    }
    return this;
  }

  /** Replaces all metadata with a copy of {@code entries}, keeping their iteration order. */
  public Message setMetadata(Map<String, String> entries) {
    metadata = null;
    entries.forEach(this::putMetadata);
    return this;
  }

  /** The error text of an error response ({@code __rpcx_error__}), or null. */
  public String errorText() {
    return metadata(ERROR_KEY);
  }

  /** The uncompressed payload. Not copied: do not modify the array once handed over. */
  public byte[] payload() {
    return payload;
  }

  public Message setPayload(byte[] payload) {
    this.payload = payload == null ? EMPTY : payload;
    return this;
  }

  @Override
  public String toString() {
    return (response ? "Response" : "Request")
        + "[seq="
        + Long.toUnsignedString(seq)
        + ", "
        + servicePath
        + "."
        + serviceMethod
        + (heartbeat ? ", heartbeat" : "")
        + (oneway ? ", oneway" : "")
        + (statusType != 0 ? ", status=" + statusType : "")
        + ", serialize="
        + serializeType
        + (compressType != 0 ? ", compress=" + compressType : "")
        + (metadata == null || metadata.isEmpty() ? "" : ", metadata=" + metadata)
        + ", payload="
        + payload.length
        + " bytes]";
  }
}
