package io.snakebridge.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the pickle bytes of one value section: opcode arguments, each checked against the bytes
 * remaining before it is used, so a length field can never cause a read past the pickle or an
 * allocation larger than the input.
 */
final class PickleInput {
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT_LE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  final byte[] in;
  final int base;
  final int end;
  int pos;

  /** Offset of the opcode being decoded, for messages. */
  int opcodeAt;

  PickleInput(byte[] in, int base, int start, int end) {
    this.in = in;
    this.base = base;
    this.pos = start;
    this.end = end;
  }

  boolean hasMore() {
    return pos < end;
  }

  int remaining() {
    return end - pos;
  }

  /** Reads the next opcode, remembering where it was. */
  int opcode() {
    opcodeAt = pos;
    return in[pos++] & 0xFF;
  }

  WireFormatException error(@Nullable String message) {
    return new WireFormatException(message + where());
  }

  /** A well-formed value Java cannot hold (a cycle, too deep): the sender is not at fault. */
  WireFormatException unrepresentable(String message) {
    return new UnrepresentableValueException(message + where());
  }

  private String where() {
    return " (at byte " + (opcodeAt - base) + " of the value section)";
  }

  private void require(long count, String what) {
    if (count > end - pos) {
      throw error(
          "truncated input: "
              + what
              + " needs "
              + count
              + " bytes but only "
              + (end - pos)
              + " remain in the pickle");
    }
  }

  int u8() {
    require(1, "a 1-byte argument");
    return in[pos++] & 0xFF;
  }

  int u16() {
    require(2, "a 2-byte argument");
    int value = (short) SHORT_LE.get(in, pos) & 0xFFFF;
    pos += 2;
    return value;
  }

  int i32() {
    require(4, "a 4-byte argument");
    int value = (int) INT_LE.get(in, pos);
    pos += 4;
    return value;
  }

  long u32() {
    return Integer.toUnsignedLong(i32());
  }

  /** Reads a u64 length; values beyond {@code Long.MAX_VALUE} come back negative. */
  long u64() {
    require(8, "an 8-byte argument");
    long value = (long) LONG_LE.get(in, pos);
    pos += 8;
    return value;
  }

  double f64() {
    require(8, "a float");
    double value = Double.longBitsToDouble((long) LONG_BE.get(in, pos));
    pos += 8;
    return value;
  }

  /** Checks that {@code length} bytes follow and skips them, returning where they start. */
  int skip(long length, String what) {
    if (length < 0) {
      throw error(what + " length " + Long.toUnsignedString(length) + " is larger than any input");
    }
    require(length, what);
    int start = pos;
    pos += (int) length;
    return start;
  }

  byte[] bytes(long length, String what) {
    int start = skip(length, what);
    return Arrays.copyOfRange(in, start, pos);
  }

  String utf8(long length) {
    int start = skip(length, "a string");
    return Utf8.decode(in, start, pos - start);
  }

  /** Reads a little-endian two's complement integer of {@code length} bytes (LONG1/LONG4). */
  Object signedInteger(long length) {
    int start = skip(length, "an integer");
    if (length <= 8) {
      long value = 0;
      for (int i = start + (int) length - 1; i >= start; i--) {
        value = (value << 8) | (in[i] & 0xFF);
      }
      int unused = 64 - 8 * (int) length;
      // An empty LONG1 is 0; otherwise sign-extend from the top byte.
      return length == 0 ? 0L : (value << unused) >> unused;
    }
    byte[] bigEndian = new byte[(int) length];
    for (int i = 0; i < length; i++) {
      bigEndian[i] = in[pos - 1 - i];
    }
    BigInteger value = new BigInteger(bigEndian);
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }
}
