package io.snakebridge.internal.codec;

/**
 * The bounds both codec directions enforce (WIRE-PROTOCOL.md §3.5): how deeply values may nest and
 * how large a frame may be; and how many digits a decimal read may have.
 *
 * <p>{@code maxFrameBytes} bounds a frame's {@code length} field, which counts 12 header bytes plus
 * the body, so a value section may use at most {@code maxFrameBytes - 12} bytes. Depth counts
 * containers: a flat list has depth 1, a list of lists depth 2; scalars and the {@code sbw} values
 * (dates, arrays...) add nothing.
 *
 * <p>{@code maxDecimalDigits} bounds the digits of a {@code Decimal} the reader turns into a {@link
 * java.math.BigDecimal}: parsing decimal digits takes time quadratic in their number (about 0.35 s
 * for 100,000, half a minute for a million), so longer ones are refused as a value Java cannot
 * hold, and the call fails with a {@code ConversionException} instead of stalling.
 *
 * @param maxDepth deepest container nesting accepted, at least 1
 * @param maxFrameBytes largest frame {@code length} accepted, 64 to 2^32 - 1
 * @param maxDecimalDigits most digits of a decimal read, at least 1
 */
public record CodecLimits(int maxDepth, long maxFrameBytes, int maxDecimalDigits) {
  /** The default {@link #maxDecimalDigits()}. */
  public static final int DEFAULT_MAX_DECIMAL_DIGITS = 100_000;

  /** 1,000 levels, 512 MiB and 100,000 decimal digits, the protocol's defaults. */
  public static final CodecLimits DEFAULT = new CodecLimits(1_000, 512L << 20);

  /** The frame {@code length} field is an unsigned 32-bit integer. */
  private static final long MAX_FRAME_FIELD = 0xFFFF_FFFFL;

  public CodecLimits {
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be at least 1: " + maxDepth);
    }
    if (maxFrameBytes < 64 || maxFrameBytes > MAX_FRAME_FIELD) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be between 64 and " + MAX_FRAME_FIELD + ": " + maxFrameBytes);
    }
    if (maxDecimalDigits < 1) {
      throw new IllegalArgumentException(
          "maxDecimalDigits must be at least 1: " + maxDecimalDigits);
    }
  }

  /** Limits with the default {@link #DEFAULT_MAX_DECIMAL_DIGITS}. */
  public CodecLimits(int maxDepth, long maxFrameBytes) {
    this(maxDepth, maxFrameBytes, DEFAULT_MAX_DECIMAL_DIGITS);
  }

  /** Returns the largest value section (frame body) allowed: {@code maxFrameBytes - 12}. */
  public long maxBodyBytes() {
    return maxFrameBytes - 12;
  }
}
