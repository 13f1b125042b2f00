package io.jrpcx.benchmark.jmh;

import io.jrpcx.benchmark.GoogleMessage1;
import io.jrpcx.benchmark.proto.BenchmarkMessage;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.JsonCodec;
import io.jrpcx.codec.MsgPackCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The benchmark message through jrpcx's payload codecs ({@link MsgPackCodec}, {@link JsonCodec})
 * and, for scale, protobuf-java: encode to bytes, decode back. Run with {@code -prof gc} to see
 * bytes allocated per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PayloadCodecBenchmark {

  /** {@code protobuf} is protobuf-java on the same values, not a jrpcx codec. */
  @Param({"msgpack", "json", "protobuf"})
  public String codec;

  private Codec jrpcxCodec;
  private GoogleMessage1 message;
  private BenchmarkMessage proto;
  private byte[] encoded;

  @Setup
  public void setUp() {
    message = GoogleMessage1.filled();
    proto = message.toProto();
    switch (codec) {
      case "msgpack":
        jrpcxCodec = new MsgPackCodec();
        encoded = jrpcxCodec.encode(message);
        break;
      case "json":
        jrpcxCodec = new JsonCodec();
        encoded = jrpcxCodec.encode(message);
        break;
      case "protobuf":
        encoded = proto.toByteArray();
        break;
      default:
        throw new IllegalArgumentException(codec);
    }
  }

  @Benchmark
  public byte[] encode() {
    return jrpcxCodec == null ? proto.toByteArray() : jrpcxCodec.encode(message);
  }

  @Benchmark
  public Object decode() throws Exception {
    return jrpcxCodec == null
        ? BenchmarkMessage.parseFrom(encoded)
        : jrpcxCodec.decode(encoded, GoogleMessage1.class);
  }
}
