package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Opcodes.BINBYTES;
import static io.snakebridge.internal.codec.Opcodes.BINBYTES8;
import static io.snakebridge.internal.codec.Opcodes.BINFLOAT;
import static io.snakebridge.internal.codec.Opcodes.BININT;
import static io.snakebridge.internal.codec.Opcodes.BININT1;
import static io.snakebridge.internal.codec.Opcodes.BININT2;
import static io.snakebridge.internal.codec.Opcodes.BINUNICODE;
import static io.snakebridge.internal.codec.Opcodes.BINUNICODE8;
import static io.snakebridge.internal.codec.Opcodes.LONG1;
import static io.snakebridge.internal.codec.Opcodes.LONG4;
import static io.snakebridge.internal.codec.Opcodes.SHORT_BINBYTES;
import static io.snakebridge.internal.codec.Opcodes.SHORT_BINUNICODE;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The growable byte buffer a pickle is written into, with one method per scalar the writer emits.
 * Not thread-safe: one instance per encoding.
 *
 * <p>Maintainer notes. The buffer starts with {@link #HEADER_ROOM} bytes reserved for the value
 * section's first two header fields, so a section without out-of-band buffers goes out in a single
 * write. Large byte arrays (a {@code byte[]} argument, a long string's UTF-8) are not copied: they
 * are recorded as <em>splices</em>, inserted at their position when the section is written. Every
 * growth is checked against the body budget before allocating, so an oversized value fails early
 * instead of allocating up to the limit first.
 */
final class PickleOutput {
  static final int HEADER_ROOM = 8;

  /** Byte arrays at least this long are spliced rather than copied. */
  static final int SPLICE_MIN = 64 * 1024;

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Thrown when the section would exceed its budget; the encoder adds the value's path. */
  static final class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long atLeast;

    LimitExceeded(long atLeast) {
      super(null, null, false, false);
      this.atLeast = atLeast;
    }
  }

  private final long budget;
  private long outOfBandBytes;
  byte[] buf;
  int pos;
  int @Nullable [] splicePositions;
  byte @Nullable [][] spliceArrays;
  int spliceCount;
  long splicedBytes;

  /** {@code budget}: the most bytes the pickle plus out-of-band buffers may take. */
  PickleOutput(int initialCapacity, long budget) {
    this.buf = new byte[initialCapacity];
    this.pos = HEADER_ROOM;
    this.budget = budget;
  }

  /** Returns the pickle's length so far. */
  long pickleLength() {
    return pos - HEADER_ROOM + splicedBytes;
  }

  /** Counts an out-of-band buffer against the budget. */
  void reserveOutOfBand(long bytes) {
    outOfBandBytes += bytes;
    checkBudget(0);
  }

  /** Like {@link #ensure(int)} for a computed size that may not fit in an int. */
  void ensure(long count) {
    if (count > Integer.MAX_VALUE) {
      throw new LimitExceeded(pickleLength() + count);
    }
    ensure((int) count);
  }

  void ensure(int count) {
    if (buf.length - pos < count) {
      grow(count);
    }
  }

  private void grow(int count) {
    long needed = (long) pos + count;
    checkBudget(count);
    if (needed > MAX_ARRAY) {
      throw new LimitExceeded(pickleLength() + count);
    }
    long doubled = Math.max(needed, Math.min((long) buf.length * 2, MAX_ARRAY));
    buf = Arrays.copyOf(buf, (int) Math.min(doubled, budget + HEADER_ROOM + 64));
  }

  private void checkBudget(long more) {
    long total = pickleLength() + more + outOfBandBytes;
    if (total > budget) {
      throw new LimitExceeded(total);
    }
  }

  void op(int opcode) {
    ensure(1);
    buf[pos++] = (byte) opcode;
  }

  void op2(int first, int second) {
    ensure(2);
    buf[pos++] = (byte) first;
    buf[pos++] = (byte) second;
  }

  void zeros(int count) {
    ensure(count);
    Arrays.fill(buf, pos, pos + count, (byte) 0);
    pos += count;
  }

  void raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  void writeLong(long value) {
    ensure(10);
    byte[] b = buf;
    int p = pos;
    if ((value & ~0xFFL) == 0) {
      b[p++] = (byte) BININT1;
      b[p++] = (byte) value;
    } else if ((value & ~0xFFFFL) == 0) {
      b[p++] = (byte) BININT2;
      b[p++] = (byte) value;
      b[p++] = (byte) (value >>> 8);
    } else if (value == (int) value) {
      b[p++] = (byte) BININT;
      INT_LE.set(b, p, (int) value);
      p += 4;
    } else {
      // LONG1: the shortest two's complement little-endian form, as CPython's encode_long.
      int length = (64 - Long.numberOfLeadingZeros(value ^ (value >> 63))) / 8 + 1;
      b[p++] = (byte) LONG1;
      b[p++] = (byte) length;
      LONG_LE.set(b, p, value);
      p += length;
    }
    pos = p;
  }

  void writeBigInteger(BigInteger value) {
    if (value.bitLength() < 64) {
      writeLong(value.longValue());
      return;
    }
    byte[] bigEndian = value.toByteArray();
    int length = bigEndian.length;
    ensure(5 + length);
    if (length < 256) {
      buf[pos++] = (byte) LONG1;
      buf[pos++] = (byte) length;
    } else {
      buf[pos++] = (byte) LONG4;
      INT_LE.set(buf, pos, length);
      pos += 4;
    }
    for (int i = length - 1; i >= 0; i--) {
      buf[pos++] = bigEndian[i];
    }
  }

  void writeDouble(double value) {
    ensure(9);
    buf[pos] = (byte) BINFLOAT;
    LONG_BE.set(buf, pos + 1, Double.doubleToRawLongBits(value));
    pos += 9;
  }

  void writeString(String value) {
    int chars = value.length();
    if (chars <= Utf8.MAX_CHARS_FOR_SHORT) {
      // At most 255 UTF-8 bytes: encode in place behind a one-byte length, no allocation.
      ensure(2 + 3 * chars);
      buf[pos] = (byte) SHORT_BINUNICODE;
      int end = Utf8.encode(value, buf, pos + 2);
      buf[pos + 1] = (byte) (end - pos - 2);
      pos = end;
    } else if (Utf8.hasSurrogate(value)) {
      long length = Utf8.encodedLength(value);
      writeLengthHeader(BINUNICODE, BINUNICODE8, length);
      ensure((int) length);
      pos = Utf8.encode(value, buf, pos);
    } else {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      if (utf8.length < 256) {
        op2(SHORT_BINUNICODE, utf8.length);
        raw(utf8);
      } else {
        writeLengthHeader(BINUNICODE, BINUNICODE8, utf8.length);
        splice(utf8);
      }
    }
  }

  void writeBytes(byte[] value) {
    if (value.length < 256) {
      op2(SHORT_BINBYTES, value.length);
      raw(value);
    } else {
      writeLengthHeader(BINBYTES, BINBYTES8, value.length);
      splice(value);
    }
  }

  private void writeLengthHeader(int opcode4, int opcode8, long length) {
    boolean fits4 = length <= 0xFFFF_FFFFL;
    checkBudget((fits4 ? 5 : 9) + length);
    ensure(9);
    if (fits4) {
      buf[pos++] = (byte) opcode4;
      INT_LE.set(buf, pos, (int) length);
      pos += 4;
    } else {
      buf[pos++] = (byte) opcode8;
      LONG_LE.set(buf, pos, length);
      pos += 8;
    }
  }

  /** Appends {@code bytes}: copied when short, else referenced and written in place later. */
  @SuppressWarnings("NullAway") // spliceArrays is allocated together with splicePositions
  private void splice(byte[] bytes) {
    if (bytes.length < SPLICE_MIN) {
      raw(bytes);
      return;
    }
    checkBudget(bytes.length);
    if (splicePositions == null) {
      splicePositions = new int[4];
      spliceArrays = new byte[4][];
    } else if (spliceCount == splicePositions.length) {
      splicePositions = Arrays.copyOf(splicePositions, spliceCount * 2);
      spliceArrays = Arrays.copyOf(spliceArrays, spliceCount * 2);
    }
    splicePositions[spliceCount] = pos;
    spliceArrays[spliceCount++] = bytes;
    splicedBytes += bytes.length;
  }
}
