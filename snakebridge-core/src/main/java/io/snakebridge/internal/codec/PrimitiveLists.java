package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Opcodes.APPENDS;
import static io.snakebridge.internal.codec.Opcodes.BINFLOAT;
import static io.snakebridge.internal.codec.Opcodes.EMPTY_LIST;
import static io.snakebridge.internal.codec.Opcodes.MARK;
import static io.snakebridge.internal.codec.Opcodes.NEWFALSE;
import static io.snakebridge.internal.codec.Opcodes.NEWTRUE;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes a Java primitive array (other than {@code byte[]}, which is {@code bytes}) as a Python
 * {@code list}, in one tight loop per element type.
 */
final class PrimitiveLists {
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private PrimitiveLists() {}

  /** Writes {@code array}, a primitive array other than {@code byte[]}. */
  static void write(PickleOutput out, Object array) {
    out.op(EMPTY_LIST);
    int length = java.lang.reflect.Array.getLength(array);
    if (length == 0) {
      return;
    }
    out.op(MARK);
    if (array instanceof double[]) {
      writeDoubles(out, (double[]) array);
    } else if (array instanceof long[]) {
      for (long value : (long[]) array) {
        out.writeLong(value);
      }
    } else if (array instanceof int[]) {
      for (int value : (int[]) array) {
        out.writeLong(value);
      }
    } else if (array instanceof float[]) {
      writeFloats(out, (float[]) array);
    } else if (array instanceof short[]) {
      for (short value : (short[]) array) {
        out.writeLong(value);
      }
    } else if (array instanceof boolean[]) {
      writeBooleans(out, (boolean[]) array);
    } else {
      for (char value : (char[]) array) {
        out.writeString(String.valueOf(value));
      }
    }
    out.op(APPENDS);
  }

  private static void writeDoubles(PickleOutput out, double[] values) {
    out.ensure(9L * values.length);
    byte[] buf = out.buf;
    int p = out.pos;
    for (double value : values) {
      buf[p] = (byte) BINFLOAT;
      LONG_BE.set(buf, p + 1, Double.doubleToRawLongBits(value));
      p += 9;
    }
    out.pos = p;
  }

  private static void writeFloats(PickleOutput out, float[] values) {
    out.ensure(9L * values.length);
    byte[] buf = out.buf;
    int p = out.pos;
    for (float value : values) {
      buf[p] = (byte) BINFLOAT;
      LONG_BE.set(buf, p + 1, Double.doubleToRawLongBits(value));
      p += 9;
    }
    out.pos = p;
  }

  private static void writeBooleans(PickleOutput out, boolean[] values) {
    out.ensure((long) values.length);
    byte[] buf = out.buf;
    int p = out.pos;
    for (boolean value : values) {
      buf[p++] = (byte) (value ? NEWTRUE : NEWFALSE);
    }
    out.pos = p;
  }
}
