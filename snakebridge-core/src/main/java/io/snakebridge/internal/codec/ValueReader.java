package io.snakebridge.internal.codec;

import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Decodes value sections (WIRE-PROTOCOL.md §2.1, §3) into Java values: the "Java (results)" column
 * of the API contract's Values table.
 *
 * <p>Everything outside the restricted pickle is refused with a {@link WireFormatException}:
 * unknown opcodes and globals, malformed layout, truncated input, trailing bytes, nesting deeper
 * than {@link CodecLimits#maxDepth()}. Decoding never recurses, and every length in the input is
 * checked against the bytes present before anything is allocated for it, so hostile input costs at
 * most a small multiple of its own size.
 *
 * <p>Stateless and thread-safe: each call works on its own decoder.
 */
public final class ValueReader {
  private final CodecLimits limits;

  public ValueReader(CodecLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Decodes a value section that occupies body[offset, offset+length). Never recurses; bounded by
   * limits.
   *
   * @throws WireFormatException if the bytes are not a valid value section
   * @throws IndexOutOfBoundsException if the range is not inside {@code body}
   */
  public Object decode(byte[] body, int offset, int length) {
    return decode(body, offset, length, LiveObjects.NONE);
  }

  /**
   * Like {@link #decode(byte[], int, int)}, asking {@code live} for the Java value of each
   * reference or callback.
   */
  public Object decode(byte[] body, int offset, int length, LiveObjects live) {
    return decode(body, offset, length, live, null, 0);
  }

  /**
   * Like {@link #decode(byte[], int, int, LiveObjects)}, giving up with a {@link
   * DecodingTimedOutException} once {@code clock} reads {@code deadline} or later (checked every
   * few thousand opcodes); no deadline when {@code clock} is null.
   */
  public Object decode(
      byte[] body,
      int offset,
      int length,
      LiveObjects live,
      @Nullable LongSupplier clock,
      long deadline) {
    Objects.requireNonNull(live, "live");
    Objects.checkFromIndexSize(offset, length, body.length);
    if (length > limits.maxBodyBytes()) {
      throw new WireFormatException(
          "value section of " + length + " bytes exceeds the limit of " + limits.maxBodyBytes());
    }
    SectionLayout layout = SectionLayout.parse(body, offset, length);
    return new PickleDecoder(body, layout, limits, live).run(clock, deadline);
  }
}
