package io.snakebridge.spark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.spark.SnakeBridgeSpark;
import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** mapBatches against real Spark and real Python workers: results, errors, schema checks. */
class MapBatchesIT {
  private final SparkSession spark = SharedSpark.session();

  private Dataset<Row> numbers(long n, int partitions) {
    return spark
        .range(0, n, 1, partitions)
        .withColumn("a", functions.col("id").cast("double"))
        .withColumn("b", functions.col("id").multiply(2).cast("double"))
        .withColumn("c", functions.lit(0.5))
        .withColumn("d", functions.col("id").mod(7).cast("double"));
  }

  @Test
  void rowSumsComeBackForEveryRowAcrossBatches() {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(MessageFormat.format(record.getMessage(), record.getParameters()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("io.snakebridge.spark");
    logger.addHandler(handler);
    Dataset<Row> input = numbers(25_000, 3).drop("id");
    StructType out =
        new StructType()
            .add("a", DataTypes.DoubleType)
            .add("b", DataTypes.DoubleType)
            .add("c", DataTypes.DoubleType)
            .add("d", DataTypes.DoubleType)
            .add("total", DataTypes.DoubleType);
    List<Row> rows =
        SnakeBridgeSpark.mapBatches(input, "sparkfns", "row_sums", out).collectAsList();
    assertEquals(25_000, rows.size());
    double wrong =
        rows.stream()
            .filter(
                r ->
                    r.getDouble(4)
                        != r.getDouble(0) + r.getDouble(1) + r.getDouble(2) + r.getDouble(3))
            .count();
    assertEquals(0, wrong, "rows whose total is not the sum of a, b, c, d");
    logger.removeHandler(handler);
    // Each of the three tasks logs its batches, rows and Python time with the executor's totals.
    assertTrue(
        logged.stream()
            .anyMatch(
                m ->
                    m.matches(
                        "executor driver task [\\d,.]+: 1 batches, 8.33[34] rows, [\\d,.]+ ms in Python;"
                            + " executor total: .*")),
        String.join("\n", logged));
  }

  @Test
  void aScikitLearnModelScores200000Rows() {
    Dataset<Row> input = numbers(200_000, 4).select("id", "a", "b", "c");
    StructType out =
        new StructType().add("id", DataTypes.LongType).add("score", DataTypes.DoubleType);
    Dataset<Row> scored = SnakeBridgeSpark.mapBatches(input, "sparkfns", "score", out);
    // The model was fitted on y = 2a - 3b + 0.5c + 1; with b = 2a, c = 0.5: y = -4a + 1.25.
    Row summary =
        scored
            .withColumn(
                "error",
                functions.abs(
                    functions.col("score").minus(functions.col("id").multiply(-4).plus(1.25))))
            .agg(functions.count("id"), functions.countDistinct("id"), functions.max("error"))
            .first();
    assertEquals(200_000L, summary.getLong(0));
    assertEquals(200_000L, summary.getLong(1));
    assertTrue(summary.getDouble(2) < 1e-6, "largest scoring error " + summary.getDouble(2));
  }

  @Test
  void aPythonExceptionFailsTheJobWithItsTraceback() {
    Dataset<Row> input = numbers(100, 1).select("id");
    StructType out = new StructType().add("id", DataTypes.LongType);
    SparkException e =
        assertThrows(
            SparkException.class,
            () -> SnakeBridgeSpark.mapBatches(input, "sparkfns", "fail", out).collectAsList());
    String message = e.getMessage();
    assertTrue(message.contains("builtins.ValueError: bad batch of 100 rows"), message);
    assertTrue(message.contains("Traceback (most recent call last)"), message);
    assertTrue(message.contains("raise ValueError(f\"bad batch of {len(df)} rows\")"), message);
  }

  @Test
  void aColumnOfTheWrongTypeIsNamedWithBothTypes() {
    Dataset<Row> input = numbers(10, 1).select("id");
    StructType out =
        new StructType().add("id", DataTypes.LongType).add("score", DataTypes.DoubleType);
    SparkException e =
        assertThrows(
            SparkException.class,
            () ->
                SnakeBridgeSpark.mapBatches(input, "sparkfns", "wrong_type", out).collectAsList());
    String message = e.getMessage();
    assertTrue(message.contains("column 'score': the function returned "), message);
    assertTrue(message.contains("string (pandas dtype "), message);
    assertTrue(message.contains("but the output schema wants double"), message);
  }

  @Test
  void aMissingColumnIsNamed() {
    Dataset<Row> input = numbers(10, 1).select("id");
    StructType out =
        new StructType().add("id", DataTypes.LongType).add("score", DataTypes.DoubleType);
    SparkException e =
        assertThrows(
            SparkException.class,
            () ->
                SnakeBridgeSpark.mapBatches(input, "sparkfns", "missing_column", out)
                    .collectAsList());
    assertTrue(e.getMessage().contains("missing: ['score']"), e.getMessage());
  }

  @Test
  void aLockFileThatWasNotShippedIsNamedInTheFailure() {
    Dataset<Row> input = numbers(10, 1).select("id");
    StructType out = new StructType().add("id", DataTypes.LongType);
    String python = spark.conf().get(SnakeBridgeSpark.PYTHON);
    spark.conf().set(SnakeBridgeSpark.PYTHON, "");
    spark.conf().set(SnakeBridgeSpark.LOCK_FILE, "never-shipped.lock");
    try {
      SparkException e =
          assertThrows(
              SparkException.class,
              () ->
                  SnakeBridgeSpark.mapBatches(input, "sparkfns", "identity", out).collectAsList());
      assertTrue(e.getMessage().contains("spark.snakebridge.lockFile: no file "), e.getMessage());
      assertTrue(e.getMessage().contains("never-shipped.lock on this executor"), e.getMessage());
    } finally {
      spark.conf().unset(SnakeBridgeSpark.LOCK_FILE);
      spark.conf().set(SnakeBridgeSpark.PYTHON, python);
    }
  }
}
