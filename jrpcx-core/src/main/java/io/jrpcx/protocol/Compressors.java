package io.jrpcx.protocol;

import java.util.Objects;

/**
 * An immutable table of {@link Compressor}s by compress type. {@link #defaults()} holds gzip, the
 * only compressor rpcx defines; add others (e.g. Snappy framing under an agreed number) with
 * {@link #toBuilder()}.
 */
public final class Compressors {
  private static final Compressors DEFAULTS = new Builder().add(new GzipCompressor()).build();

  private final Compressor[] byType;

  private Compressors(Compressor[] byType) {
    this.byType = byType;
  }

  /** gzip (type 1). */
  public static Compressors defaults() {
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

  /** The compressor for {@code type}, or {@code null} when none is registered. */
  public Compressor get(int type) {
    return type > 0 && type <= CompressType.MAX ? byType[type] : null;
  }

  /** Builds a {@link Compressors} table. */
  public static final class Builder {
    private final Compressor[] byType = new Compressor[CompressType.MAX + 1];

    private Builder() {}

    /** Registers {@code compressor} under its type, replacing any earlier one. */
    public Builder add(Compressor compressor) {
      int type = Objects.requireNonNull(compressor, "compressor").type();
      if (type <= CompressType.NONE || type > CompressType.MAX) {
        throw new IllegalArgumentException(
            "compress type must be 1.." + CompressType.MAX + ", was " + type);
      }
      byType[type] = compressor;
      return this;
    }

    public Compressors build() {
      return new Compressors(byType.clone());
    }
  }
}
