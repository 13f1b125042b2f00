package io.jrpcx.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.CodecException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * java.time and Optional values in the default JSON and MsgPack codecs, encoded as Go encodes the
 * matching types: {@code time.Time} as RFC 3339 text in JSON (Go's {@code RFC3339Nano}: trailing
 * zeros of the fraction trimmed) and as the msgpack timestamp extension (type -1) in MsgPack, the
 * way {@code vmihailenco/msgpack} v5 writes it; {@code time.Duration} as integer nanoseconds; an
 * empty Optional as null (Go's nil pointer).
 */
class JavaTimeAndOptionalTest {
  private static final JsonCodec JSON = new JsonCodec();
  private static final MsgPackCodec MSGPACK = new MsgPackCodec();

  /** Go's reference time, 2006-01-02T15:04:05Z, Unix 1136214245 (0x43b940e5). */
  private static final Instant GO_REFERENCE = Instant.parse("2006-01-02T15:04:05Z");

  /** A reply with the types a Go struct would carry as time.Time, time.Duration and pointers. */
  static final class Event {
    Instant at;
    OffsetDateTime local;
    Duration took;
    Optional<String> note;
    OptionalInt count;
    LocalDate day;
  }

  private static String json(Object value) {
    return new String(JSON.encode(value), StandardCharsets.UTF_8);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static byte[] unhex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void jsonWritesInstantsAsGoWritesTimeTimeWithTheFractionTrimmed() {
    assertThat(json(GO_REFERENCE)).isEqualTo("\"2006-01-02T15:04:05Z\"");
    assertThat(json(GO_REFERENCE.plusNanos(123_400_000)))
        .isEqualTo("\"2006-01-02T15:04:05.1234Z\"");
    assertThat(json(GO_REFERENCE.plusNanos(1))).isEqualTo("\"2006-01-02T15:04:05.000000001Z\"");
    assertThat(json(OffsetDateTime.of(2006, 1, 2, 15, 4, 5, 999_999_999, ZoneOffset.ofHours(-7))))
        .isEqualTo("\"2006-01-02T15:04:05.999999999-07:00\"");
    assertThat(json(ZonedDateTime.of(2006, 1, 2, 15, 4, 5, 500_000_000, ZoneOffset.ofHours(8))))
        .isEqualTo("\"2006-01-02T15:04:05.5+08:00\"");
  }

  @Test
  void jsonReadsGoTimesKeepingTheirOffset() {
    assertThat(JSON.decode("\"2006-01-02T08:04:05.1234-07:00\"".getBytes(), Instant.class))
        .isEqualTo(GO_REFERENCE.plusNanos(123_400_000));
    assertThat(JSON.decode("\"2006-01-02T08:04:05-07:00\"".getBytes(), OffsetDateTime.class))
        .isEqualTo(OffsetDateTime.of(2006, 1, 2, 8, 4, 5, 0, ZoneOffset.ofHours(-7)));
    assertThat(JSON.decode("\"2006-01-02T15:04:05Z\"".getBytes(), ZonedDateTime.class))
        .isEqualTo(ZonedDateTime.of(2006, 1, 2, 15, 4, 5, 0, ZoneOffset.UTC));
  }

  @Test
  void durationsAreGoDurationsInIntegerNanoseconds() {
    assertThat(json(Duration.ofMillis(1500))).isEqualTo("1500000000");
    assertThat(JSON.decode("1500000000".getBytes(), Duration.class))
        .isEqualTo(Duration.ofMillis(1500));
    // Go writes an int64; any integer width reads back.
    assertThat(hex(MSGPACK.encode(Duration.ofSeconds(1)))).isEqualTo("ce3b9aca00");
    assertThat(MSGPACK.decode(unhex("d3000000003b9aca00"), Duration.class))
        .isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> JSON.encode(Duration.ofDays(365L * 300)))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void msgpackWritesInstantsAsTheTimestampExtensionInItsSmallestForm() {
    // timestamp 32: seconds only, below 2^32
    assertThat(hex(MSGPACK.encode(GO_REFERENCE))).isEqualTo("d6ff43b940e5");
    // timestamp 64: nanoseconds << 34 | seconds
    assertThat(hex(MSGPACK.encode(Instant.ofEpochSecond(1, 500))))
        .isEqualTo("d7ff000007d000000001");
    // timestamp 96: nanoseconds, then signed seconds; Go's zero time.Time is year 1
    assertThat(hex(MSGPACK.encode(Instant.parse("0001-01-01T00:00:00Z"))))
        .isEqualTo("c70cff00000000fffffff1886e0900");
    assertThat(hex(MSGPACK.encode(Instant.ofEpochSecond(-1, 5))))
        .isEqualTo("c70cff00000005ffffffffffffffff");
  }

  @Test
  void msgpackReadsEveryTimestampFormAndGosText() {
    assertThat(MSGPACK.decode(unhex("d6ff43b940e5"), Instant.class)).isEqualTo(GO_REFERENCE);
    assertThat(MSGPACK.decode(unhex("d7ff000007d000000001"), Instant.class))
        .isEqualTo(Instant.ofEpochSecond(1, 500));
    assertThat(MSGPACK.decode(unhex("c70cff00000000fffffff1886e0900"), Instant.class))
        .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
    // An offset does not travel in the extension: Go decodes it as local time, jrpcx as UTC.
    assertThat(MSGPACK.decode(unhex("d6ff43b940e5"), OffsetDateTime.class))
        .isEqualTo(OffsetDateTime.of(2006, 1, 2, 15, 4, 5, 0, ZoneOffset.UTC));
    assertThat(MSGPACK.decode(MSGPACK.encode("2006-01-02T15:04:05Z"), Instant.class))
        .isEqualTo(GO_REFERENCE);
    assertThatThrownBy(() -> MSGPACK.decode(unhex("d6054a4b4c4d"), Instant.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("extension type 5");
    assertThatThrownBy(() -> MSGPACK.decode(unhex("d4ff00"), Instant.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("timestamp extension of 1 bytes");
    assertThatThrownBy(() -> JSON.decode("\"2006-01-02 15:04:05\"".getBytes(), Instant.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("not a Go time");
  }

  @Test
  void optionalsAreTheValueOrNullLikeGoPointers() {
    assertThat(json(Optional.of("x"))).isEqualTo("\"x\"");
    assertThat(json(Optional.empty())).isEqualTo("null");
    assertThat(json(OptionalInt.of(3))).isEqualTo("3");
    assertThat(hex(MSGPACK.encode(Optional.of(1)))).isEqualTo("01");
  }

  @Test
  void aReplyWithTimesDurationsAndOptionalsRoundTripsInBothCodecs() {
    Event e = new Event();
    e.at = GO_REFERENCE.plusNanos(1_000);
    e.local = OffsetDateTime.of(2026, 12, 3, 4, 5, 6, 7, ZoneOffset.ofHoursMinutes(5, 30));
    e.took = Duration.ofNanos(42);
    e.note = Optional.of("done");
    e.count = OptionalInt.empty();
    e.day = LocalDate.of(2026, 12, 3);

    assertThat(json(e))
        .isEqualTo(
            "{\"at\":\"2006-01-02T15:04:05.000001Z\","
                + "\"local\":\"2026-12-03T04:05:06.000000007+05:30\","
                + "\"took\":42,\"note\":\"done\",\"count\":null,\"day\":\"2026-12-03\"}");
    for (Codec codec : new Codec[] {JSON, MSGPACK}) {
      Event back = (Event) codec.decode(codec.encode(e), Event.class);
      assertThat(back.at).isEqualTo(e.at);
      assertThat(back.local.toInstant()).isEqualTo(e.local.toInstant());
      assertThat(back.took).isEqualTo(e.took);
      assertThat(back.note).contains("done");
      assertThat(back.count).isEmpty();
      assertThat(back.day).isEqualTo(e.day);
    }
    assertThat(((Event) JSON.decode(JSON.encode(e), Event.class)).local).isEqualTo(e.local);
  }
}
