package io.snakebridge.arrow;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.PyStream;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.internal.ArrowIpc;
import io.snakebridge.arrow.internal.FramesModule;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Python tables (pandas and polars DataFrames, pyarrow Tables and RecordBatches) as Arrow Java
 * {@link VectorSchemaRoot}s by value, and Java roots back to pandas or pyarrow as references.
 *
 * <pre>{@code
 * try (BufferAllocator allocator = new RootAllocator()) {
 *   PyRef df = (PyRef) python.call("pandas", "read_parquet", "trips.parquet");
 *   try (VectorSchemaRoot trips = ArrowFrames.fetch(df, allocator)) {
 *     BigIntVector ids = (BigIntVector) trips.getVector("id");
 *     ...
 *     PyRef back = ArrowFrames.toPandas(python, trips);    // a new pandas DataFrame
 *   }
 * }
 * }</pre>
 *
 * <p>A table crosses as one Arrow IPC stream in a {@code bytes} value of an ordinary call, so the
 * runtime's limits apply ({@link SnakeBridgeRuntime.Builder#maxFrameBytes}). Every type pandas
 * produces round-trips, nulls included: integers of each width, floats, booleans, strings and large
 * strings, binary, timestamps with and without a zone (nanoseconds kept), dates, times, durations,
 * decimals, lists and structs. A categorical (an Arrow dictionary) arrives in Java as its plain
 * values, since a {@code VectorSchemaRoot} carries no dictionaries; its field keeps the dictionary
 * in its metadata (key {@code snakebridge.dictionary}), so {@link #toPandas} and {@link #toPyArrow}
 * make it categorical again with the same categories and order. pyarrow's pandas metadata (index,
 * column types) is kept in the schema's metadata the same way. A polars {@code string_view} or
 * {@code binary_view} column arrives as a large string or large binary vector.
 *
 * <p><b>Python side.</b> The worker's environment needs {@code pyarrow} (and pandas for pandas
 * tables); without it a call fails with a {@link io.snakebridge.PythonException} of type {@code
 * builtins.ModuleNotFoundError} whose message names the package to add. The Python code of this
 * module ships in its jar and is sent to each worker with its first such call.
 *
 * <p><b>JVM flag.</b> Arrow's memory needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on
 * JDK 17 and later; without it these methods throw an {@link IllegalStateException} naming it.
 *
 * <p>Thread-safe: each method works on its own arguments; a {@code VectorSchemaRoot} itself is not
 * thread-safe.
 *
 * @since 0.3
 */
public final class ArrowFrames {
  private ArrowFrames() {}

  /**
   * Returns a pandas {@code DataFrame}, a pyarrow {@code Table} or {@code RecordBatch}, or a polars
   * {@code DataFrame} by value, as vectors in {@code allocator}; the caller closes the result. The
   * call runs in the reference's session, on the worker that holds it.
   *
   * @throws io.snakebridge.PythonException of type {@code builtins.TypeError} when the object is
   *     none of those, {@code builtins.ModuleNotFoundError} when the worker lacks pyarrow
   * @throws IllegalStateException when the JVM lacks the flag Arrow needs (see above)
   */
  public static VectorSchemaRoot fetch(PyRef table, BufferAllocator allocator) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(allocator, "allocator");
    ArrowIpc.requireMemoryAccess();
    Object stream = FramesModule.call(table.runtime(), "fetch", CallOptions.defaults(), table);
    return ArrowIpc.read(ArrowIpc.streamBytes(stream), allocator);
  }

  /**
   * Returns each table that a Python iterable yields, such as a pandas {@code read_csv(...,
   * chunksize=n)} reader or a generator of DataFrames, as a {@link VectorSchemaRoot} in {@code
   * allocator}, converted in the worker as the stream is read (the streaming of {@link
   * SnakeBridgeRuntime#openStream(String, String, java.util.List, CallOptions)}), in the
   * reference's session. The caller closes each root, and closes the returned stream when it does
   * not read it to its end; either end closes the Python iterable where it has a {@code close()}
   * method (a {@code read_csv} reader's file, a generator's {@code finally}).
   *
   * <pre>{@code
   * PyRef chunks = (PyRef) python.call("pandas", "read_csv",
   *     CallOptions.kw("chunksize", 100_000), "big.csv");
   * try (Stream<VectorSchemaRoot> roots = ArrowFrames.fetchEach(chunks, allocator)) {
   *   roots.forEach(root -> {
   *     try (root) {
   *       ...
   *     }
   *   });
   * }
   * }</pre>
   *
   * @throws io.snakebridge.PythonException while reading, when an item is not a table as {@link
   *     #fetch} takes, or the iterable raised
   */
  public static Stream<VectorSchemaRoot> fetchEach(PyRef tables, BufferAllocator allocator) {
    Objects.requireNonNull(tables, "tables");
    Objects.requireNonNull(allocator, "allocator");
    ArrowIpc.requireMemoryAccess();
    PyStream streams =
        FramesModule.stream(tables.runtime(), "fetch_each", CallOptions.defaults(), tables);
    return streams.stream().map(stream -> ArrowIpc.read(ArrowIpc.streamBytes(stream), allocator));
  }

  /**
   * Returns {@code table} as a new pandas {@code DataFrame} ({@code pyarrow.Table.to_pandas}), a
   * reference in the calling thread's session. Where {@code table} came from {@link #fetch} of a
   * DataFrame, the index, categoricals and dtypes come back as they were.
   *
   * @throws io.snakebridge.PythonException of type {@code builtins.ModuleNotFoundError} when the
   *     worker lacks pyarrow or pandas
   */
  public static PyRef toPandas(SnakeBridgeRuntime runtime, VectorSchemaRoot table) {
    return toPython(runtime, table, "to_pandas");
  }

  /**
   * Returns {@code table} as a new pyarrow {@code Table}, a reference in the calling thread's
   * session.
   *
   * @throws io.snakebridge.PythonException of type {@code builtins.ModuleNotFoundError} when the
   *     worker lacks pyarrow
   */
  public static PyRef toPyArrow(SnakeBridgeRuntime runtime, VectorSchemaRoot table) {
    return toPython(runtime, table, "to_pyarrow");
  }

  private static PyRef toPython(
      SnakeBridgeRuntime runtime, VectorSchemaRoot table, String function) {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(table, "table");
    byte[] stream = ArrowIpc.write(table);
    return (PyRef) FramesModule.callWithStream(runtime, function, CallOptions.defaults(), stream);
  }
}
