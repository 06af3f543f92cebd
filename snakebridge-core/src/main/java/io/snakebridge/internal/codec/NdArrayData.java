package io.snakebridge.internal.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * Turns an out-of-band buffer (little-endian, C order) into the Java primitive array of its dtype
 * with one bulk copy through a {@link ByteBuffer} view; {@code bool} is the one type without a bulk
 * view and is converted in a plain loop.
 */
final class NdArrayData {
  private NdArrayData() {}

  /** Returns the element size of {@code dtype}, or 0 when it has no by-value mapping. */
  static int itemSize(String dtype) {
    switch (dtype) {
      case "float64":
      case "int64":
      case "uint64":
        return 8;
      case "float32":
      case "int32":
      case "uint32":
        return 4;
      case "int16":
      case "uint16":
        return 2;
      case "int8":
      case "uint8":
      case "bool":
        return 1;
      default:
        return 0;
    }
  }

  /**
   * Returns the elements of {@code body[start, start + length)}, or null when the dtype is not
   * supported or the buffer does not hold exactly {@code count} elements.
   */
  static @Nullable Object read(String dtype, byte[] body, int start, int length, long count) {
    int itemSize = itemSize(dtype);
    if (itemSize == 0 || (long) length != count * itemSize || count > Integer.MAX_VALUE) {
      return null;
    }
    int n = (int) count;
    ByteBuffer bytes = ByteBuffer.wrap(body, start, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "float64":
        {
          double[] data = new double[n];
          bytes.asDoubleBuffer().get(data);
          return data;
        }
      case "float32":
        {
          float[] data = new float[n];
          bytes.asFloatBuffer().get(data);
          return data;
        }
      case "int64":
      case "uint64":
        {
          long[] data = new long[n];
          bytes.asLongBuffer().get(data);
          return data;
        }
      case "int32":
      case "uint32":
        {
          int[] data = new int[n];
          bytes.asIntBuffer().get(data);
          return data;
        }
      case "int16":
      case "uint16":
        {
          short[] data = new short[n];
          bytes.asShortBuffer().get(data);
          return data;
        }
      case "bool":
        return booleans(body, start, n);
      default:
        {
          byte[] data = new byte[n];
          System.arraycopy(body, start, data, 0, n);
          return data;
        }
    }
  }

  private static boolean[] booleans(byte[] body, int start, int n) {
    boolean[] data = new boolean[n];
    for (int i = 0; i < n; i++) {
      data[i] = body[start + i] != 0;
    }
    return data;
  }
}
