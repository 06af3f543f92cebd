package io.snakebridge.spark.it;

import io.snakebridge.spark.SnakeBridgeSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession the integration tests share (starting Spark costs seconds): {@code
 * local[2,4]}, two cores and up to four attempts per task, so that a task whose worker died is
 * retried, and a batch deadline of 15 minutes. The test functions ({@code
 * src/test/python/sparkfns.py}) reach the executors the Spark way, through {@code
 * SparkContext.addFile}. Thread-safe.
 */
final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      String python = System.getProperty("snakebridge.test.sparkPython");
      if (python == null || !Files.isExecutable(Path.of(python))) {
        throw new IllegalStateException(
            "no test venv with pandas, pyarrow and scikit-learn at "
                + python
                + " (the build's spark-venv step makes it)");
      }
      session =
          SparkSession.builder()
              .master("local[2,4]")
              .appName("snakebridge-spark-it")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config(SnakeBridgeSpark.PYTHON, python)
              // Longer than any wait of the tests, so that only a cancel can stop a call early.
              .config(SnakeBridgeSpark.TIMEOUT_SECONDS, "900")
              .getOrCreate();
      session
          .sparkContext()
          .addFile(Path.of("src/test/python/sparkfns.py").toAbsolutePath().toString());
    }
    return session;
  }

  /** A folder of this test run for marker files. */
  static Path workDir(String name) throws java.io.IOException {
    Path base = Path.of(System.getProperty("snakebridge.test.workDir", "target/it"));
    Files.createDirectories(base);
    return Files.createTempDirectory(base.toAbsolutePath(), name);
  }
}
