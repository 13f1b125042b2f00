package io.jrpcx.benchmark;

import io.jrpcx.benchmark.proto.BenchmarkMessage;

/**
 * What every peer sends and what every server does with it, defined once.
 *
 * <p>The message: {@link GoogleMessage1} (plain Java) and {@code BenchmarkMessage} (protobuf) hold
 * the same values, as rpcx-benchmark fills them: every string {@link #TEXT}, every integer
 * {@link #NUMBER}, every bool true. The server sets {@code field1 = "OK"} and {@code field2 = 100}
 * and returns the message; the client checks both. Serialized with protobuf it is 581 bytes.
 *
 * <p>The payload sweep sends opaque bytes ({@link #bytes(int)}) that the server echoes.
 */
public final class BenchMessages {
  /** rpcx-benchmark's string value: 18 characters, 54 bytes of UTF-8. */
  public static final String TEXT = "许多往事在眼前一幕一幕，变的那麼模糊";

  /** rpcx-benchmark's integer value. */
  public static final int NUMBER = 100_000;

  /** What the server writes into field1. */
  public static final String SERVED_FIELD1 = "OK";

  /** What the server writes into field2. */
  public static final int SERVED_FIELD2 = 100;

  private BenchMessages() {}

  /** The server's work on the plain message: sets the two fields, returns it. */
  public static GoogleMessage1 serve(GoogleMessage1 m) {
    m.field1 = SERVED_FIELD1;
    m.field2 = SERVED_FIELD2;
    return m;
  }

  /** The server's work on the protobuf message. */
  public static BenchmarkMessage serve(BenchmarkMessage m) {
    return m.toBuilder().setField1(SERVED_FIELD1).setField2(SERVED_FIELD2).build();
  }

  /** Whether {@code reply} is what the server answers. */
  public static boolean isServed(GoogleMessage1 reply) {
    return reply != null
        && SERVED_FIELD1.equals(reply.field1)
        && reply.field2 == SERVED_FIELD2
        && TEXT.equals(reply.field9);
  }

  /** Whether {@code reply} is what the server answers. */
  public static boolean isServed(BenchmarkMessage reply) {
    return reply != null
        && SERVED_FIELD1.equals(reply.getField1())
        && reply.getField2() == SERVED_FIELD2
        && TEXT.equals(reply.getField9());
  }

  /** {@code size} bytes of a repeating, non-constant pattern (so nothing compresses it away). */
  public static byte[] bytes(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + (i >>> 8));
    }
    return b;
  }

  /** Whether an echoed reply is the request. */
  public static boolean isEcho(byte[] request, byte[] reply) {
    return reply != null
        && reply.length == request.length
        && (reply.length == 0
            || (reply[0] == request[0] && reply[reply.length - 1] == request[request.length - 1]));
  }
}
