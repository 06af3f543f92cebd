package io.snakebridge.internal.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Reads frames from a worker's stdout (WIRE-PROTOCOL.md §2), checking every header field before
 * allocating anything for the body.
 *
 * <p>Not thread-safe: exactly one thread reads at a time (the connection's leader, see
 * CONCURRENCY.md). {@link Frame#recycle()} may be called from any thread.
 *
 * <p>Maintainer notes. A body of {@link #LEND_MIN} bytes or more is read into an array the reader
 * lends to the frame and takes back when the frame's consumer recycles it, so a worker that keeps
 * returning large arrays does not cost a fresh array of that size per reply. A new large array
 * means zeroing it and, when the heap has to grow for it, faulting in its pages, which on a VM
 * whose free memory went back to the host costs about 5 µs per 4 KiB page (BENCHMARKS.md, "Bulk
 * data"). The reader keeps at most one such array, held softly: it goes when memory runs short or
 * stays unused for long (the collector's policy for soft references).
 */
public final class FrameReader {
  /** Bytes before the body: length (4), kind, flags, reserved (2), id (8). */
  public static final int HEADER_BYTES = 16;

  /** Bytes the {@code length} field counts besides the body. */
  public static final int LENGTH_OVERHEAD = 12;

  /** The most bytes asked of the stream in one read call, however large the frame. */
  static final int MAX_READ_BYTES = 1 << 20;

  /** Bodies at least this long are read into a lent, recycled array. */
  public static final int LEND_MIN = 1 << 20;

  private final InputStream in;
  private final long maxFrameBytes;
  private final byte[] header = new byte[HEADER_BYTES];
  private final AtomicReference<SoftReference<byte[]>> spare = new AtomicReference<>();
  private volatile @Nullable SharedLane lane;

  /**
   * Creates a reader.
   *
   * @param in the worker's output; buffered streams make the header a single read
   * @param maxFrameBytes the largest {@code length} field accepted, 16 to {@link Integer#MAX_VALUE}
   */
  public FrameReader(InputStream in, long maxFrameBytes) {
    this.in = Objects.requireNonNull(in, "in");
    if (maxFrameBytes < HEADER_BYTES || maxFrameBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be between 16 and " + Integer.MAX_VALUE + ": " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Reads the next frame.
   *
   * @throws EOFException when the stream ends cleanly between two frames
   * @throws FrameFormatException when the bytes break the framing rules, including a frame cut
   *     short by the end of the stream
   * @throws IOException when reading fails
   */
  public Frame read() throws IOException {
    int got = readUpTo(header, 0, HEADER_BYTES);
    if (got == 0) {
      throw new EOFException("end of stream");
    }
    if (got < HEADER_BYTES) {
      throw new FrameFormatException(
          "truncated frame: the stream ended after "
              + got
              + " of 16 header bytes ("
              + hex(got)
              + ")");
    }
    long length = u32(0);
    FrameKind kind = FrameKind.ofCode(header[4] & 0xff);
    checkHeader(length, kind);
    Objects.requireNonNull(kind, "kind"); // checkHeader refused unknown kinds
    long id = u64(8);
    int bodyLength = (int) (length - LENGTH_OVERHEAD);
    if (!kind.hasBody() && bodyLength != 0) {
      throw new FrameFormatException(
          kind + " frame must have an empty body, has " + bodyLength + " bytes");
    }
    if (header[5] != 0) {
      return readSpliced(kind, id, bodyLength);
    }
    boolean lend = bodyLength >= LEND_MIN;
    byte[] body = lend ? borrow(bodyLength) : new byte[bodyLength];
    int offset = 0;
    while (offset < bodyLength) {
      int n = in.read(body, offset, Math.min(bodyLength - offset, MAX_READ_BYTES));
      if (n < 0) {
        throw new FrameFormatException(
            "truncated frame: the stream ended after "
                + offset
                + " of "
                + bodyLength
                + " body bytes of a "
                + kind
                + " frame");
      }
      offset += n;
    }
    return new Frame(kind, id, body, bodyLength, lend ? this : null);
  }

  /** Reads the large parts of the frames read from now on from {@code lane} too (§2.2). */
  public void useLane(SharedLane lane) {
    this.lane = lane;
  }

  /**
   * A spliced frame (§2.2): the splice table, then the body's other bytes read straight into their
   * places in the body array, then the parts copied from the arena into theirs.
   */
  private Frame readSpliced(FrameKind kind, long id, int pipedLength) throws IOException {
    SharedLane shared = lane;
    if (shared == null) {
      throw new FrameFormatException("spliced " + kind + " frame without a shared-memory lane");
    }
    byte[] head = new byte[8];
    if (pipedLength < 8 || readUpTo(head, 0, 8) < 8) {
      throw new FrameFormatException("truncated splice table in a " + kind + " frame");
    }
    ByteBuffer count = ByteBuffer.wrap(head);
    int parts = count.getInt();
    long tableLength = 8 + 16L * Integer.toUnsignedLong(parts);
    if (parts <= 0 || count.getInt() != 0 || tableLength > pipedLength) {
      throw new FrameFormatException(
          "bad splice table of "
              + Integer.toUnsignedLong(parts)
              + " parts in a "
              + pipedLength
              + "-byte "
              + kind
              + " frame");
    }
    byte[] table = new byte[16 * parts];
    if (readUpTo(table, 0, table.length) < table.length) {
      throw new FrameFormatException("truncated splice table in a " + kind + " frame");
    }
    ByteBuffer entries = ByteBuffer.wrap(table);
    long[] offsets = new long[parts];
    long[] lengths = new long[parts];
    long rest = pipedLength - tableLength;
    long bodyLength = rest;
    long end = 0;
    for (int i = 0; i < parts; i++) {
      offsets[i] = entries.getLong();
      lengths[i] = entries.getLong();
      if (offsets[i] < end || lengths[i] <= 0 || lengths[i] > maxFrameBytes) {
        throw new FrameFormatException("spliced parts out of order in a " + kind + " frame");
      }
      end = offsets[i] + lengths[i];
      bodyLength += lengths[i];
    }
    if (end > bodyLength || bodyLength + LENGTH_OVERHEAD > maxFrameBytes) {
      throw new FrameFormatException(
          "spliced "
              + kind
              + " frame of "
              + bodyLength
              + " bytes runs past its parts or the limit of "
              + maxFrameBytes
              + " bytes");
    }
    int length = (int) bodyLength;
    boolean lend = length >= LEND_MIN;
    byte[] body = lend ? borrow(length) : new byte[length];
    int position = 0;
    for (int i = 0; i <= parts; i++) {
      int stop = i < parts ? (int) offsets[i] : length;
      readFully(body, position, stop - position, kind);
      position = i < parts ? stop + (int) lengths[i] : stop;
    }
    shared.unsplice(offsets, lengths, body);
    return new Frame(kind, id, body, length, lend ? this : null);
  }

  private void readFully(byte[] body, int offset, int length, FrameKind kind) throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.read(body, offset + done, Math.min(length - done, MAX_READ_BYTES));
      if (n < 0) {
        throw new FrameFormatException(
            "truncated frame: the stream ended inside a spliced " + kind + " frame");
      }
      done += n;
    }
  }

  /** Takes the spare array when it is large enough, else allocates one of exactly this size. */
  private byte[] borrow(int bodyLength) {
    SoftReference<byte[]> held = spare.getAndSet(null);
    byte[] array = held == null ? null : held.get();
    return array != null && array.length >= bodyLength ? array : new byte[bodyLength];
  }

  /** Takes back a lent array, keeping the larger of it and the spare already held. */
  void giveBack(byte[] array) {
    SoftReference<byte[]> offered = new SoftReference<>(array);
    for (; ; ) {
      SoftReference<byte[]> held = spare.get();
      byte[] current = held == null ? null : held.get();
      if (current != null && current.length >= array.length) {
        return;
      }
      if (spare.compareAndSet(held, offered)) {
        return;
      }
    }
  }

  private void checkHeader(long length, @Nullable FrameKind kind) throws FrameFormatException {
    if (length < LENGTH_OVERHEAD) {
      throw new FrameFormatException(
          "frame length " + length + " is below the minimum of 12 (header " + hex(16) + ")");
    }
    if (length > maxFrameBytes) {
      throw new FrameFormatException(
          "frame length "
              + length
              + " exceeds the limit of "
              + maxFrameBytes
              + " bytes (maxFrameBytes; header "
              + hex(16)
              + ")");
    }
    if (kind == null) {
      throw new FrameFormatException(
          "unknown frame kind " + (header[4] & 0xff) + " (header " + hex(16) + ")");
    }
    if (header[5] != 0 && (header[5] != SharedLane.SPLICED || lane == null || !kind.hasBody())) {
      throw new FrameFormatException("frame flags must be 0, got " + (header[5] & 0xff));
    }
    if (header[6] != 0 || header[7] != 0) {
      throw new FrameFormatException("frame reserved bytes must be 0 (header " + hex(16) + ")");
    }
  }

  private int readUpTo(byte[] buffer, int offset, int length) throws IOException {
    int total = 0;
    while (total < length) {
      int n = in.read(buffer, offset + total, length - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  private long u32(int at) {
    return ((header[at] & 0xffL) << 24)
        | ((header[at + 1] & 0xffL) << 16)
        | ((header[at + 2] & 0xffL) << 8)
        | (header[at + 3] & 0xffL);
  }

  private long u64(int at) {
    return (u32(at) << 32) | u32(at + 4);
  }

  /** Shows the raw header bytes, which tells stray text on the pipe apart from a bad frame. */
  private String hex(int count) {
    StringBuilder out = new StringBuilder(count * 3);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(Character.forDigit((header[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(header[i] & 0xf, 16));
    }
    return out.toString();
  }
}
