package io.snakebridge.arrow.it;

import static io.snakebridge.CallOptions.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.ArrowFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Arrow tables" example, as written there, on files this test makes. */
class ReadmeExampleIT {
  @Test
  void theExampleRuns(@TempDir Path dir) throws Exception {
    try (SnakeBridgeRuntime python = ArrowPython.withPyarrow().workingDirectory(dir).build()) {
      PyRef made =
          python.callClass(
              "pandas", "DataFrame", Map.of("id", List.of(1, 2, 3), "km", List.of(1.5, 2.5, 3.5)));
      made.callMethod("to_parquet", "trips.parquet");
      Files.writeString(dir.resolve("big.csv"), "id\n1\n2\n3\n");

      List<Long> firstIds = new ArrayList<>();
      List<Integer> chunkRows = new ArrayList<>();
      // From here as in the README, plus the two lines that record what it saw.
      try (BufferAllocator allocator = new RootAllocator()) {
        PyRef df = (PyRef) python.call("pandas", "read_parquet", "trips.parquet");
        try (VectorSchemaRoot trips = ArrowFrames.fetch(df, allocator)) { // the caller closes it
          BigIntVector ids = (BigIntVector) trips.getVector("id");
          PyRef back = ArrowFrames.toPandas(python, trips); // or toPyArrow
          firstIds.add(ids.get(0));
          assertEquals(List.of(3L, 2L), back.getAttr("shape"));
        }
        PyRef chunks =
            (PyRef) python.call("pandas", "read_csv", kw("chunksize", 100_000), "big.csv");
        try (Stream<VectorSchemaRoot> roots = ArrowFrames.fetchEach(chunks, allocator)) {
          roots.forEach(
              root -> {
                try (root) {
                  chunkRows.add(root.getRowCount());
                }
              });
        }
      }
      assertEquals(List.of(1L), firstIds);
      assertEquals(List.of(3), chunkRows);
    }
  }
}
