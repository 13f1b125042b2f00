package io.jrpcx.testing;

import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Shared pieces of the Jazzer fuzz tests ({@code FrameDecoderFuzzTest}, {@code ServerFuzzTest}):
 * the seed corpus taken from the Go vectors, field-by-field message comparison and a periodic
 * leak check.
 */
public final class FuzzSupport {
  private FuzzSupport() {}

  /**
   * Every frame the real Go rpcx wrote ({@link Vectors}, in the test
   * resources' {@code vectors/}), plus a few streams no single vector shows: two requests
   * back to back, a request followed by garbage and a frame cut short. A fuzz test's
   * {@code @MethodSource} runs them as regression inputs and Jazzer mutates them when fuzzing.
   */
  public static Stream<Arguments> seeds() {
    List<Arguments> seeds = new ArrayList<>();
    for (Vectors.Vector v : Vectors.all()) {
      seeds.add(Arguments.of(Named.of("vector " + v.name, v.bytes)));
    }
    byte[] mul = Vectors.get("json_mul_request").bytes;
    byte[] gzip = Vectors.get("json_gzip_echo_request").bytes;
    byte[] heartbeat = Vectors.get("heartbeat_request").bytes;
    seeds.add(Arguments.of(Named.of("two requests back to back", concat(mul, gzip))));
    seeds.add(Arguments.of(Named.of("heartbeat then request", concat(heartbeat, mul))));
    seeds.add(
        Arguments.of(
            Named.of(
                "request then garbage",
                concat(mul, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))));
    seeds.add(Arguments.of(Named.of("request cut short", Arrays.copyOf(mul, mul.length - 3))));
    // Gzip payloads that inflate past each limit in use (1 KiB to 1 MiB): mutating a small valid
    // gzip stream rarely yields one that inflates this far.
    for (int inflated : new int[] {3 << 10, 100 << 10, 2 << 20}) {
      Message bomb =
          new Message()
              .setSeq(inflated)
              .setServicePath("Echo")
              .setServiceMethod("Echo")
              .setSerializeType(1)
              .setCompressType(CompressType.GZIP)
              .setPayload(new byte[inflated]);
      seeds.add(
          Arguments.of(
              Named.of(
                  "gzip payload inflating to " + inflated + " bytes",
                  FrameCodec.defaults().encode(bomb))));
    }
    return seeds.stream();
  }

  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** Null when {@code a} and {@code b} carry the same fields, else what differs. */
  public static String difference(Message a, Message b) {
    if (a.version() != b.version()) {
      return "version " + a.version() + " != " + b.version();
    }
    if (a.isResponse() != b.isResponse()
        || a.isHeartbeat() != b.isHeartbeat()
        || a.isOneway() != b.isOneway()) {
      return "type bits " + a + " != " + b;
    }
    if (a.compressType() != b.compressType()
        || a.statusType() != b.statusType()
        || a.serializeType() != b.serializeType()) {
      return "header fields " + a + " != " + b;
    }
    if (a.seq() != b.seq()) {
      return "seq " + a.seq() + " != " + b.seq();
    }
    if (!a.servicePath().equals(b.servicePath()) || !a.serviceMethod().equals(b.serviceMethod())) {
      return "path/method " + a + " != " + b;
    }
    Map<String, String> ma = a.metadata();
    Map<String, String> mb = b.metadata();
    if (!ma.equals(mb) || !List.copyOf(ma.keySet()).equals(List.copyOf(mb.keySet()))) {
      return "metadata " + ma + " != " + mb;
    }
    if (!Arrays.equals(a.payload(), b.payload())) {
      return "payload of "
          + a.payload().length
          + " bytes != payload of "
          + b.payload().length
          + " bytes";
    }
    return null;
  }

  /** Fails when {@code a} and {@code b} differ in any field. */
  public static void assertSameFields(Message a, Message b, String what) {
    String diff = difference(a, b);
    if (diff != null) {
      throw new AssertionError(what + ": " + diff);
    }
  }

  /**
   * Runs {@link LeakDetection#collectLeaks()} (a full GC) once every {@code every} calls and fails
   * with the leak reports when Netty's PARANOID detector saw an unreleased buffer.
   */
  public static final class PeriodicLeakCheck {
    private final int every;
    private long calls;

    public PeriodicLeakCheck(int every) {
      this.every = every;
    }

    public void tick() {
      if (++calls % every == 0) {
        checkNow();
      }
    }

    public void checkNow() {
      List<String> leaks = LeakDetection.collectLeaks();
      if (!leaks.isEmpty()) {
        throw new AssertionError(
            leaks.size()
                + " Netty buffer leak(s) within the last "
                + every
                + " fuzz inputs:\n"
                + String.join("\n", leaks));
      }
    }
  }
}
