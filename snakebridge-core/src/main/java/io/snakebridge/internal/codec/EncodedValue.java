package io.snakebridge.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A value section (WIRE-PROTOCOL.md §2.1) ready to be written as a frame body: the header, the
 * pickle, and the out-of-band buffers of any {@code NdArray}s, each aligned to 64 bytes.
 *
 * <p>Immutable once built and safe to write from any thread, any number of times, each write giving
 * the same bytes, provided the {@code byte[]} and {@code NdArray} data the value referenced are not
 * modified: large arrays are read when written, not copied when encoded.
 *
 * <p>Maintainer notes. The pickle buffer holds, in order: the first 8 header bytes, the pickle
 * (minus any spliced byte arrays, inserted while writing) and the zero padding after the pickle,
 * which §2.1 lists unconditionally and the worker requires also when no buffer follows. The buffer
 * lengths of the header and the buffers themselves are written separately.
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
    writeTo(out, List.of());
  }

  /**
   * A contiguous run of the body that is one large byte array or array buffer, which the
   * shared-memory lane may carry instead of the pipe (WIRE-PROTOCOL.md §2.2).
   */
  public final class Part {
    private final long offset;
    private final int splice;
    private final int buffer;

    private Part(long offset, int splice, int buffer) {
      this.offset = offset;
      this.splice = splice;
      this.buffer = buffer;
    }

    /** Returns where the part starts in the body. */
    public long offset() {
      return offset;
    }

    /** Returns the part's length in bytes. */
    public long length() {
      return splice >= 0 ? spliceArrays[splice].length : buffers[buffer].byteLength();
    }

    /** Puts the part's bytes into {@code target} at its position and advances it. */
    public void putInto(ByteBuffer target) {
      if (splice >= 0) {
        target.put(spliceArrays[splice]);
      } else {
        buffers[buffer].putInto(target);
      }
    }
  }

  /** Returns the parts of at least {@code minBytes} bytes, in body order. */
  public List<Part> largeParts(long minBytes) {
    List<Part> parts = new ArrayList<>();
    long headerEnd = 8L + 8L * bufferCount;
    long spliced = 0;
    for (int i = 0; i < spliceCount; i++) {
      if (spliceArrays[i].length >= minBytes) {
        parts.add(
            new Part(headerEnd + splicePositions[i] - PickleOutput.HEADER_ROOM + spliced, i, -1));
      }
      spliced += spliceArrays[i].length;
    }
    long position = align(headerEnd + pickleEnd - PickleOutput.HEADER_ROOM + spliced);
    for (int i = 0; i < bufferCount; i++) {
      position = align(position);
      if (buffers[i].byteLength() >= minBytes) {
        parts.add(new Part(position, -1, i));
      }
      position += buffers[i].byteLength();
    }
    return parts;
  }

  /**
   * Writes the body without {@code skipped} (parts of this value, from {@link #largeParts}) to
   * {@code out}; does not flush.
   */
  public void writeTo(OutputStream out, List<Part> skipped) throws IOException {
    if (bufferCount == 0 && spliceCount == 0) {
      writeChunked(out, pickle, 0, pickleEnd);
      return;
    }
    boolean[] skippedSplices = new boolean[spliceCount];
    boolean[] skippedBuffers = new boolean[bufferCount];
    for (Part part : skipped) {
      if (part.splice >= 0) {
        skippedSplices[part.splice] = true;
      } else {
        skippedBuffers[part.buffer] = true;
      }
    }
    long written = writeHeaderAndPickle(out, skippedSplices);
    if (bufferCount == 0) {
      return;
    }
    byte[] scratch = new byte[(int) Math.min(CHUNK, Math.max(ALIGNMENT, largestBuffer()))];
    for (int i = 0; i < bufferCount; i++) {
      int padding = (int) (align(written) - written);
      if (padding > 0) {
        out.write(ZEROS, 0, padding);
      }
      if (!skippedBuffers[i]) {
        buffers[i].writeTo(out, scratch);
      }
      written += padding + buffers[i].byteLength();
    }
  }

  private long writeHeaderAndPickle(OutputStream out, boolean[] skippedSplices) throws IOException {
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
      if (!skippedSplices[i]) {
        writeChunked(out, spliceArrays[i], 0, spliceArrays[i].length);
      }
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
