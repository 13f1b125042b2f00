package io.jrpcx.codec;

import static io.jrpcx.codec.MsgPackSamples.FAST;
import static io.jrpcx.codec.MsgPackSamples.JACKSON;
import static io.jrpcx.codec.MsgPackSamples.assertSameOutcome;
import static io.jrpcx.codec.MsgPackSamples.outcome;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jrpcx.codec.MsgPackSamples.WideWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the Go-compatible {@link MsgPackCodec}'s fast path against pure Jackson: the first input
 * byte picks a plain class of {@link MsgPackSamples#PLAIN}, the rest is the payload, and decoding
 * it through both codecs must give equal objects or exceptions of one class with one message.
 * The fast path never allocates more than the payload's lengths allow before checking them
 * (a length past the end is handed to Jackson), so the inputs Jazzer makes stay cheap.
 *
 * <p>Seeds: each plain class encoded by Jackson and written in random widths with unknown keys
 * ({@link WideWriter}). Bounded like the other fuzz tests: {@code maxDuration} 20 s in the build's
 * {@code fuzz} execution (see docs/contributing/fuzzing.md).
 */
class MsgPackFastPathFuzzTest {

  static Stream<Arguments> seeds() {
    Random r = new Random(7);
    List<Arguments> seeds = new ArrayList<>();
    for (int c = 0; c < MsgPackSamples.PLAIN.size(); c++) {
      Class<?> type = MsgPackSamples.PLAIN.get(c);
      for (int i = 0; i < 3; i++) {
        Object v = MsgPackSamples.anyInstance(type, r, 1);
        byte[] payload = i == 0 ? JACKSON.encode(v) : new WideWriter(r, true).bean(v).bytes();
        if (payload.length < 4096) {
          seeds.add(
              Arguments.of(Named.of(type.getSimpleName() + " #" + i, concat((byte) c, payload))));
        }
      }
    }
    return seeds.stream();
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = "20s")
  void decode(byte[] input) {
    if (input.length < 2) {
      return;
    }
    Class<?> type = MsgPackSamples.PLAIN.get((input[0] & 0xff) % MsgPackSamples.PLAIN.size());
    byte[] payload = java.util.Arrays.copyOfRange(input, 1, input.length);
    assertSameOutcome(
        outcome(() -> FAST.decode(payload, type)),
        outcome(() -> JACKSON.decode(payload, type)),
        type.getSimpleName());
  }

  private static byte[] concat(byte first, byte[] rest) {
    byte[] out = new byte[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
