package io.snakebridge.internal.codec;

/**
 * The bounds both codec directions enforce (WIRE-PROTOCOL.md §3.5): how deeply values may nest
 * and how large a frame may be.
 *
 * <p>{@code maxFrameBytes} bounds a frame's {@code length} field, which counts 12 header bytes
 * plus the body, so a value section may use at most {@code maxFrameBytes - 12} bytes. Depth counts
 * containers: a flat list has depth 1, a list of lists depth 2; scalars and the {@code sbw}
 * values (dates, arrays...) add nothing.
 *
 * @param maxDepth deepest container nesting accepted, at least 1
 * @param maxFrameBytes largest frame {@code length} accepted, 64 to 2^32 - 1
 */
public record CodecLimits(int maxDepth, long maxFrameBytes) {
  /** 1,000 levels and 512 MiB, the protocol's defaults. */
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
  }

  /** Returns the largest value section (frame body) allowed: {@code maxFrameBytes - 12}. */
  public long maxBodyBytes() {
    return maxFrameBytes - 12;
  }
}
