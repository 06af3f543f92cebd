package io.snakebridge.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * A value section (WIRE-PROTOCOL.md §2.1) ready to be written as a frame body: the header, the
 * pickle, and the out-of-band buffers of any {@code NdArray}s, each aligned to 64 bytes.
 *
 * <p>Immutable once built and safe to write from any thread, any number of times, each write
 * giving the same bytes, provided the {@code byte[]} and {@code NdArray} data the value
 * referenced are not modified: large arrays are read when written, not copied when encoded.
 *
 * <p>Maintainer notes. The pickle buffer holds, in order: the first 8 header bytes, the pickle
 * (minus any spliced byte arrays, inserted while writing) and the zero padding after the pickle,
 * which §2.1 lists unconditionally and the worker requires also when no buffer follows. The
 * buffer lengths of the header and the buffers themselves are written separately.
 */
public final class EncodedValue {
  /** WIRE-PROTOCOL.md §2.1: {@code bufferCount} is at most 65,536. */
  static final int MAX_BUFFERS = 65_536;
  static final int ALIGNMENT = 64;
  /** Largest single {@code write} call, so a stream never sees one huge request. */
  static final int CHUNK = 1 << 20;

  private static final byte[] ZEROS = new byte[ALIGNMENT];
  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] pickle;
  private final int pickleEnd;
  private final int[] splicePositions;
  private final byte[][] spliceArrays;
  private final int spliceCount;
  private final OutOfBandBuffer[] buffers;
  private final int bufferCount;
  private final long bodyLength;

  EncodedValue(
      PickleOutput out, long pickleLength, OutOfBandBuffer @Nullable [] buffers, int bufferCount) {
    this.pickle = out.buf;
    this.pickleEnd = out.pos;
    // The output allocates its splice arrays with the first splice, the encoder its buffers
    // with the first buffer; none of either leaves them null.
    this.splicePositions = out.splicePositions == null ? new int[0] : out.splicePositions;
    this.spliceArrays = out.spliceArrays == null ? new byte[0][] : out.spliceArrays;
    this.spliceCount = out.spliceCount;
    this.buffers = buffers == null ? new OutOfBandBuffer[0] : buffers;
    this.bufferCount = bufferCount;
    // The first two header fields live in the pickle buffer's reserved room.
    INT_BE.set(pickle, 0, (int) pickleLength);
    INT_BE.set(pickle, 4, bufferCount);
    long end = align(8L + 8L * bufferCount + pickleLength);
    for (int i = 0; i < bufferCount; i++) {
      end = (i == 0 ? end : align(end)) + this.buffers[i].byteLength();
    }
    this.bodyLength = end;
  }

  static long align(long offset) {
    return (offset + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /** Returns the exact number of bytes {@link #writeTo} writes. */
  public long bodyLength() {
    return bodyLength;
  }

  /**
   * Writes the body (no frame header) to {@code out}, in calls of at most 1 MiB each; does not
   * flush.
   */
  public void writeTo(OutputStream out) throws IOException {
    if (bufferCount == 0 && spliceCount == 0) {
      writeChunked(out, pickle, 0, pickleEnd);
      return;
    }
    long written = writeHeaderAndPickle(out);
    if (bufferCount == 0) {
      return;
    }
    byte[] scratch = new byte[(int) Math.min(CHUNK, Math.max(ALIGNMENT, largestBuffer()))];
    for (int i = 0; i < bufferCount; i++) {
      int padding = (int) (align(written) - written);
      if (padding > 0) {
        out.write(ZEROS, 0, padding);
      }
      buffers[i].writeTo(out, scratch);
      written += padding + buffers[i].byteLength();
    }
  }

  private long writeHeaderAndPickle(OutputStream out) throws IOException {
    out.write(pickle, 0, PickleOutput.HEADER_ROOM);
    long written = PickleOutput.HEADER_ROOM;
    if (bufferCount > 0) {
      byte[] lengths = new byte[8 * bufferCount];
      for (int i = 0; i < bufferCount; i++) {
        LONG_BE.set(lengths, 8 * i, buffers[i].byteLength());
      }
      writeChunked(out, lengths, 0, lengths.length);
      written += lengths.length;
    }
    int from = PickleOutput.HEADER_ROOM;
    for (int i = 0; i < spliceCount; i++) {
      writeChunked(out, pickle, from, splicePositions[i] - from);
      writeChunked(out, spliceArrays[i], 0, spliceArrays[i].length);
      written += splicePositions[i] - from + spliceArrays[i].length;
      from = splicePositions[i];
    }
    writeChunked(out, pickle, from, pickleEnd - from);
    return written + pickleEnd - from;
  }

  private long largestBuffer() {
    long largest = 0;
    for (int i = 0; i < bufferCount; i++) {
      largest = Math.max(largest, buffers[i].byteLength());
    }
    return (largest + 7) & ~7L;
  }

  static void writeChunked(OutputStream out, byte[] bytes, int offset, int length)
      throws IOException {
    for (int done = 0; done < length; ) {
      int count = Math.min(CHUNK, length - done);
      out.write(bytes, offset + done, count);
      done += count;
    }
  }
}
