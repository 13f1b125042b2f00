package io.jrpcx.interop;

import io.jrpcx.CodecException;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;

/**
 * A hand-written protobuf codec for exactly the two messages of the Go vectors
 * ({@code message Args {int64 A = 1; int64 B = 2;}}, {@code message Reply {int64 C = 1;}}), to
 * show that a codec registered by the application takes part in the protocol like a built-in one.
 * The real Protobuf codec belongs in its own module.
 */
final class ProtoArithCodec implements Codec {

  @Override
  public int serializeType() {
    return SerializeType.PROTOBUF;
  }

  @Override
  public byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (value instanceof Args) {
      field(out, 1, ((Args) value).A);
      field(out, 2, ((Args) value).B);
    } else if (value instanceof Reply) {
      field(out, 1, ((Reply) value).C);
    } else {
      throw new CodecException("ProtoArithCodec cannot encode " + value);
    }
    return out.toByteArray();
  }

  @Override
  public Object decode(byte[] data, Type type) {
    long[] fields = new long[3];
    int i = 0;
    while (i < data.length) {
      int tag = data[i++] & 0xFF;
      if ((tag & 7) != 0 || (tag >> 3) > 2) {
        throw new CodecException("unexpected protobuf tag " + tag);
      }
      long v = 0;
      int shift = 0;
      while (true) {
        if (i >= data.length) {
          throw new CodecException("truncated varint");
        }
        int b = data[i++] & 0xFF;
        v |= (long) (b & 0x7F) << shift;
        if (b < 0x80) {
          break;
        }
        shift += 7;
      }
      fields[tag >> 3] = v;
    }
    if (type == Args.class) {
      return new Args((int) fields[1], (int) fields[2]);
    }
    if (type == Reply.class) {
      return new Reply((int) fields[1]);
    }
    throw new CodecException("ProtoArithCodec cannot decode " + type);
  }

  private static void field(ByteArrayOutputStream out, int number, long value) {
    if (value == 0) {
      return; // proto3 omits default values
    }
    out.write(number << 3);
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
