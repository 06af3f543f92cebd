package io.snakebridge.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.jspecify.annotations.Nullable;

/**
 * The rows of one Arrow IPC stream (Python's answer for one batch) as Spark internal rows read
 * straight from the Arrow vectors through {@link ArrowColumnVector}, as PySpark does. A row is
 * valid until the next call to {@link #next()}: the consumer (Spark's scan of the RDD) projects
 * each row as it gets it.
 *
 * <p>Not thread-safe; {@link #close()} frees the vectors (at the latest when the task ends).
 */
public final class ArrowBatchReader implements Iterator<InternalRow>, AutoCloseable {
  private final ArrowStreamReader reader;
  private final VectorSchemaRoot root;
  private final int columns;
  private @Nullable ColumnarBatch batch;
  private int index;
  private boolean exhausted;

  public ArrowBatchReader(byte[] stream, BufferAllocator allocator, int columns) {
    this.reader = new ArrowStreamReader(new ByteArrayInputStream(stream), allocator);
    this.columns = columns;
    try {
      this.root = reader.getVectorSchemaRoot();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
    if (root.getFieldVectors().size() != columns) {
      close();
      throw new IllegalStateException(
          "the answer has "
              + root.getFieldVectors().size()
              + " columns, the output schema "
              + columns);
    }
  }

  @Override
  public boolean hasNext() {
    while (!exhausted && (batch == null || index >= batch.numRows())) {
      try {
        if (!reader.loadNextBatch()) {
          exhausted = true;
          break;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<FieldVector> vectors = root.getFieldVectors();
      ColumnVector[] wrapped = new ColumnVector[columns];
      for (int i = 0; i < columns; i++) {
        wrapped[i] = new ArrowColumnVector(vectors.get(i));
      }
      batch = new ColumnarBatch(wrapped, root.getRowCount());
      index = 0;
    }
    return !exhausted;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    // hasNext() leaves a batch with rows to go, or says there is none
    return Objects.requireNonNull(batch).getRow(index++);
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
