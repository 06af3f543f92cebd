package io.snakebridge.spark;

import io.snakebridge.spark.internal.ArrowSchemas;
import io.snakebridge.spark.internal.BatchMapper;
import io.snakebridge.spark.internal.ScalarUdf;
import io.snakebridge.spark.internal.SparkSettings;
import java.util.Objects;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Runs Python functions over the partitions of a Spark {@link Dataset}, the way PySpark's {@code
 * mapInPandas} does, from a Java Spark job.
 *
 * <pre>{@code
 * StructType scored = new StructType()
 *     .add("id", DataTypes.LongType)
 *     .add("score", DataTypes.DoubleType);
 * Dataset<Row> result = SnakeBridgeSpark.mapBatches(customers, "scoring", "score", scored);
 * }</pre>
 *
 * <p>Each executor JVM keeps one pool of Python workers, started by its first task and stopped when
 * the executor stops; its settings come from the Spark configuration, keys {@code
 * spark.snakebridge.*} (see the constants). A batch travels as Arrow: the function receives a
 * pandas {@code DataFrame} and returns one with exactly the output schema's columns; the workers'
 * Python needs pandas and pyarrow.
 *
 * <p>Failures are task failures: a Python exception fails the task with the Python traceback in its
 * message; a worker that dies fails the task attempt, which Spark retries on a fresh worker; a
 * cancelled job cancels its running Python calls.
 *
 * <p>Thread-safe; static methods only.
 *
 * @since 0.3
 */
public final class SnakeBridgeSpark {
  /** The workers' Python interpreter (a path or a command); default the core's resolution. */
  public static final String PYTHON = SparkSettings.PREFIX + "python";

  /** Python workers per executor; default the executor's cores. */
  public static final String POOL_SIZE = SparkSettings.PREFIX + "poolSize";

  /**
   * Folders, zip files or files for the workers' {@code sys.path}, separated by commas; relative
   * entries are looked up among the files shipped with the job ({@code SparkContext.addFile},
   * {@code addArchive}, {@code --files}, {@code --archives}), whose folder is always on it.
   */
  public static final String PYTHON_PATH = SparkSettings.PREFIX + "pythonPath";

  /** Rows per batch; default {@value #DEFAULT_BATCH_SIZE}, as PySpark's Arrow batches. */
  public static final String BATCH_SIZE = SparkSettings.PREFIX + "batchSize";

  /** The default of {@link #BATCH_SIZE}. */
  public static final int DEFAULT_BATCH_SIZE = SparkSettings.DEFAULT_BATCH_SIZE;

  /**
   * The managed environment's lock file ({@code snakebridge.lock}), a path or the name of a file
   * shipped with the job: each executor host finds, or else creates, the venv for it. Used when no
   * Python is set ({@link #PYTHON}, {@code SNAKEBRIDGE_PYTHON}, {@code snakebridge.python}).
   */
  public static final String LOCK_FILE = SparkSettings.PREFIX + "lockFile";

  /** The deadline of one batch's Python call in seconds; default the core's (120 s). */
  public static final String TIMEOUT_SECONDS = SparkSettings.PREFIX + "timeoutSeconds";

  private SnakeBridgeSpark() {}

  /**
   * Returns the rows that {@code module.function} makes of {@code input}'s rows, batch by batch.
   * Lazy, like every transformation: Python runs when an action runs.
   *
   * @param input the rows; its columns may be numbers, booleans, strings, binary, dates,
   *     timestamps, decimals, nulls, and arrays and structs of these
   * @param module the Python module, importable by the workers (see {@link #PYTHON_PATH})
   * @param function a function of the module taking and returning a pandas {@code DataFrame}
   * @param outputSchema the columns the function returns; a missing, extra or ill-typed column
   *     fails the task with a message naming the column and both types
   * @throws IllegalArgumentException when a column's type cannot travel as Arrow, or a setting is
   *     invalid
   */
  public static Dataset<Row> mapBatches(
      Dataset<Row> input, String module, String function, StructType outputSchema) {
    Objects.requireNonNull(input, "input");
    requireName(module, "module");
    requireName(function, "function");
    Objects.requireNonNull(outputSchema, "outputSchema");
    ArrowSchemas.check(input.schema(), "input");
    ArrowSchemas.check(outputSchema, "outputSchema");
    SparkSettings settings = settings(input.sparkSession());
    BatchMapper mapper = new BatchMapper(module, function, input.schema(), outputSchema, settings);
    // Internal rows both ways, as PySpark's mapInPandas: no row encoder, no boxed values.
    org.apache.spark.sql.classic.Dataset<Row> classic =
        (org.apache.spark.sql.classic.Dataset<Row>) input;
    RDD<InternalRow> rows =
        classic.queryExecution().toRdd().toJavaRDD().mapPartitions(mapper).rdd();
    return classic.sparkSession().internalCreateDataFrame(rows, outputSchema, false);
  }

  /**
   * Returns a UDF that calls {@code module.function(*columns)} once per row on the executor's
   * Python workers: the slow path, one round trip per row (tens of microseconds at best), for
   * simple scalar functions where batching does not pay. Prefer {@link #mapBatches} for anything
   * over many rows. The arguments are the columns' Java values (arrays as lists), and a numeric
   * result is converted to {@code returnType}'s Java class.
   *
   * <pre>{@code
   * UserDefinedFunction hypot = SnakeBridgeSpark.udf("math", "hypot", 2, DataTypes.DoubleType);
   * points.select(hypot.apply(col("x"), col("y")));
   * }</pre>
   *
   * @param arity the number of columns it takes, 1 to 4
   * @param returnType the Spark type of the result
   * @since 0.3
   */
  public static UserDefinedFunction udf(
      String module, String function, int arity, DataType returnType) {
    requireName(module, "module");
    requireName(function, "function");
    Objects.requireNonNull(returnType, "returnType");
    ScalarUdf udf = new ScalarUdf(module, function, returnType, settings(SparkSession.active()));
    return switch (arity) {
      case 1 -> functions.udf((UDF1<?, ?>) udf, returnType);
      case 2 -> functions.udf((UDF2<?, ?, ?>) udf, returnType);
      case 3 -> functions.udf((UDF3<?, ?, ?, ?>) udf, returnType);
      case 4 -> functions.udf((UDF4<?, ?, ?, ?, ?>) udf, returnType);
      default -> throw new IllegalArgumentException("arity must be 1 to 4, not " + arity);
    };
  }

  static SparkSettings settings(SparkSession session) {
    return SparkSettings.from(CollectionConverters.asJava(session.conf().getAll()));
  }

  static void requireName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
  }
}
