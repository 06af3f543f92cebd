package io.snakebridge.spark.internal;

import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.jspecify.annotations.Nullable;

/**
 * The task side of {@code mapBatches}: cuts a partition of Spark's internal rows into batches,
 * writes each into Arrow and sends it as IPC bytes to {@code snakebridge_spark.map_batch} on the
 * executor's runtime, and hands out the answer's rows read straight from its Arrow vectors; one
 * batch in flight per task.
 *
 * <p>Failures become task failures: a Python exception fails the task with the traceback in the
 * message; a crashed worker fails the attempt (Spark retries it, and the pool has replaced the
 * worker); a killed task (job cancelled, speculative copy lost) cancels its running call.
 *
 * <p>Instances are immutable and serializable; each call runs on one task thread.
 */
public final class BatchMapper implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;

  /** How often a task waiting for Python checks whether it was killed. */
  private static final long KILL_CHECK_MILLIS = 100;

  private static final BufferAllocator ROOT = new RootAllocator();

  private final String module;
  private final String function;
  private final StructType inputSchema;
  private final StructType outputSchema;
  private final SparkSettings settings;

  public BatchMapper(
      String module,
      String function,
      StructType inputSchema,
      StructType outputSchema,
      SparkSettings settings) {
    this.module = module;
    this.function = function;
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
    this.settings = settings;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> input) {
    if (!input.hasNext()) {
      return Collections.emptyIterator();
    }
    TaskContext task = TaskContext.get();
    Batches batches =
        new Batches(
            input,
            task,
            ExecutorRuntime.runtime(settings),
            ExecutorRuntime.metrics(settings),
            ROOT.newChildAllocator("snakebridge-spark", 0, Long.MAX_VALUE));
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> batches.close());
    }
    return batches;
  }

  /** The rows of the answers, fetching the next batch when the last one is used up. */
  private final class Batches implements Iterator<InternalRow> {
    private final Iterator<InternalRow> input;
    private final @Nullable TaskContext task;
    private final SnakeBridgeRuntime runtime;
    private final BatchMetrics metrics;
    private final BufferAllocator allocator;
    private final ArrowBatchWriter writer;
    private final byte[] outputArrowSchema;
    private @Nullable ArrowBatchReader current;
    private long batchCount;
    private long rowCount;
    private long nanos;
    private boolean closed;

    Batches(
        Iterator<InternalRow> input,
        @Nullable TaskContext task,
        SnakeBridgeRuntime runtime,
        BatchMetrics metrics,
        BufferAllocator allocator) {
      this.input = input;
      this.task = task;
      this.runtime = runtime;
      this.metrics = metrics;
      this.allocator = allocator;
      this.writer = new ArrowBatchWriter(inputSchema, allocator);
      this.outputArrowSchema = ArrowBatchWriter.schemaOnly(outputSchema, allocator);
    }

    @Override
    public boolean hasNext() {
      while ((current == null || !current.hasNext()) && input.hasNext()) {
        if (current != null) {
          current.close();
          current = null;
        }
        current = nextBatch();
      }
      return current != null && current.hasNext();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      // hasNext() leaves a reader with rows to go, or says there is none
      return Objects.requireNonNull(current).next();
    }

    private ArrowBatchReader nextBatch() {
      byte[] arrow = writer.write(input, settings.batchSize());
      int rows = writer.rowCount();
      long start = System.nanoTime();
      byte[] answer = callPython(arrow, rows);
      long took = System.nanoTime() - start;
      batchCount++;
      rowCount += rows;
      nanos += took;
      metrics.add(rows, took);
      return new ArrowBatchReader(answer, allocator, outputSchema.fields().length);
    }

    private byte[] callPython(byte[] arrow, int rows) {
      CompletableFuture<Object> call =
          runtime.callAsync(
              "snakebridge_spark", "map_batch", module, function, arrow, outputArrowSchema);
      try {
        while (true) {
          try {
            return (byte[]) call.get(KILL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            if (task != null && task.isInterrupted()) {
              call.cancel(true);
              throw new TaskKilledException(
                  task.getKillReason().isDefined() ? task.getKillReason().get() : "killed");
            }
          }
        }
      } catch (InterruptedException e) {
        call.cancel(true);
        Thread.currentThread().interrupt();
        throw new TaskKilledException("interrupted while Python ran " + module + "." + function);
      } catch (CancellationException e) {
        throw new TaskKilledException("the Python call was cancelled");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw failure(cause != null ? cause : e, rows);
      }
    }

    private RuntimeException failure(Throwable cause, int rows) {
      if (cause instanceof PythonException p) {
        PythonException withTraceback =
            new PythonException(
                p.pythonType(),
                p.pythonMessage(),
                p.pythonTraceback(),
                p.pythonMro(),
                List.of(),
                p.getCause(),
                "in "
                    + module
                    + "."
                    + function
                    + " on a batch of "
                    + rows
                    + " rows; Python "
                    + p.pythonTraceback().strip());
        withTraceback.setStackTrace(p.getStackTrace());
        return withTraceback;
      }
      if (cause instanceof RuntimeException r) {
        return r;
      }
      return new SnakeBridgeException(
          "the batch call to " + module + "." + function + " failed", cause);
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (current != null) {
        current.close();
      }
      writer.close();
      allocator.close();
      if (batchCount > 0) {
        metrics.logTask(task == null ? -1 : task.taskAttemptId(), batchCount, rowCount, nanos);
      }
    }
  }
}
