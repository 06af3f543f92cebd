package io.snakebridge.arrow.internal;

import io.snakebridge.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow IPC streams in byte arrays, as they cross to and from the worker: one record batch each, no
 * dictionaries (the worker's side decodes them; see {@code snakebridge_arrow_frames.py}).
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
    throw new IllegalStateException(
        "expected an Arrow IPC stream from Python, got "
            + (sent == null ? "None" : sent.getClass().getName()));
  }

  /**
   * Reads {@code stream} into a new root whose buffers {@code allocator} owns; the caller closes
   * it. Each Arrow buffer is allocated on its own and copied once from the array, so a vector the
   * caller keeps (or transfers) holds its own memory only, not the whole table's.
   */
  public static VectorSchemaRoot read(byte[] stream, BufferAllocator allocator) {
    requireMemoryAccess();
    ArrayChannel channel = new ArrayChannel(stream);
    try {
      ReadChannel in = new ReadChannel(channel);
      Schema schema = MessageSerializer.deserializeSchema(in);
      VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
      try {
        MessageMetadataResult message = MessageSerializer.readMessage(in);
        if (message == null) {
          root.setRowCount(0);
          return root;
        }
        if (message.headerType() != MessageHeader.RecordBatch) {
          throw new IllegalStateException(
              "unexpected Arrow IPC message of type "
                  + MessageHeader.name(message.headerType())
                  + " from Python");
        }
        RecordBatch batch = (RecordBatch) message.getMessage().header(new RecordBatch());
        load(root, batch, stream, channel.position, allocator);
        return root;
      } catch (IOException | RuntimeException e) {
        root.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading an Arrow IPC stream from Python", e);
    }
  }

  private static void load(
      VectorSchemaRoot root,
      RecordBatch batch,
      byte[] stream,
      int body,
      BufferAllocator allocator) {
    List<ArrowFieldNode> nodes = new ArrayList<>(batch.nodesLength());
    for (int i = 0; i < batch.nodesLength(); i++) {
      FieldNode node = batch.nodes(i);
      nodes.add(new ArrowFieldNode(node.length(), node.nullCount()));
    }
    List<ArrowBuf> buffers = new ArrayList<>(batch.buffersLength());
    try {
      for (int i = 0; i < batch.buffersLength(); i++) {
        Buffer layout = batch.buffers(i);
        ArrowBuf buffer = allocator.buffer(layout.length());
        buffers.add(buffer);
        buffer.setBytes(0, stream, Math.toIntExact(body + layout.offset()), layout.length());
        buffer.writerIndex(layout.length());
      }
      try (ArrowRecordBatch loaded =
          new ArrowRecordBatch(Math.toIntExact(batch.length()), nodes, buffers)) {
        new VectorLoader(root).load(loaded);
      }
    } finally {
      buffers.forEach(ArrowBuf::close); // the vectors hold their own references now
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
        throw new IllegalArgumentException(
            "the table is "
                + counter.size
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
   * Throws an {@link IllegalStateException} naming the JVM flag when Arrow cannot reach its memory.
   * Arrow gets at its buffers' addresses through JDK internals that JDK 17 keeps closed unless
   * {@code java.nio} is opened; its own class then fails to initialize, once with a message naming
   * a flag and ever after with a bare {@code NoClassDefFoundError}, so every entry point checks
   * first.
   */
  public static void requireMemoryAccess() {
    try {
      Class.forName(MEMORY_UTIL, true, ArrowIpc.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("arrow-memory-core is missing from the class path", e);
    } catch (LinkageError e) {
      throw new IllegalStateException(
          "Arrow cannot reach its memory: start the JVM with "
              + ADD_OPENS
              + " (Arrow needs it on JDK 17 and later)",
          e);
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
   * An array as a channel: written from Arrow buffers (sized by a count before) or read into them,
   * each buffer in one bulk copy. (Channels.newChannel of a stream goes through 8 KiB chunks of a
   * temporary array, copying everything twice.)
   */
  private static final class ArrayChannel implements WritableByteChannel, ReadableByteChannel {
    final byte[] bytes;
    int position;

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
