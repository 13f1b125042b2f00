package io.jrpcx.codec;

/**
 * Serialize type numbers carried in the high nibble of header byte 3, as Go rpcx defines them.
 * Numbers 5..15 are free for codecs registered by agreement between peers.
 */
public final class SerializeType {
  /** Raw bytes: the payload is the {@code byte[]} argument itself. */
  public static final int NONE = 0;

  public static final int JSON = 1;
  public static final int PROTOBUF = 2;

  /** The default of Go rpcx clients and of jrpcx clients. */
  public static final int MSGPACK = 3;

  public static final int THRIFT = 4;

  /** The largest number the four header bits can carry. */
  public static final int MAX = 15;

  private SerializeType() {}
}
