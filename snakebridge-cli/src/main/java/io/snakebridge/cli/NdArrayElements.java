package io.snakebridge.cli;

import io.snakebridge.NdArray;
import java.lang.reflect.Array;

/**
 * The elements of an {@link NdArray}'s primitive data as text, reading unsigned dtypes ({@code
 * uint8} ... {@code uint64}, carried in Java's signed arrays) as the unsigned values Python holds.
 * Stateless and thread-safe.
 */
final class NdArrayElements {
  private NdArrayElements() {}

  static int count(NdArray array) {
    return Array.getLength(array.data());
  }

  /**
   * Element {@code index} (row-major) as Python prints it: {@code 1.5}, {@code nan}, {@code True}.
   */
  static String repr(NdArray array, int index) {
    Object data = array.data();
    if (data instanceof boolean[]) {
      return ((boolean[]) data)[index] ? "True" : "False";
    }
    return number(array.dtype(), data, index);
  }

  /**
   * Element {@code index} as JSON: numbers, {@code true}/{@code false}, or "NaN"/"Infinity"
   * strings.
   */
  static String json(NdArray array, int index) {
    Object data = array.data();
    if (data instanceof boolean[]) {
      return ((boolean[]) data)[index] ? "true" : "false";
    }
    if (data instanceof double[]) {
      return JsonWriter.number(((double[]) data)[index]);
    }
    if (data instanceof float[]) {
      float value = ((float[]) data)[index];
      return Float.isFinite(value) ? FloatRepr.of(value) : JsonWriter.number(value);
    }
    return number(array.dtype(), data, index);
  }

  private static String number(String dtype, Object data, int index) {
    boolean unsigned = dtype.startsWith("u");
    if (data instanceof double[]) {
      return FloatRepr.of(((double[]) data)[index]);
    } else if (data instanceof float[]) {
      return FloatRepr.of(((float[]) data)[index]);
    } else if (data instanceof long[]) {
      long value = ((long[]) data)[index];
      return unsigned ? Long.toUnsignedString(value) : Long.toString(value);
    } else if (data instanceof int[]) {
      int value = ((int[]) data)[index];
      return unsigned ? Integer.toUnsignedString(value) : Integer.toString(value);
    } else if (data instanceof short[]) {
      short value = ((short[]) data)[index];
      return Integer.toString(unsigned ? Short.toUnsignedInt(value) : value);
    } else if (data instanceof byte[]) {
      byte value = ((byte[]) data)[index];
      return Integer.toString(unsigned ? Byte.toUnsignedInt(value) : value);
    }
    return String.valueOf(Array.get(data, index));
  }
}
