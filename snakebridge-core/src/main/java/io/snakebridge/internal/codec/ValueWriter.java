package io.snakebridge.internal.codec;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Encodes Java values into value sections (WIRE-PROTOCOL.md §2.1, §3): a restricted pickle protocol
 * 5 plus out-of-band buffers for {@code NdArray}s.
 *
 * <p>The mapping is the "Java accepted as arguments" column of the API contract's Values table. Any
 * other type, a list, map, set or array used as a dict key or set element, nesting deeper than
 * {@link CodecLimits#maxDepth()}, or a body larger than {@code maxFrameBytes - 12} fails with a
 * {@link io.snakebridge.ConversionException} that names the Java type and the path to the value,
 * before anything is written anywhere.
 *
 * <p>Stateless and thread-safe: each call works on its own encoder.
 */
public final class ValueWriter {
  private static final String DEFAULT_ROOT = "value";

  private final CodecLimits limits;

  public ValueWriter(CodecLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Encodes a tuple whose item i is reported in ConversionException paths under names[i] (e.g.
   * "args", "kwargs"); a null name means the item is internal (path shown as its index). {@code
   * names} may be null when all items are internal.
   *
   * @throws io.snakebridge.ConversionException if an item cannot be converted
   * @throws IllegalArgumentException if {@code names} and {@code items} differ in length
   */
  public EncodedValue encodeTuple(Object[] items, String @Nullable [] names) {
    return encodeTuple(items, names, LiveObjects.NONE);
  }

  /**
   * Like {@link #encodeTuple(Object[], String[])}, handing references and Java functions to {@code
   * live}; whatever it throws propagates unchanged.
   */
  public EncodedValue encodeTuple(Object[] items, String @Nullable [] names, LiveObjects live) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(live, "live");
    if (names != null && names.length != items.length) {
      throw new IllegalArgumentException(
          "names has " + names.length + " entries for " + items.length + " items");
    }
    return new PickleEncoder(limits, null, live).encodeTuple(items, names);
  }

  /**
   * Encodes one value; {@code rootName} starts the paths in error messages (e.g. "hello"), "value"
   * when null.
   *
   * @throws io.snakebridge.ConversionException if the value cannot be converted
   */
  public EncodedValue encode(Object value, String rootName) {
    return encode(value, rootName, LiveObjects.NONE);
  }

  /**
   * Like {@link #encode(Object, String)}, handing references and Java functions to {@code live}.
   */
  public EncodedValue encode(@Nullable Object value, String rootName, LiveObjects live) {
    Objects.requireNonNull(live, "live");
    return new PickleEncoder(limits, rootName == null ? DEFAULT_ROOT : rootName, live)
        .encode(value);
  }
}
