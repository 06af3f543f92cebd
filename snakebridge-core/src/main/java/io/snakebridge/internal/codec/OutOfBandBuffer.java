package io.snakebridge.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An {@code NdArray}'s elements on their way out: written little-endian straight from the Java
 * primitive array, one scratch chunk at a time, so a large array is never copied whole.
 */
final class OutOfBandBuffer {
  private final Object data;
  private final int length;
  private final int itemSize;

  OutOfBandBuffer(Object data) {
    this.data = data;
    this.length = java.lang.reflect.Array.getLength(data);
    this.itemSize = itemSize(data);
  }

  static int itemSize(Object data) {
    if (data instanceof double[] || data instanceof long[]) {
      return 8;
    } else if (data instanceof float[] || data instanceof int[]) {
      return 4;
    } else if (data instanceof short[]) {
      return 2;
    }
    return 1; // byte[], boolean[]
  }

  long byteLength() {
    return (long) length * itemSize;
  }

  /** Writes the elements through {@code scratch}, whose length is a multiple of 8. */
  void writeTo(OutputStream out, byte[] scratch) throws IOException {
    if (data instanceof byte[]) {
      EncodedValue.writeChunked(out, (byte[]) data, 0, length);
      return;
    }
    int perChunk = scratch.length / itemSize;
    ByteBuffer bytes = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < length; start += perChunk) {
      int count = Math.min(perChunk, length - start);
      convert(bytes, start, count, scratch);
      out.write(scratch, 0, count * itemSize);
    }
  }

  /**
   * Puts the elements into {@code target} at its position, little-endian, in one bulk copy per
   * primitive type (the shared-memory lane); advances the position past them.
   */
  void putInto(ByteBuffer target) {
    ByteBuffer bytes = target.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (data instanceof double[]) {
      bytes.asDoubleBuffer().put((double[]) data);
    } else if (data instanceof long[]) {
      bytes.asLongBuffer().put((long[]) data);
    } else if (data instanceof float[]) {
      bytes.asFloatBuffer().put((float[]) data);
    } else if (data instanceof int[]) {
      bytes.asIntBuffer().put((int[]) data);
    } else if (data instanceof short[]) {
      bytes.asShortBuffer().put((short[]) data);
    } else if (data instanceof byte[]) {
      bytes.put((byte[]) data);
    } else {
      boolean[] flags = (boolean[]) data;
      for (int i = 0; i < length; i++) {
        bytes.put(i, (byte) (flags[i] ? 1 : 0));
      }
    }
    target.position(target.position() + (int) byteLength());
  }

  /** Copies elements [start, start + count) into {@code scratch} in bulk through a buffer view. */
  private void convert(ByteBuffer bytes, int start, int count, byte[] scratch) {
    bytes.clear();
    if (data instanceof double[]) {
      bytes.asDoubleBuffer().put((double[]) data, start, count);
    } else if (data instanceof long[]) {
      bytes.asLongBuffer().put((long[]) data, start, count);
    } else if (data instanceof float[]) {
      bytes.asFloatBuffer().put((float[]) data, start, count);
    } else if (data instanceof int[]) {
      bytes.asIntBuffer().put((int[]) data, start, count);
    } else if (data instanceof short[]) {
      bytes.asShortBuffer().put((short[]) data, start, count);
    } else {
      boolean[] flags = (boolean[]) data;
      for (int i = 0; i < count; i++) {
        scratch[i] = (byte) (flags[start + i] ? 1 : 0);
      }
    }
  }
}
