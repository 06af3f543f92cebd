package io.snakebridge.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Where the pickle and each out-of-band buffer sit inside a value section, checked against
 * WIRE-PROTOCOL.md §2.1 before anything is decoded: every length is compared with the bytes
 * actually present, so a corrupt header can never cause a large allocation.
 */
final class SectionLayout {
  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final int[] NONE = new int[0];

  /** Absolute index of the section's first byte: offsets in messages are relative to it. */
  final int base;

  final int pickleStart;
  final int pickleEnd;
  final int bufferCount;
  final int[] bufferStarts;
  final int[] bufferLengths;

  private SectionLayout(int base, int pickleStart, int pickleEnd, int[] starts, int[] lengths) {
    this.base = base;
    this.pickleStart = pickleStart;
    this.pickleEnd = pickleEnd;
    this.bufferCount = starts.length;
    this.bufferStarts = starts;
    this.bufferLengths = lengths;
  }

  static SectionLayout parse(byte[] body, int offset, int length) {
    if (length < 8) {
      throw new WireFormatException(
          "value section of " + length + " bytes is shorter than its 8-byte header");
    }
    long pickleLength = Integer.toUnsignedLong((int) INT_BE.get(body, offset));
    long count = Integer.toUnsignedLong((int) INT_BE.get(body, offset + 4));
    if (count > EncodedValue.MAX_BUFFERS) {
      throw new WireFormatException(
          "bufferCount "
              + count
              + " at byte 4 is above the maximum of "
              + EncodedValue.MAX_BUFFERS);
    }
    long headerEnd = 8 + 8 * count;
    if (headerEnd > length) {
      throw new WireFormatException(
          "value section of "
              + length
              + " bytes is too short for the "
              + count
              + " buffer lengths its header announces");
    }
    int[] lengths = count == 0 ? NONE : new int[(int) count];
    for (int i = 0; i < count; i++) {
      long bufferLength = (long) LONG_BE.get(body, offset + 8 + 8 * i);
      if (bufferLength < 0 || bufferLength > length) {
        throw new WireFormatException(
            "buffer "
                + i
                + " length "
                + Long.toUnsignedString(bufferLength)
                + " at byte "
                + (8 + 8 * i)
                + " exceeds the section's "
                + length
                + " bytes");
      }
      lengths[i] = (int) bufferLength;
    }
    long pickleEnd = headerEnd + pickleLength;
    if (pickleEnd > length) {
      throw new WireFormatException(
          "pickleLength "
              + pickleLength
              + " at byte 0 runs past the end"
              + " of the "
              + length
              + "-byte value section");
    }
    int[] starts = placeBuffers(body, offset, length, pickleEnd, lengths);
    return new SectionLayout(
        offset, offset + (int) headerEnd, offset + (int) pickleEnd, starts, lengths);
  }

  private static int[] placeBuffers(
      byte[] body, int offset, int length, long pickleEnd, int[] lengths) {
    int[] starts = lengths.length == 0 ? NONE : new int[lengths.length];
    long position = pickleEnd;
    for (int i = 0; i < lengths.length; i++) {
      position = skipPadding(body, offset, length, position);
      starts[i] = offset + (int) position;
      position += lengths[i];
      if (position > length) {
        throw new WireFormatException(
            "buffer "
                + i
                + " ("
                + lengths[i]
                + " bytes at byte "
                + (position - lengths[i])
                + ") runs past the end of the "
                + length
                + "-byte section");
      }
    }
    if (position != length) {
      // Without buffers, §2.1 still pads after the pickle (the writers on both sides do); a
      // body that ends right after its pickle, which the text can also be read to allow, is
      // tolerated by skipping this branch.
      boolean paddedPickle = lengths.length == 0 && EncodedValue.align(position) == length;
      if (!paddedPickle) {
        throw new WireFormatException(
            "value section has " + length + " bytes but its parts end " + "at byte " + position);
      }
      skipPadding(body, offset, length, position);
    }
    return starts;
  }

  private static long skipPadding(byte[] body, int offset, int length, long position) {
    long aligned = EncodedValue.align(position);
    if (aligned > length) {
      throw new WireFormatException(
          "padding after byte "
              + position
              + " runs past the end of the "
              + length
              + "-byte value section");
    }
    for (long p = position; p < aligned; p++) {
      if (body[offset + (int) p] != 0) {
        throw new WireFormatException("padding byte " + p + " is not zero");
      }
    }
    return aligned;
  }
}
