package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.StreamRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams of numpy arrays and of pandas chunks, with the virtual environments the build makes
 * (skipped without them, like {@link NumpyIT} and {@link ScienceIT}).
 */
@ExtendWith(NoLeakedWorkers.class)
class StreamScienceIT {
  private static SnakeBridgeRuntime runtime(String name, Optional<Path> python) {
    assumeTrue(python.isPresent(), "no Python for " + name);
    return ItEnvironment.runtime(name).python(python.get().toString()).poolSize(1).build();
  }

  @Test
  void numpyArraysAreItemsOnThePushedAndThePerItemPaths() {
    try (SnakeBridgeRuntime python = runtime("stream-numpy", ItEnvironment.numpyPython())) {
      List<Object> pushed = new ArrayList<>();
      python.stream("sbtest_streams", "arrays", List.of(3), CallOptions.defaults(), pushed::add);
      List<Object> perItem = new ArrayList<>();
      python.streamDynamic(
          "sbtest_streams", "arrays", List.of(3), CallOptions.defaults(), perItem::add);
      List<Object> pulled = new ArrayList<>();
      StreamRef ref = (StreamRef) python.call("sbtest_streams", "arrays", 3);
      for (Optional<Object> next = python.streamNext(ref);
          next.isPresent();
          next = python.streamNext(ref)) {
        pulled.add(next.get());
      }
      python.closeStream(ref);
      for (List<Object> items : List.of(pushed, perItem, pulled)) {
        assertEquals(3, items.size());
        for (int i = 0; i < 3; i++) {
          NdArray array = assertInstanceOf(NdArray.class, items.get(i));
          assertEquals("float64", array.dtype());
          assertArrayEquals(new long[] {4}, array.shape());
          assertArrayEquals(new double[] {0, i, 2 * i, 3 * i}, (double[]) array.data());
        }
      }
    }
  }

  @Test
  void aCsvIsStreamedChunkByChunkAndEachChunkIsUsedWhileTheStreamIsOpen() {
    try (SnakeBridgeRuntime python = runtime("stream-pandas", ItEnvironment.sciencePython())) {
      String path =
          (String)
              python.call(
                  "sbtest_streams",
                  "write_csv",
                  ItEnvironment.workDir().resolve("stream-chunks.csv").toString(),
                  1000);
      List<Map<?, ?>> sums = new ArrayList<>();
      List<String> types = new ArrayList<>();
      python.stream(
          "pandas",
          "read_csv",
          List.of(path),
          CallOptions.defaults().kwarg("chunksize", 100),
          chunk -> {
            PyRef frame = (PyRef) chunk;
            types.add(frame.typeName());
            PyRef sum = (PyRef) python.callMethod(frame, "sum");
            sums.add((Map<?, ?>) python.callMethod(sum, "to_dict"));
            python.releaseRef(sum);
            python.releaseRef(frame);
          });
      assertEquals(10, sums.size(), "1000 rows in chunks of 100");
      assertTrue(types.get(0).endsWith("DataFrame"), types.get(0));
      long totalA = 0;
      long totalB = 0;
      for (Map<?, ?> sum : sums) {
        totalA += (Long) sum.get("a");
        totalB += (Long) sum.get("b");
      }
      assertEquals(999L * 1000 / 2, totalA);
      assertEquals(999L * 1000, totalB);
      assertEquals(4950L, sums.get(0).get("a"), "the first chunk is rows 0-99");
    }
  }
}
