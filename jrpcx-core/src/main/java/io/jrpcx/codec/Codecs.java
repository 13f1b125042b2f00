package io.jrpcx.codec;

import java.util.Objects;

/**
 * An immutable table of {@link Codec}s by serialize type. {@link #defaults()} holds raw bytes,
 * JSON and MsgPack; modules and applications add more (Protobuf, Thrift, their own) with
 * {@link #toBuilder()}.
 *
 * <pre>{@code
 * Codecs codecs = Codecs.defaults().toBuilder().add(new MyCodec()).build();
 * }</pre>
 */
public final class Codecs {
  private static final Codecs DEFAULTS =
      new Builder().add(new RawCodec()).add(new JsonCodec()).add(new MsgPackCodec()).build();

  private final Codec[] byType;

  private Codecs(Codec[] byType) {
    this.byType = byType;
  }

  /** SerializeNone, JSON and MsgPack with Go-compatible settings. */
  public static Codecs defaults() {
    return DEFAULTS;
  }

  /** An empty table to fill. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    System.arraycopy(byType, 0, b.byType, 0, byType.length);
    return b;
  }

  /** The codec for {@code serializeType}, or {@code null} when none is registered. */
  public Codec get(int serializeType) {
    return serializeType >= 0 && serializeType <= SerializeType.MAX ? byType[serializeType] : null;
  }

  /** Builds a {@link Codecs} table. */
  public static final class Builder {
    private final Codec[] byType = new Codec[SerializeType.MAX + 1];

    private Builder() {}

    /** Registers {@code codec} under its serialize type, replacing any earlier one. */
    public Builder add(Codec codec) {
      int type = Objects.requireNonNull(codec, "codec").serializeType();
      if (type < 0 || type > SerializeType.MAX) {
        throw new IllegalArgumentException("serialize type must be 0..15, was " + type);
      }
      byType[type] = codec;
      return this;
    }

    public Codecs build() {
      return new Codecs(byType.clone());
    }
  }
}
