package io.snakebridge.arrow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.ArrowFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Tables from several threads of a pool of two workers, each worker getting the module. */
class WorkersIT {
  @Test
  void concurrentCallsOnAPoolOfTwo() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (SnakeBridgeRuntime python = ArrowPython.withPyarrow().poolSize(2).build();
        BufferAllocator allocator = new RootAllocator()) {
      List<Future<Long>> rows = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        rows.add(
            threads.submit(
                () -> {
                  long total = 0;
                  for (int i = 0; i < 5; i++) {
                    PyRef frame = (PyRef) python.call("sbarrow_tables", "every_type", 3 + i);
                    try (BufferAllocator mine =
                            allocator.newChildAllocator("t", 0, Long.MAX_VALUE);
                        VectorSchemaRoot root = ArrowFrames.fetch(frame, mine)) {
                      PyRef back = ArrowFrames.toPyArrow(python, root);
                      total += (Long) back.getAttr("num_rows");
                    }
                  }
                  return total;
                }));
      }
      for (Future<Long> f : rows) {
        assertEquals(3 + 4 + 5 + 6 + 7, f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
