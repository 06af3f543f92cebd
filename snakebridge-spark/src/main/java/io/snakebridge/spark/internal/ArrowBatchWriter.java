package io.snakebridge.spark.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.Iterator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.types.StructType;

/**
 * Writes Spark's internal rows into Arrow vectors with Spark's own {@link ArrowWriter} (the one
 * PySpark's Arrow path uses, so no value is boxed or converted twice) and serializes each batch as
 * one Arrow IPC stream.
 *
 * <p>Not thread-safe: one instance per task; {@link #close()} frees its vectors.
 */
public final class ArrowBatchWriter implements AutoCloseable {
  private final VectorSchemaRoot root;
  private final ArrowWriter writer;

  public ArrowBatchWriter(StructType schema, BufferAllocator allocator) {
    this.root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
    this.writer = ArrowWriter.create(root);
  }

  /**
   * Writes up to {@code max} rows from {@code rows} (rows may be reused objects: each is copied
   * into the vectors at once) and returns them as IPC stream bytes.
   */
  public byte[] write(Iterator<InternalRow> rows, int max) {
    writer.reset();
    int n = 0;
    while (n < max && rows.hasNext()) {
      writer.write(rows.next());
      n++;
    }
    writer.finish();
    return serialize(root);
  }

  /** The number of rows of the last batch written. */
  public int rowCount() {
    return root.getRowCount();
  }

  /** The bytes of an IPC stream holding {@code schema} and no batches. */
  public static byte[] schemaOnly(StructType schema, BufferAllocator allocator) {
    try (VectorSchemaRoot empty =
        VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArrowStreamWriter w = new ArrowStreamWriter(empty, null, Channels.newChannel(out))) {
        w.start();
        w.end();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  private static byte[] serialize(VectorSchemaRoot root) {
    long size = 1024;
    for (FieldVector v : root.getFieldVectors()) {
      size += v.getBufferSize();
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, size));
    try (ArrowStreamWriter w = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
      w.start();
      w.writeBatch();
      w.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    root.close();
  }
}
