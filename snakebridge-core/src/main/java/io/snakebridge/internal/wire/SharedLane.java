package io.snakebridge.internal.wire;

import io.snakebridge.internal.codec.EncodedValue;
import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shared-memory lane of one worker (WIRE-PROTOCOL.md §2.2): two memory files the worker made
 * ({@code memfd}), mapped here through {@code /proc/<pid>/fd/<n>}, that carry the large parts of
 * frame bodies while the rest of each frame still goes through the pipe.
 *
 * <p>Thread-safety: {@link #splice} runs under the connection's write lock, {@link #unsplice} on
 * the one thread that reads; the two touch different arenas.
 *
 * <p>Maintainer notes. The lane is transport only: a spliced frame's body is put back together in
 * the reader's body array before anyone decodes it, so decoded values own their memory as on the
 * pipe, and an arena is free again as soon as its reader has read the frame. The first 8 bytes of
 * each arena count the frames its reader has copied out (little-endian); a writer splices only when
 * that count equals the frames it spliced, else it sends the frame whole through the pipe, so it
 * never waits and never overwrites unread parts. An arena grows by mapping it larger ({@code
 * FileChannel.map} extends the file); on JDK 17 a mapping goes only when collected, so arenas grow
 * by doubling and are mapped once per size.
 */
public final class SharedLane implements Closeable {
  /** Frame header flag of a spliced frame. */
  static final int SPLICED = 1;

  /** Bytes before the first part: the read count, then zeros. */
  static final int HEAD = 64;

  private static final long GROWTH = 1 << 20;
  private static final VarHandle COUNT =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final FileChannel toWorker;
  private final FileChannel fromWorker;
  private final long threshold;
  private final long limit;
  private final Runnable overLimit;
  private volatile @Nullable MappedByteBuffer out;
  private volatile @Nullable MappedByteBuffer in;
  private volatile boolean closed;
  private long spliced;
  private long read;

  private SharedLane(
      FileChannel toWorker, FileChannel fromWorker, long threshold, long limit, Runnable overLimit)
      throws IOException {
    this.toWorker = toWorker;
    this.fromWorker = fromWorker;
    this.threshold = threshold;
    this.limit = limit;
    this.overLimit = overLimit;
    this.in = fromWorker.map(FileChannel.MapMode.READ_WRITE, 0, fromWorker.size());
    // Tells the worker that its arena is mapped here: it splices from now on.
    COUNT.setVolatile(in, 0, 0L);
  }

  /**
   * Opens the arenas a worker announced in its HELLO ({@code shm}).
   *
   * @param overLimit runs when a frame would need more than {@code limit} bytes of arena
   * @throws IOException when they cannot be opened or mapped (no {@code /proc}, another user)
   */
  public static SharedLane open(
      long pid, long toWorkerFd, long fromWorkerFd, long threshold, long limit, Runnable overLimit)
      throws IOException {
    FileChannel to =
        FileChannel.open(
            procFd(pid, toWorkerFd), StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileChannel from =
          FileChannel.open(
              procFd(pid, fromWorkerFd), StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        return new SharedLane(to, from, threshold, limit, overLimit);
      } catch (IOException | RuntimeException e) {
        from.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      to.close();
      throw e;
    }
  }

  private static Path procFd(long pid, long fd) {
    return Path.of("/proc", Long.toString(pid), "fd", Long.toString(fd));
  }

  /** Returns the size from which a frame body is worth splicing. */
  long threshold() {
    return threshold;
  }

  /**
   * Puts the large parts of {@code body} into the arena and returns them, or returns an empty list
   * when the frame goes whole through the pipe (no large part, the arena still unread, or over the
   * limit).
   */
  List<EncodedValue.Part> splice(EncodedValue body) throws IOException {
    List<EncodedValue.Part> parts = body.largeParts(threshold);
    if (parts.isEmpty()) {
      return parts;
    }
    MappedByteBuffer arena = out;
    if (closed) {
      return List.of();
    }
    if (arena != null && (long) COUNT.getVolatile(arena, 0) != spliced) {
      return List.of();
    }
    long needed = HEAD;
    for (EncodedValue.Part part : parts) {
      needed += align(part.length());
    }
    if (arena == null || needed > arena.capacity()) {
      if (needed > limit) {
        overLimit.run();
        return List.of();
      }
      long size =
          Math.min(
              limit,
              Math.max(needed, Math.max(GROWTH, 2L * (arena == null ? 0 : arena.capacity()))));
      arena = out = toWorker.map(FileChannel.MapMode.READ_WRITE, 0, size);
    }
    int position = HEAD;
    for (EncodedValue.Part part : parts) {
      arena.position(position);
      part.putInto(arena);
      position += (int) align(part.length());
    }
    spliced++;
    return parts;
  }

  /**
   * Copies the parts of a spliced frame from the arena into {@code body}, whose other bytes the
   * reader filled in, and counts the frame as read. {@code offsets} and {@code lengths} are the
   * splice table, already checked against the body.
   */
  void unsplice(long[] offsets, long[] lengths, byte[] body) throws IOException {
    long needed = HEAD;
    for (long length : lengths) {
      needed += align(length);
    }
    MappedByteBuffer arena = in;
    if (arena == null) {
      throw new IOException("the shared memory of a worker that has ended");
    }
    if (needed > arena.capacity()) {
      long size = fromWorker.size();
      if (needed > size || size > Integer.MAX_VALUE) {
        throw new FrameFormatException(
            "spliced frame needs " + needed + " bytes of shared memory, the arena has " + size);
      }
      arena = in = fromWorker.map(FileChannel.MapMode.READ_WRITE, 0, size);
    }
    int position = HEAD;
    for (int i = 0; i < offsets.length; i++) {
      arena.get(position, body, (int) offsets[i], (int) lengths[i]);
      position += (int) align(lengths[i]);
    }
    read++;
    COUNT.setVolatile(arena, 0, read);
  }

  private static long align(long length) {
    return (length + 63) & -64L;
  }

  /**
   * Closes both arenas once the worker has ended. The mappings go when the collector finds them
   * unreachable (JDK 17 cannot unmap), so the lane lets go of them here even if it stays reachable
   * itself.
   */
  @Override
  public void close() throws IOException {
    closed = true;
    out = null;
    in = null;
    try {
      toWorker.close();
    } finally {
      fromWorker.close();
    }
  }
}
