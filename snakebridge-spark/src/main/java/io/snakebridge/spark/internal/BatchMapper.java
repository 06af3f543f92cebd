package io.snakebridge.spark.internal;

import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The task side of {@code mapBatches}: cuts a partition into batches, sends each as Arrow IPC
 * bytes to {@code snakebridge_spark.map_batch} on the executor's runtime and hands out the rows
 * of the answers, one batch in flight per task.
 *
 * <p>Failures become task failures: a Python exception fails the task with the traceback in the
 * message; a crashed worker fails the attempt (Spark retries it, and the pool has replaced the
 * worker); a killed task (job cancelled, speculative copy lost) cancels its running call.
 *
 * <p>Instances are immutable and serializable; each call runs on one task thread.
 */
public final class BatchMapper implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  /** How often a task waiting for Python checks whether it was killed. */
  private static final long KILL_CHECK_MILLIS = 100;
  private static final BufferAllocator ROOT = new RootAllocator();

  private final String module;
  private final String function;
  private final StructType inputSchema;
  private final StructType outputSchema;
  private final SparkSettings settings;

  public BatchMapper(String module, String function, StructType inputSchema,
      StructType outputSchema, SparkSettings settings) {
    this.module = module;
    this.function = function;
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    if (!input.hasNext()) {
      return Collections.emptyIterator();
    }
    TaskContext task = TaskContext.get();
    SnakeBridgeRuntime runtime = ExecutorRuntime.runtime(settings);
    BatchMetrics metrics = ExecutorRuntime.metrics(settings);
    BufferAllocator allocator = ROOT.newChildAllocator("snakebridge-spark", 0, Long.MAX_VALUE);
    RowsToArrow writer = new RowsToArrow(inputSchema, allocator);
    Batches batches = new Batches(input, task, runtime, metrics, writer,
        RowsToArrow.schemaOnly(outputSchema, allocator),
        new ArrowToRows(outputSchema, settings.java8Time()), allocator);
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> batches.close());
    }
    return batches;
  }

  /** The rows of the answers, fetching the next batch when the last one is used up. */
  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> input;
    private final TaskContext task;
    private final SnakeBridgeRuntime runtime;
    private final BatchMetrics metrics;
    private final RowsToArrow writer;
    private final byte[] outputArrowSchema;
    private final ArrowToRows reader;
    private final BufferAllocator allocator;
    private Iterator<Row> current = Collections.emptyIterator();
    private long batchCount;
    private long rowCount;
    private long nanos;
    private boolean closed;

    Batches(Iterator<Row> input, TaskContext task, SnakeBridgeRuntime runtime,
        BatchMetrics metrics, RowsToArrow writer, byte[] outputArrowSchema, ArrowToRows reader,
        BufferAllocator allocator) {
      this.input = input;
      this.task = task;
      this.runtime = runtime;
      this.metrics = metrics;
      this.writer = writer;
      this.outputArrowSchema = outputArrowSchema;
      this.reader = reader;
      this.allocator = allocator;
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext() && input.hasNext()) {
        current = next(input);
      }
      return current.hasNext();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }

    private Iterator<Row> next(Iterator<Row> rows) {
      List<Row> batch = new ArrayList<>(Math.min(settings.batchSize(), 16_384));
      while (batch.size() < settings.batchSize() && rows.hasNext()) {
        batch.add(rows.next());
      }
      byte[] arrow = writer.write(batch);
      long start = System.nanoTime();
      byte[] answer = callPython(arrow, batch.size());
      long took = System.nanoTime() - start;
      batchCount++;
      rowCount += batch.size();
      nanos += took;
      metrics.add(batch.size(), took);
      return reader.read(answer, allocator).iterator();
    }

    private byte[] callPython(byte[] arrow, int rows) {
      CompletableFuture<Object> call = runtime.callAsync("snakebridge_spark", "map_batch",
          module, function, arrow, outputArrowSchema);
      try {
        while (true) {
          try {
            return (byte[]) call.get(KILL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            if (task != null && task.isInterrupted()) {
              call.cancel(true);
              throw new TaskKilledException(task.getKillReason().isDefined()
                  ? task.getKillReason().get() : "killed");
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
        throw failure(e.getCause(), rows);
      }
    }

    private RuntimeException failure(Throwable cause, int rows) {
      if (cause instanceof PythonException p) {
        PythonException withTraceback = new PythonException(p.pythonType(), p.pythonMessage(),
            p.pythonTraceback(), p.pythonMro(), List.of(), p.getCause(),
            "in " + module + "." + function + " on a batch of " + rows + " rows; Python "
                + p.pythonTraceback().strip());
        withTraceback.setStackTrace(p.getStackTrace());
        return withTraceback;
      }
      if (cause instanceof RuntimeException r) {
        return r;
      }
      return new SnakeBridgeException("the batch call to " + module + "." + function + " failed",
          cause);
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      writer.close();
      allocator.close();
      if (batchCount > 0) {
        metrics.logTask(task == null ? -1 : task.taskAttemptId(), batchCount, rowCount, nanos);
      }
    }
  }
}
