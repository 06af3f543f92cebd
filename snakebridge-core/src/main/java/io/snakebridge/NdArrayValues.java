package io.snakebridge;

/**
 * The element conversions of {@link NdArray#asDoubleArray()} and {@link NdArray#asLongArray()}:
 * exact or refused, element by element.
 */
final class NdArrayValues {
  private static final double TWO_TO_63 = 0x1p63;

  private NdArrayValues() {}

  static double[] doubles(String dtype, Object data) {
    if (data instanceof double[]) {
      return (double[]) data;
    }
    boolean unsigned = dtype.startsWith("u");
    if (data instanceof float[]) {
      float[] in = (float[]) data;
      double[] out = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = in[i];
      }
      return out;
    } else if (data instanceof long[]) {
      long[] in = (long[]) data;
      double[] out = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = exactDouble(in[i], unsigned, dtype, i);
      }
      return out;
    }
    long[] widened = widen(data, unsigned);
    double[] out = new double[widened.length];
    for (int i = 0; i < widened.length; i++) {
      out[i] = widened[i]; // at most 32 bits: always exact
    }
    return out;
  }

  static long[] longs(String dtype, Object data) {
    boolean unsigned = dtype.startsWith("u");
    if (data instanceof long[]) {
      long[] in = (long[]) data;
      if (unsigned) {
        for (int i = 0; i < in.length; i++) {
          if (in[i] < 0) {
            throw refused(
                Long.toUnsignedString(in[i]) + " is above Long.MAX_VALUE", "long", dtype, i);
          }
        }
      }
      return in;
    } else if (data instanceof double[]) {
      double[] in = (double[]) data;
      long[] out = new long[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = exactLong(in[i], dtype, i);
      }
      return out;
    } else if (data instanceof float[]) {
      float[] in = (float[]) data;
      long[] out = new long[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = exactLong(in[i], dtype, i);
      }
      return out;
    }
    return widen(data, unsigned);
  }

  /** int32, int16, int8 (signed or not) and bool, widened to long. */
  private static long[] widen(Object data, boolean unsigned) {
    if (data instanceof int[]) {
      int[] in = (int[]) data;
      long[] out = new long[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = unsigned ? Integer.toUnsignedLong(in[i]) : in[i];
      }
      return out;
    } else if (data instanceof short[]) {
      short[] in = (short[]) data;
      long[] out = new long[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = unsigned ? Short.toUnsignedInt(in[i]) : in[i];
      }
      return out;
    } else if (data instanceof byte[]) {
      byte[] in = (byte[]) data;
      long[] out = new long[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = unsigned ? Byte.toUnsignedInt(in[i]) : in[i];
      }
      return out;
    }
    boolean[] in = (boolean[]) data;
    long[] out = new long[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] ? 1 : 0;
    }
    return out;
  }

  private static double exactDouble(long value, boolean unsigned, String dtype, int index) {
    if (unsigned && value < 0) {
      // 2^63 and above: exact when at most 53 significant bits remain above the trailing zeros.
      if (Long.numberOfTrailingZeros(value) >= 64 - 53) {
        return (double) (value >>> 1) * 2.0;
      }
    } else {
      double converted = value;
      // (long) 2^63 saturates to Long.MAX_VALUE, so that value needs its own check.
      if (converted != TWO_TO_63 && (long) converted == value) {
        return converted;
      }
    }
    throw refused(
        (unsigned ? Long.toUnsignedString(value) : Long.toString(value)) + " has no exact double",
        "double",
        dtype,
        index);
  }

  private static long exactLong(double value, String dtype, int index) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw refused(value + " is not a number a long holds", "long", dtype, index);
    }
    if (value != Math.rint(value)) {
      throw refused(value + " has a fractional part", "long", dtype, index);
    }
    if (value < -TWO_TO_63 || value >= TWO_TO_63) {
      throw refused(value + " is outside the range of long", "long", dtype, index);
    }
    return (long) value;
  }

  private static ConversionException refused(
      String what, String javaType, String dtype, int index) {
    return new ConversionException(
        "the "
            + dtype
            + " element "
            + what
            + ", so it cannot be a "
            + javaType
            + " without losing information",
        javaType,
        "numpy." + dtype,
        "[" + index + "]");
  }
}
