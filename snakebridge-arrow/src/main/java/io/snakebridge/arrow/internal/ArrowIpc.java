package io.snakebridge.arrow.internal;

import io.snakebridge.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Arrow IPC streams in byte arrays, as they cross to and from the worker: one record batch each,
 * no dictionaries (the worker's side decodes them; see {@code snakebridge_arrow_frames.py}).
 *
 * <p>Thread-safe: no state.
 */
public final class ArrowIpc {
  /** The flag Arrow's memory needs on JDK 17 and later. */
  public static final String ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

  private static final String MEMORY_UTIL = "org.apache.arrow.memory.util.MemoryUtil";

  private ArrowIpc() {}

  /**
   * Returns the stream a worker sent: a {@code uint8} {@link NdArray} (what it sends where it has
   * numpy) or {@code byte[]}.
   */
  public static byte[] streamBytes(Object sent) {
    if (sent instanceof byte[]) {
      return (byte[]) sent;
    }
    if (sent instanceof NdArray && ((NdArray) sent).data() instanceof byte[]) {
      return (byte[]) ((NdArray) sent).data();
    }
    throw new IllegalStateException("expected an Arrow IPC stream from Python, got "
        + (sent == null ? "None" : sent.getClass().getName()));
  }

  /**
   * Reads {@code stream} into a new root whose buffers {@code allocator} owns; the caller closes
   * it. The data is copied once, from the array into Arrow buffers.
   */
  public static VectorSchemaRoot read(byte[] stream, BufferAllocator allocator) {
    requireMemoryAccess();
    try (ArrowStreamReader reader = new ArrowStreamReader(new ArrayChannel(stream), allocator)) {
      VectorSchemaRoot loaded = reader.getVectorSchemaRoot();
      Schema schema = loaded.getSchema();
      if (!reader.loadNextBatch()) {
        VectorSchemaRoot empty = VectorSchemaRoot.create(schema, allocator);
        empty.setRowCount(0);
        return empty;
      }
      // The reader's root dies with the reader: move its buffers into vectors of our own.
      List<FieldVector> vectors = new ArrayList<>(loaded.getFieldVectors().size());
      for (FieldVector vector : loaded.getFieldVectors()) {
        TransferPair pair = vector.getTransferPair(allocator);
        pair.transfer();
        vectors.add((FieldVector) pair.getTo());
      }
      return new VectorSchemaRoot(schema, vectors, loaded.getRowCount());
    } catch (IOException e) {
      throw new UncheckedIOException("reading an Arrow IPC stream from Python", e);
    }
  }

  /**
   * Writes {@code root} as an IPC stream of one batch into an array of exactly its size: a first
   * pass only counts bytes, so the data is copied once, from Arrow buffers into the array.
   */
  public static byte[] write(VectorSchemaRoot root) {
    requireMemoryAccess();
    try {
      CountingChannel counter = new CountingChannel();
      writeTo(root, counter);
      if (counter.size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("the table is " + counter.size
            + " bytes as an Arrow IPC stream, more than a Java array holds; send it in parts");
      }
      ArrayChannel array = new ArrayChannel(new byte[(int) counter.size]);
      writeTo(root, array);
      return array.bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("writing an Arrow IPC stream for Python", e);
    }
  }

  private static void writeTo(VectorSchemaRoot root, WritableByteChannel channel)
      throws IOException {
    try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, channel)) {
      writer.start();
      writer.writeBatch();
      writer.end();
    }
  }

  /**
   * Throws an {@link IllegalStateException} naming the JVM flag when Arrow cannot reach its
   * memory. Arrow gets at its buffers' addresses through JDK internals that JDK 17 keeps closed
   * unless {@code java.nio} is opened; its own class then fails to initialize, once with a message
   * naming a flag and ever after with a bare {@code NoClassDefFoundError}, so every entry point
   * checks first.
   */
  public static void requireMemoryAccess() {
    try {
      Class.forName(MEMORY_UTIL, true, ArrowIpc.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("arrow-memory-core is missing from the class path", e);
    } catch (LinkageError e) {
      throw new IllegalStateException("Arrow cannot reach its memory: start the JVM with "
          + ADD_OPENS + " (Arrow needs it on JDK 17 and later)", e);
    }
  }

  /** Counts what would be written. */
  private static final class CountingChannel implements WritableByteChannel {
    long size;

    @Override
    public int write(ByteBuffer source) {
      int n = source.remaining();
      source.position(source.limit());
      size += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  /**
   * An array as a channel: written from Arrow buffers (sized by a count before) or read into
   * them, each buffer in one bulk copy. (Channels.newChannel of a stream goes through 8 KiB
   * chunks of a temporary array, copying everything twice.)
   */
  private static final class ArrayChannel implements WritableByteChannel, ReadableByteChannel {
    final byte[] bytes;
    private int position;

    ArrayChannel(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int write(ByteBuffer source) {
      int n = source.remaining();
      source.get(bytes, position, n);
      position += n;
      return n;
    }

    @Override
    public int read(ByteBuffer target) {
      if (position == bytes.length) {
        return -1;
      }
      int n = Math.min(target.remaining(), bytes.length - position);
      target.put(bytes, position, n);
      position += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
