package io.snakebridge.arrow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.ArrowFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ArrowFrames.fetchEach over pandas read_csv(chunksize=...) and other iterables of tables. */
class FramesStreamIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ArrowPython.withPyarrow().build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void eachCsvChunkArrivesAsARoot(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("rows.csv");
    StringBuilder text = new StringBuilder("id,name\n");
    for (int i = 0; i < 10; i++) {
      text.append(i).append(",row ").append(i).append('\n');
    }
    Files.writeString(csv, text);
    PyRef chunks =
        (PyRef) python.call("pandas", "read_csv", CallOptions.kw("chunksize", 4), csv.toString());

    List<Integer> sizes = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        Stream<VectorSchemaRoot> roots = ArrowFrames.fetchEach(chunks, allocator)) {
      roots.forEach(
          root -> {
            try (root) {
              sizes.add(root.getRowCount());
              BigIntVector id = (BigIntVector) root.getVector("id");
              for (int i = 0; i < root.getRowCount(); i++) {
                ids.add(id.get(i));
              }
              assertEquals(
                  "row " + ids.get(ids.size() - 1),
                  root.getVector("name").getObject(root.getRowCount() - 1).toString());
            }
          });
    }
    assertEquals(List.of(4, 4, 2), sizes);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), ids);
  }

  @Test
  void aFailingIterableFailsAfterTheTablesBeforeIt() {
    PyRef frames = (PyRef) python.call("sbarrow_tables", "frames_then_failure");
    try (BufferAllocator allocator = new RootAllocator();
        Stream<VectorSchemaRoot> roots = ArrowFrames.fetchEach(frames, allocator)) {
      Iterator<VectorSchemaRoot> it = roots.iterator();
      try (VectorSchemaRoot first = it.next()) {
        assertEquals(1, first.getRowCount());
      }
      PythonException e = assertThrows(PythonException.class, it::hasNext);
      assertEquals("builtins.ValueError", e.pythonType());
      assertTrue(e.pythonMessage().contains("chunk 2"), e.getMessage());
    }
  }

  @Test
  void closingEarlyClosesThePythonIterator() {
    PyRef frames = (PyRef) python.call("sbarrow_tables", "endless_frames");
    try (BufferAllocator allocator = new RootAllocator()) {
      try (Stream<VectorSchemaRoot> roots = ArrowFrames.fetchEach(frames, allocator)) {
        roots.limit(2).forEach(VectorSchemaRoot::close);
      }
      assertEquals(Boolean.TRUE, python.call("sbarrow_tables", "endless_closed"));
    }
  }
}
