package io.jrpcx.internal;

import static io.jrpcx.testing.FuzzSupport.assertSameFields;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jrpcx.protocol.Compressors;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.ProtocolException;
import io.jrpcx.testing.FuzzSupport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the bytes-to-{@link Message} path: {@link FrameCodec#decode(byte[])} on the input as one
 * frame, and {@link FrameDecoder} in an {@link EmbeddedChannel} on the input as a byte stream,
 * whole and cut into pieces.
 *
 * <p>Invariants, for every input:
 *
 * <ul>
 *   <li>decoding yields a {@link Message} or throws {@link ProtocolException}; any other exception
 *       or error (an {@link OutOfMemoryError} included) is a finding;
 *   <li>limits are enforced before allocating: decoding under 1 KiB / 2 KiB limits allocates at
 *       most a small multiple of the input and the limits (measured per thread);
 *   <li>a decoded message survives a round trip: {@code decode(encode(m))} has the same fields,
 *       and encoding that again gives the same bytes;
 *   <li>a codec with smaller limits agrees with the default one, and refuses a frame only when
 *       the frame or its inflated payload is over its limits;
 *   <li>the stream decoder emits exactly the frames a plain sequential parse finds, then exactly
 *       the {@link ProtocolException} that parse stops at (nothing after it), however the bytes
 *       are split into reads;
 *   <li>every inbound buffer is released (checked per input through its reference count, and by
 *       Netty's PARANOID leak detector every few thousand inputs and after the class).
 * </ul>
 *
 * <p>Seeds: every Go vector ({@link FuzzSupport#seeds()}), plus the files under
 * {@code FrameDecoderFuzzTestInputs/decode/} in the test resources: inputs found by fuzzing,
 * kept as regression tests. Run {@code JAZZER_FUZZ=1} to fuzz (see
 * docs/contributing/fuzzing.md).
 */
class FrameDecoderFuzzTest {
  /** Small enough for fuzzed inputs (libFuzzer's default max length is 4 KiB) to reach. */
  private static final int SMALL_MAX_FRAME = 1 << 10;

  private static final int SMALL_MAX_INFLATED = 2 << 10;

  /** The stream decoder's limits: a gzip bomb inflates to at most this much per frame. */
  private static final int STREAM_MAX = 64 << 10;

  private static final FrameCodec DEFAULTS = FrameCodec.defaults();
  private static final FrameCodec SMALL =
      new FrameCodec(Compressors.defaults(), SMALL_MAX_FRAME, SMALL_MAX_INFLATED);
  private static final FrameCodec STREAM =
      new FrameCodec(Compressors.defaults(), STREAM_MAX, STREAM_MAX);

  private static final FuzzSupport.PeriodicLeakCheck LEAKS =
      new FuzzSupport.PeriodicLeakCheck(20_000);
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static {
    // Load and link every class the decode paths use, so that the allocation bound measures
    // decoding and not a first call's class initialisation.
    for (int round = 0; round < 3; round++) {
      seeds()
          .forEach(
              a -> {
                byte[] seed = (byte[]) ((Named<?>) a.get()[0]).getPayload();
                for (FrameCodec codec : List.of(SMALL, DEFAULTS)) {
                  try {
                    codec.decode(seed);
                  } catch (ProtocolException expected) {
                    // some seeds are meant to fail
                  }
                }
              });
    }
  }

  static Stream<Arguments> seeds() {
    return FuzzSupport.seeds();
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = "20s")
  void decode(byte[] input) {
    wholeFrame(input);
    Parse expected = parseSequentially(input);
    stream(input, new int[] {input.length}, expected);
    stream(input, splitPoints(input), expected);
    budgeted(input, splitPoints(input), expected);
    LEAKS.tick();
  }

  /** A server's budget smaller than the stream decoder's frame limit, so the fuzzer reaches it. */
  private static final long BUDGET = 8 << 10;

  /**
   * The server's decoder under a memory budget of {@link #BUDGET}, each request's charge released
   * as soon as it is emitted (as a fast server would): the budget's total never passes its hard
   * limit, whatever the input (no allocation above the budget is ever granted); every frame the
   * plain parse finds is emitted, or the stream ends with a {@link ProtocolException} (a frame
   * larger than the whole budget), or its payload is refused for want of memory; and once the
   * channel is closed, nothing is left reserved.
   */
  private static void budgeted(byte[] input, int[] ends, Parse expected) {
    MemoryBudget budget = new MemoryBudget(BUDGET);
    FrameDecoder.ConnectionMemory held = new FrameDecoder.ConnectionMemory();
    EmbeddedChannel channel =
        new EmbeddedChannel(FrameDecoder.forServer(STREAM, budget, java.time.Duration.ZERO, held));
    int emitted = 0;
    boolean failed = false;
    int start = 0;
    for (int end : ends) {
      ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, end - start));
      chunk.writeBytes(input, start, end - start);
      start = end;
      try {
        channel.writeInbound(chunk);
      } catch (ProtocolException e) {
        failed = true;
      }
      for (Object o; (o = channel.readInbound()) != null; ) {
        InboundFrame f = (InboundFrame) o;
        emitted++;
        held.remove(f.charge());
        budget.release(f.charge());
      }
      channel.runPendingTasks();
      for (Object o; (o = channel.readInbound()) != null; ) {
        InboundFrame f = (InboundFrame) o;
        emitted++;
        held.remove(f.charge());
        budget.release(f.charge());
      }
      if (budget.peak() > BUDGET + BUDGET / 4) {
        throw new AssertionError("budget of " + BUDGET + " granted " + budget.peak());
      }
    }
    try {
      channel.finishAndReleaseAll();
    } catch (ProtocolException e) {
      failed = true;
    }
    if (budget.used() != 0 || held.bytes() != 0) {
      throw new AssertionError(
          "left reserved after close: " + budget.used() + " / " + held.bytes());
    }
    if (!failed && expected.error == null && emitted != expected.frames.size()) {
      throw new AssertionError("emitted " + emitted + " of " + expected.frames.size() + " frames");
    }
  }

  @AfterAll
  static void noLeaks() {
    LEAKS.checkNow();
  }

  // ---- FrameCodec on one whole frame ----------------------------------------------------------

  private static void wholeFrame(byte[] input) {
    Message m;
    try {
      m = DEFAULTS.decode(input);
    } catch (ProtocolException e) {
      m = null;
    }
    Message small;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      small = SMALL.decode(input);
    } catch (ProtocolException e) {
      small = null;
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    if (allocated > allocationBound(input.length)) {
      throw new AssertionError(
          "decoding "
              + input.length
              + " bytes under limits of "
              + SMALL_MAX_FRAME
              + "/"
              + SMALL_MAX_INFLATED
              + " allocated "
              + allocated
              + " bytes: something is sized before it is checked");
    }
    if (m == null) {
      if (small != null) {
        throw new AssertionError(
            "the small-limit codec accepted what the default one refused: " + small);
      }
      return;
    }
    if (small != null) {
      assertSameFields(small, m, "small-limit codec vs default codec");
    } else if (input.length <= SMALL_MAX_FRAME
        && (m.compressType() == 0 || m.payload().length <= SMALL_MAX_INFLATED)) {
      throw new AssertionError("the small-limit codec refused a frame within its limits: " + m);
    }

    byte[] again = DEFAULTS.encode(m);
    Message m2 = DEFAULTS.decode(again);
    assertSameFields(m2, m, "decode(encode(decode(input)))");
    byte[] third = DEFAULTS.encode(m2);
    if (!Arrays.equals(third, again)) {
      throw new AssertionError(
          "encoding is not a fixed point: " + again.length + " bytes, then " + third.length);
    }
  }

  /**
   * Most a decode of {@code length} bytes under {@link #SMALL}'s limits may allocate: the
   * strings, metadata entries and payload of the frame (a few times its length), the inflated
   * payload and its growth (a few times the limit), gzip's buffers and an exception, and slack.
   * Sizing anything by a length field before checking it against the frame or the limit
   * allocates far more.
   */
  private static long allocationBound(int length) {
    return 32L * length + 4L * SMALL_MAX_INFLATED + (256 << 10);
  }

  // ---- FrameDecoder on a stream ---------------------------------------------------------------

  /** What a plain sequential parse of {@code input} finds: whole frames, then maybe an error. */
  private record Parse(List<Message> frames, ProtocolException error) {}

  private static Parse parseSequentially(byte[] input) {
    List<Message> frames = new ArrayList<>();
    int at = 0;
    while (at < input.length) {
      try {
        FrameCodec.checkMagic(input[at]);
        if (input.length - at < FrameCodec.HEADER_LENGTH) {
          break;
        }
        int frameLen = STREAM.frameLength(ByteBuffer.wrap(input, at, FrameCodec.HEADER_LENGTH));
        // The stream decoder checks the length fields that have arrived before it waits for the
        // rest of a frame; what it finds once every byte is in, this finds here.
        STREAM.checkPrefix(
            io.netty.buffer.Unpooled.wrappedBuffer(
                input, at, Math.min(frameLen, input.length - at)));
        if (input.length - at < frameLen) {
          break;
        }
        frames.add(STREAM.decode(ByteBuffer.wrap(input, at, frameLen).slice()));
        at += frameLen;
      } catch (ProtocolException e) {
        return new Parse(frames, e);
      }
    }
    return new Parse(frames, null);
  }

  /** Cut points derived from the input itself, so that a finding replays the same reads. */
  private static int[] splitPoints(byte[] input) {
    SplittableRandom random = new SplittableRandom(Arrays.hashCode(input));
    List<Integer> ends = new ArrayList<>();
    int at = 0;
    while (at < input.length) {
      // Mostly short reads, sometimes a long one: headers split anywhere, frames split mid-body.
      int n = random.nextInt(8) == 0 ? 1 + random.nextInt(512) : 1 + random.nextInt(20);
      at = Math.min(input.length, at + n);
      ends.add(at);
    }
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void stream(byte[] input, int[] ends, Parse expected) {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(STREAM));
    List<ByteBuf> written = new ArrayList<>();
    ProtocolException raised = null;
    int start = 0;
    for (int end : ends) {
      ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, end - start));
      chunk.writeBytes(input, start, end - start);
      written.add(chunk);
      start = end;
      try {
        channel.writeInbound(chunk);
      } catch (ProtocolException e) {
        if (raised != null) {
          throw new AssertionError("a second ProtocolException after " + raised, e);
        }
        raised = e;
      }
    }
    try {
      channel.finish();
    } catch (ProtocolException e) {
      if (raised != null) {
        throw new AssertionError("a second ProtocolException after " + raised, e);
      }
      raised = e;
    }

    List<Message> frames = new ArrayList<>();
    for (Object o; (o = channel.readInbound()) != null; ) {
      if (!(o instanceof Message)) {
        throw new AssertionError("FrameDecoder emitted " + o.getClass().getName());
      }
      frames.add((Message) o);
    }
    if (channel.readOutbound() != null) {
      throw new AssertionError("FrameDecoder wrote outbound");
    }
    for (ByteBuf b : written) {
      if (b.refCnt() != 0) {
        throw new AssertionError(
            "an inbound buffer was not released (refCnt "
                + b.refCnt()
                + ", "
                + ends.length
                + " reads)");
      }
    }

    if (frames.size() != expected.frames().size()) {
      throw new AssertionError(
          "FrameDecoder emitted "
              + frames.size()
              + " frames, a sequential"
              + " parse finds "
              + expected.frames().size()
              + " ("
              + ends.length
              + " reads)");
    }
    for (int i = 0; i < frames.size(); i++) {
      assertSameFields(frames.get(i), expected.frames().get(i), "frame " + i);
    }
    String want = expected.error() == null ? null : expected.error().getMessage();
    String got = raised == null ? null : raised.getMessage();
    if (want != null
        && got != null
        && want.startsWith("wrong magic number 0x1")
        && got.startsWith(want.substring(0, "wrong magic number 0x1X".length()))
        && got.contains("speaks TLS")) {
      // FrameDecoder names a TLS record (0x15 alert, 0x16 handshake) instead of the bare magic.
      want = got;
    }
    if (want == null ? got != null : !want.equals(got)) {
      throw new AssertionError(
          "FrameDecoder failed with <"
              + got
              + ">, a sequential parse with <"
              + want
              + "> ("
              + ends.length
              + " reads)");
    }
  }
}
