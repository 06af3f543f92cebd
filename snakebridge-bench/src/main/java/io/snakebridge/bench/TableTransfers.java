package io.snakebridge.bench;

import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.ArrowFrames;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Rows (10a)-(10f): a 1,000,000-row pandas DataFrame (int64, two float64, a string and a bool
 * column) to Java as a {@code VectorSchemaRoot} and back to pandas through snakebridge-arrow, next
 * to what pyarrow's own conversion ({@code Table.from_pandas}, {@code Table.to_pandas}) plus one
 * {@code System.arraycopy} of the Arrow data take in the same run. Rates are of Arrow data, as
 * pyarrow counts its buffers ({@code Table.nbytes}). (10e) and (10f) move as many bytes as a bare
 * {@code uint8} array, the way the tables' IPC streams travel: the transfer's share.
 */
final class TableTransfers {
  static final String MODULE = "snakebridge_bench_tables";
  static final int ROWS = 1_000_000;
  static final double REFERENCE_FACTOR = 2.0;
  private static final int WARMUPS = 2;
  private static final int REFERENCE_RUNS = 15;

  private final Measurement measurement;
  private final Report report;

  TableTransfers(Measurement measurement, Report report) {
    this.measurement = measurement;
    this.report = report;
  }

  void measure(SnakeBridgeRuntime runtime) throws Exception {
    report.context(
        "pyarrow "
            + runtime.getModuleAttr("pyarrow", "__version__")
            + ", pandas "
            + runtime.getModuleAttr("pandas", "__version__"));
    PyRef frame = (PyRef) runtime.call(MODULE, "frame", ROWS);
    long bytes = ((Number) runtime.call(MODULE, "arrow_bytes", frame)).longValue();
    try (BufferAllocator allocator = new RootAllocator()) {
      Latencies in =
          measurement.transfers(
              "(10a) DataFrame → VectorSchemaRoot",
              WARMUPS,
              10,
              3,
              () -> ArrowFrames.fetch(frame, allocator).close());
      try (VectorSchemaRoot root = ArrowFrames.fetch(frame, allocator)) {
        Latencies out =
            measurement.transfers(
                "(10b) VectorSchemaRoot → DataFrame",
                WARMUPS,
                10,
                3,
                () -> ArrowFrames.toPandas(runtime, root).release());
        long copy = arraycopyNanos(bytes);
        long fromPandas =
            median(runtime.call(MODULE, "from_pandas_seconds", frame, REFERENCE_RUNS));
        long toPandas = median(runtime.call(MODULE, "to_pandas_seconds", frame, REFERENCE_RUNS));
        String size =
            String.format(Locale.ROOT, "%,d rows, %.1f MB of Arrow data", ROWS, bytes / 1e6);
        row(
            "10a",
            "pandas `DataFrame` → `VectorSchemaRoot` (`ArrowFrames.fetch`), " + size,
            in,
            bytes,
            fromPandas + copy,
            "10c");
        row(
            "10b",
            "`VectorSchemaRoot` → pandas `DataFrame` (`ArrowFrames.toPandas`)",
            out,
            bytes,
            toPandas + copy,
            "10d");
        NdArray blob = (NdArray) runtime.call(MODULE, "blob", bytes);
        Latencies blobIn =
            measurement.transfers(
                "(10e) the same bytes, Python → Java",
                WARMUPS,
                10,
                3,
                () -> runtime.call(MODULE, "blob", bytes));
        Latencies blobOut =
            measurement.transfers(
                "(10f) the same bytes, Java → Python",
                WARMUPS,
                10,
                3,
                () -> runtime.call("builtins", "len", blob));
        transfer(
            "10e",
            "Transfer alone for (10a): a `uint8` array of as many bytes, Python → " + "Java",
            blobIn,
            bytes);
        transfer(
            "10f",
            "Transfer alone for (10b): the same `NdArray`, Java → Python (`len`)",
            blobOut,
            bytes);
        reference(
            "10c",
            "Reference for (10a): pyarrow `Table.from_pandas` + one "
                + "`System.arraycopy` of the Arrow data",
            fromPandas,
            copy,
            bytes);
        reference(
            "10d",
            "Reference for (10b): pyarrow `Table.to_pandas` + one "
                + "`System.arraycopy` of the Arrow data",
            toPandas,
            copy,
            bytes);
      }
    }
  }

  private void row(
      String id, String what, Latencies times, long bytes, long referenceNanos, String reference) {
    long p50 = times.percentile(50);
    double megabytesPerSecond = bytes / (p50 / 1e9) / 1e6;
    double factor = (double) p50 / referenceNanos;
    report.row(
        new Report.Row(
            id,
            what,
            Report.count(times.p50Micros()),
            Report.count(times.p99Micros()),
            Report.count(megabytesPerSecond) + " MB/s",
            String.format(
                Locale.ROOT, "≥ 1,000 MB/s and ≤ %.0f× (%s)", REFERENCE_FACTOR, reference),
            Report.verdict(
                megabytesPerSecond >= Bench.ARRAY_MB_PER_SECOND && factor <= REFERENCE_FACTOR)));
    report.detail(String.format(Locale.ROOT, "(%s) / (%s): %.2f×", id, reference, factor));
  }

  private void reference(String id, String what, long pyarrowNanos, long copyNanos, long bytes) {
    long total = pyarrowNanos + copyNanos;
    report.row(
        new Report.Row(
            id,
            what,
            Report.count(total / 1e3),
            "",
            Report.count(bytes / (total / 1e9) / 1e6) + " MB/s",
            "reported",
            ""));
    report.detail(
        String.format(
            Locale.ROOT,
            "(%s) medians of %d: pyarrow %.1f ms, " + "System.arraycopy %.1f ms",
            id,
            REFERENCE_RUNS,
            pyarrowNanos / 1e6,
            copyNanos / 1e6));
  }

  private void transfer(String id, String what, Latencies times, long bytes) {
    report.row(
        new Report.Row(
            id,
            what,
            Report.count(times.p50Micros()),
            Report.count(times.p99Micros()),
            Report.count(bytes / (times.percentile(50) / 1e9) / 1e6) + " MB/s",
            "reported",
            ""));
  }

  /** The median time of one System.arraycopy of {@code bytes} bytes into an array reused. */
  private static long arraycopyNanos(long bytes) {
    byte[] from = new byte[Math.toIntExact(bytes)];
    byte[] to = new byte[from.length];
    Arrays.fill(from, (byte) 1);
    long[] times = new long[REFERENCE_RUNS];
    for (int i = -WARMUPS; i < REFERENCE_RUNS; i++) {
      long start = System.nanoTime();
      System.arraycopy(from, 0, to, 0, from.length);
      long took = System.nanoTime() - start;
      if (i >= 0) {
        times[i] = took;
      }
    }
    Arrays.sort(times);
    return times[REFERENCE_RUNS / 2];
  }

  private static long median(Object seconds) {
    List<?> list = (List<?>) seconds;
    double[] values = new double[list.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = ((Number) list.get(i)).doubleValue();
    }
    Arrays.sort(values);
    return (long) (values[values.length / 2] * 1e9);
  }
}
