package io.snakebridge.spark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.spark.SnakeBridgeSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A worker dying mid-partition and a job cancelled from the driver, with real workers. */
class FailuresIT {
  private static final Duration CEILING = Duration.ofSeconds(120);
  private final SparkSession spark = SharedSpark.session();

  private Dataset<Row> withMarker(long n, int partitions, Path marker) {
    return spark.range(0, n, 1, partitions).withColumn("marker", functions.lit(marker.toString()));
  }

  @Test
  void aWorkerThatDiesFailsTheAttemptAndTheRetrySucceeds() throws Exception {
    Path marker = SharedSpark.workDir("crash").resolve("died");
    StructType out = new StructType().add("id", DataTypes.LongType);
    List<Row> rows =
        SnakeBridgeSpark.mapBatches(withMarker(30_000, 2, marker), "sparkfns", "die_once", out)
            .collectAsList();
    assertTrue(Files.readString(marker).startsWith("died in pid "), "a worker died during the job");
    assertEquals(30_000, rows.size());
    assertEquals(30_000, rows.stream().map(r -> r.getLong(0)).distinct().count());
  }

  @Test
  void cancellingAllJobsStopsTheirPythonCall() throws Exception {
    Path folder = SharedSpark.workDir("cancel");
    Dataset<Row> job = slowJob(folder);
    CompletableFuture<List<Row>> running = CompletableFuture.supplyAsync(job::collectAsList);
    await("the Python function to start", () -> Files.exists(folder.resolve("started")));
    spark.sparkContext().cancelAllJobs();
    assertCancelled(running, folder);
  }

  /** Spark kills the task without interrupting its thread; the task notices and cancels. */
  @Test
  void cancellingAJobGroupThatDoesNotInterruptStopsItsPythonCall() throws Exception {
    Path folder = SharedSpark.workDir("cancel-group");
    Dataset<Row> job = slowJob(folder);
    CompletableFuture<List<Row>> running =
        CompletableFuture.supplyAsync(
            () -> {
              spark
                  .sparkContext()
                  .setJobGroup("no-interrupt", "a job cancelled by its group", false);
              try {
                return job.collectAsList();
              } finally {
                spark.sparkContext().clearJobGroup();
              }
            });
    await("the Python function to start", () -> Files.exists(folder.resolve("started")));
    spark.sparkContext().cancelJobGroup("no-interrupt");
    assertCancelled(running, folder);
  }

  private Dataset<Row> slowJob(Path folder) {
    StructType out = new StructType().add("id", DataTypes.LongType);
    return SnakeBridgeSpark.mapBatches(withMarker(10, 1, folder), "sparkfns", "slow", out);
  }

  private static void assertCancelled(CompletableFuture<List<Row>> running, Path folder)
      throws InterruptedException {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> running.get(CEILING.toSeconds(), TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof SparkException, String.valueOf(e.getCause()));
    assertTrue(e.getCause().getMessage().contains("cancelled"), e.getCause().getMessage());
    // The function would run for ten minutes, within the batch deadline; it stops only because
    // its call was cancelled.
    await("the Python call to stop", () -> Files.exists(folder.resolve("stopped")));
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + CEILING.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("still waiting after " + CEILING.toSeconds() + " s for " + what);
      }
      Thread.sleep(20);
    }
  }
}
