package io.snakebridge.spark.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what one executor sent through Python: batches, rows, and the time spent in the batch
 * calls (Arrow encoding on both sides, the pipe and the user's function). Logged per task and when
 * the executor's runtime closes.
 *
 * <p>Thread-safe: tasks of the executor add to it at once.
 */
public final class BatchMetrics {
  private static final System.Logger LOG = System.getLogger("io.snakebridge.spark");

  private final String executor;
  private final LongAdder batches = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final LongAdder pythonNanos = new LongAdder();

  BatchMetrics(String executor) {
    this.executor = executor;
  }

  /** Adds one batch of {@code n} rows whose call took {@code nanos}. */
  public void add(int n, long nanos) {
    batches.increment();
    rows.add(n);
    pythonNanos.add(nanos);
  }

  public long batches() {
    return batches.sum();
  }

  public long rows() {
    return rows.sum();
  }

  public long pythonNanos() {
    return pythonNanos.sum();
  }

  /** Logs one task's figures next to the executor's totals. */
  public void logTask(long taskAttempt, long taskBatches, long taskRows, long taskNanos) {
    LOG.log(
        Level.INFO,
        "executor {0} task {1}: {2} batches, {3} rows, {4} ms in Python;"
            + " executor total: {5} batches, {6} rows, {7} ms in Python",
        executor,
        taskAttempt,
        taskBatches,
        taskRows,
        TimeUnit.NANOSECONDS.toMillis(taskNanos),
        batches(),
        rows(),
        TimeUnit.NANOSECONDS.toMillis(pythonNanos()));
  }

  /** Logs the executor's totals. */
  void log() {
    LOG.log(
        Level.INFO,
        "executor {0}: {1} batches, {2} rows, {3} ms in Python",
        executor,
        batches(),
        rows(),
        TimeUnit.NANOSECONDS.toMillis(pythonNanos()));
  }
}
