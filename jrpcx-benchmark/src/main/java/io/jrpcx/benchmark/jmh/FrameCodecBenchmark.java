package io.jrpcx.benchmark.jmh;

import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.Message;
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
 * rpcx frame encode and decode ({@link FrameCodec}) of a request like the benchmark's: service
 * path, method, one metadata pair, and a payload of {@code payloadSize} bytes. Run with
 * {@code -prof gc} to see bytes allocated per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {

  @Param({"128", "1024", "16384"})
  public int payloadSize;

  private final FrameCodec codec = FrameCodec.defaults();
  private Message message;
  private byte[] frame;

  @Setup
  public void setUp() {
    byte[] payload = new byte[payloadSize];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    message =
        new Message()
            .setSeq(12345)
            .setSerializeType(SerializeType.MSGPACK)
            .setServicePath("Bench")
            .setServiceMethod("Say")
            .putMetadata("trace", "4bf92f3577b34da6")
            .setPayload(payload);
    frame = codec.encode(message);
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(message);
  }

  @Benchmark
  public Message decode() {
    return codec.decode(frame);
  }

  /** A response built from a decoded request and encoded: the server's framing work per call. */
  @Benchmark
  public byte[] decodeThenEncodeResponse() {
    Message request = codec.decode(frame);
    return codec.encode(request.newResponse().setPayload(request.payload()));
  }
}
