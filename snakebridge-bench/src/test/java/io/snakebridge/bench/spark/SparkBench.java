package io.snakebridge.bench.spark;

import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.spark.SnakeBridgeSpark;
import io.snakebridge.spark.internal.ArrowBatchWriter;
import io.snakebridge.spark.internal.ExecutorRuntime;
import io.snakebridge.spark.internal.SparkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark benchmark, one process, one run: {@code local[2]}, 1,000,000 cached rows of four
 * doubles.
 *
 * <ol>
 *   <li>Row sums as a new column through Python ({@code mapBatches}, batches of 10,000) next to the
 *       same job in plain Java ({@code mapPartitions} doing the sum);
 *   <li>per-batch overhead: a Python function that returns its batch unchanged, through {@code
 *       mapBatches}, next to the same Arrow batches sent with the library's plain {@code call} (no
 *       Spark) from two threads on the same two workers.
 * </ol>
 *
 * <p>Each case runs once to warm up and then {@code --runs} times (default 5), alternating; the
 * report gives the median. Run it with {@code snakebridge-bench/run-spark --python <venv python
 * with pandas and pyarrow>}.
 */
public final class SparkBench {
  static final int ROWS = 1_000_000;
  static final int BATCH = 10_000;
  static final String MODULE = "spark_bench";
  static final String PYTHON_SOURCE =
      String.join(
          "\n",
          "def row_sums(df):",
          "    return df.assign(total=df['a'] + df['b'] + df['c'] + df['d'])",
          "",
          "",
          "def identity(df):",
          "    return df",
          "");

  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    String python = null;
    int runs = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--python" -> python = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown option " + args[i] + " (options: --python exe, --runs n)");
      }
    }
    if (python == null) {
      throw new IllegalArgumentException("--python: an interpreter with pandas and pyarrow");
    }
    Path module = Files.createTempDirectory("spark-bench").resolve(MODULE + ".py");
    Files.writeString(module, PYTHON_SOURCE);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("snakebridge-spark-bench")
            .config("spark.ui.enabled", "false")
            .config(SnakeBridgeSpark.PYTHON, python)
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    spark.sparkContext().addFile(module.toString());

    Dataset<Row> input =
        spark
            .range(0, ROWS, 1, 2)
            .withColumn("a", functions.col("id").cast("double"))
            .withColumn("b", functions.col("id").multiply(0.5))
            .withColumn("c", functions.lit(1.0))
            .withColumn("d", functions.col("id").mod(10).cast("double"))
            .drop("id")
            .cache();
    System.out.printf("cached %d rows of 4 doubles in 2 partitions%n", input.count());
    StructType withTotal = input.schema().add("total", DataTypes.DoubleType);

    List<Double> python1 = new ArrayList<>();
    List<Double> java1 = new ArrayList<>();
    List<Double> identity = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    List<Double> inCalls = new ArrayList<>();
    List<Double> floor = new ArrayList<>();
    org.apache.spark.sql.classic.Dataset<Row> classic =
        (org.apache.spark.sql.classic.Dataset<Row>) input;
    double expected = -1;
    long lastCallNanos = 0;
    SparkSettings settings = SparkSettings.from(CollectionConverters.asJava(spark.conf().getAll()));
    List<byte[]> batches = arrowBatches(input);
    byte[] schema;
    try (BufferAllocator allocator = new RootAllocator()) {
      schema = ArrowBatchWriter.schemaOnly(input.schema(), allocator);
    }
    for (int run = 0; run <= runs; run++) {
      long t0 = System.nanoTime();
      double p =
          SnakeBridgeSpark.mapBatches(input, MODULE, "row_sums", withTotal)
              .agg(functions.sum("total"))
              .first()
              .getDouble(0);
      long t1 = System.nanoTime();
      double j =
          input
              .mapPartitions(new JavaRowSums(), Encoders.row(withTotal))
              .agg(functions.sum("total"))
              .first()
              .getDouble(0);
      long t2 = System.nanoTime();
      long n = SnakeBridgeSpark.mapBatches(input, MODULE, "identity", input.schema()).count();
      long t3 = System.nanoTime();
      plainCalls(ExecutorRuntime.runtime(settings), batches, schema);
      long t4 = System.nanoTime();
      long f =
          classic
              .sparkSession()
              .internalCreateDataFrame(classic.queryExecution().toRdd(), input.schema(), false)
              .count();
      long t5 = System.nanoTime();
      long callNanos = ExecutorRuntime.metrics(settings).pythonNanos();
      if (p != j || n != ROWS || f != ROWS) {
        throw new AssertionError("results differ: python " + p + ", java " + j + ", rows " + n);
      }
      expected = p;
      if (run > 0) {
        python1.add(ROWS / ((t1 - t0) / 1e9));
        java1.add(ROWS / ((t2 - t1) / 1e9));
        identity.add((t3 - t2) / 1e6 / batches.size());
        plain.add((t4 - t3) / 1e6 / batches.size());
        floor.add((t5 - t4) / 1e6 / batches.size());
        inCalls.add((callNanos - lastCallNanos) / 1e6 / (2.0 * batches.size()));
      }
      lastCallNanos = callNanos;
      System.out.printf(
          Locale.ROOT,
          "run %d%s: python %.0f ms, java %.0f ms, identity %.0f ms,"
              + " plain call %.0f ms, spark pass-through %.0f ms%n",
          run,
          run == 0 ? " (warm-up)" : "",
          (t1 - t0) / 1e6,
          (t2 - t1) / 1e6,
          (t3 - t2) / 1e6,
          (t4 - t3) / 1e6,
          (t5 - t4) / 1e6);
    }
    double py = median(python1);
    double jv = median(java1);
    double id = median(identity);
    double pl = median(plain);
    System.out.printf(
        Locale.ROOT,
        "%n| Case (local[2], %,d rows x 4 doubles, median of %d)" + " | Result |%n|---|---|%n",
        ROWS,
        runs);
    System.out.printf(Locale.ROOT, "| Row sums in Python (mapBatches) | %,.0f rows/s |%n", py);
    System.out.printf(Locale.ROOT, "| Row sums in Java (mapPartitions) | %,.0f rows/s |%n", jv);
    System.out.printf(Locale.ROOT, "| Java / Python | %.2fx (target at most 3x) |%n", jv / py);
    System.out.printf(
        Locale.ROOT, "| Identity per batch of %,d rows, mapBatches | %.2f ms |%n", BATCH, id);
    System.out.printf(
        Locale.ROOT,
        "| Identity per batch, plain call, 2 threads, no Spark" + " | %.2f ms |%n",
        pl);
    System.out.printf(
        Locale.ROOT, "| Spark / plain call | %.2fx (target at most 1.5x) |%n", id / pl);
    System.out.printf(
        Locale.ROOT,
        "| Of which: one batch's Python call inside a task (both jobs'" + " average) | %.2f ms |%n",
        median(inCalls));
    System.out.printf(
        Locale.ROOT,
        "| Of which: Spark alone, same scan passed through, per batch" + " | %.2f ms |%n",
        median(floor));
    System.out.printf(Locale.ROOT, "(sum of totals %.1f)%n", expected);
    spark.stop();
  }

  /** The cached rows as the Arrow batches mapBatches would send, outside Spark. */
  private static List<byte[]> arrowBatches(Dataset<Row> input) {
    List<InternalRow> rows =
        ((org.apache.spark.sql.classic.Dataset<Row>) input)
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .map(InternalRow::copy)
            .collect();
    List<byte[]> out = new ArrayList<>();
    Iterator<InternalRow> it = rows.iterator();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowBatchWriter writer = new ArrowBatchWriter(input.schema(), allocator)) {
      while (it.hasNext()) {
        out.add(writer.write(it, BATCH));
      }
    }
    return out;
  }

  /** Sends every batch through the identity function from two threads, as two tasks would. */
  private static void plainCalls(SnakeBridgeRuntime runtime, List<byte[]> batches, byte[] schema)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int first = t;
        done.add(
            threads.submit(
                () -> {
                  for (int i = first; i < batches.size(); i += 2) {
                    runtime.call(
                        "snakebridge_spark",
                        "map_batch",
                        MODULE,
                        "identity",
                        batches.get(i),
                        schema);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The Java baseline: the same new column, summed in Java. */
  static final class JavaRowSums implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          double a = r.getDouble(0);
          double b = r.getDouble(1);
          double c = r.getDouble(2);
          double d = r.getDouble(3);
          return RowFactory.create(a, b, c, d, a + b + c + d);
        }
      };
    }
  }
}
