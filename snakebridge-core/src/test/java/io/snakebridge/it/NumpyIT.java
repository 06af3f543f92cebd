package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.PyTuple;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** numpy arrays and scalars, with the virtual environment the build makes. */
@ExtendWith(NoLeakedWorkers.class)
class NumpyIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    Optional<Path> numpyPython = ItEnvironment.numpyPython();
    assumeTrue(numpyPython.isPresent(), "no Python with numpy (snakebridge.test.numpyPython)");
    python =
        ItEnvironment.runtime("numpy").python(numpyPython.get().toString()).poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    if (python != null) {
      python.close();
    }
  }

  private static NdArray echo(NdArray array) {
    return (NdArray) python.call("sbtest_helpers", "echo", array);
  }

  @Test
  void arraysOfEveryDtypeCrossBothWays() {
    List<NdArray> arrays =
        List.of(
            NdArray.of(new double[] {1.5, -2, Double.NaN, 4, 5, 6}, 2, 3),
            NdArray.of(new float[] {1.5f, 2.5f}, 2),
            NdArray.of(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3),
            NdArray.of("uint64", new long[] {-1L}, 1),
            NdArray.of(new int[] {1, 2, 3, 4}, 2, 2),
            NdArray.of("uint32", new int[] {-1}, 1),
            NdArray.of(new short[] {-5, 5}, 2),
            NdArray.of("uint16", new short[] {-1}, 1),
            NdArray.of(new byte[] {-128, 127}, 2),
            NdArray.of("uint8", new byte[] {0, -1}, 2),
            NdArray.of(new boolean[] {true, false, true}, 3),
            NdArray.of(new double[] {42}, new long[0]),
            NdArray.of(new double[0], 0, 4));
    for (NdArray array : arrays) {
      assertEquals(array, echo(array), array.dtype());
      List<?> info = (List<?>) python.call("sbtest_helpers", "array_info", array);
      assertEquals(array.dtype(), info.get(0));
      assertEquals(true, info.get(2), "arrives C-contiguous");
    }
  }

  @Test
  void numpyComputesOnJavaArrays() {
    NdArray matrix = NdArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    NdArray reshaped =
        (NdArray)
            python.call(
                "numpy", "reshape", List.of(matrix, PyTuple.of(3, 2)), CallOptions.defaults());
    assertArrayEquals(new long[] {3, 2}, reshaped.shape());
    assertEquals(21.0, python.call("numpy", "sum", matrix));
    double[] big = new double[1_000_000];
    java.util.Arrays.fill(big, 0.5);
    assertEquals(500_000.0, python.call("numpy", "sum", NdArray.of(big, big.length)));
    NdArray range = (NdArray) python.call("numpy", "arange", 1_000_000L);
    assertEquals(1_000_000, ((long[]) range.data()).length);
  }

  @Test
  void largeArraysOfChangingSizesArriveWholeOneAfterAnother() {
    int[] lengths = {400_000, 140_000, 300_000, 650_000}; // 3.2, 1.1, 2.4 and 5.2 MB
    for (int n = 0; n < lengths.length; n++) {
      double[] data = new double[lengths[n]];
      for (int i = 0; i < data.length; i++) {
        data[i] = i * 0.5 + n;
      }
      NdArray array = NdArray.of(data, data.length);
      assertEquals(array, echo(array), "array " + n + " of " + lengths[n] + " elements");
    }
  }

  @Test
  void anArrayPythonKeepsIsNeverReadOverByLaterCalls() {
    // The worker reads a large request into the memory of an earlier one once that call has
    // ended, but never while Python still holds a view of it: here a module list (`keep`, whose
    // request is exactly as large as echo's, so the body would be reused as it is) and a deque
    // behind a reference (larger than the echoes after it, so the body would be cut down).
    NdArray first = filled(300_000, 1.0);
    NdArray second = filled(300_000, 5.0);
    python.call("sbtest_helpers", "keep", first);
    PyRef deque =
        python.callClass("collections", "deque", List.of(List.of(second)), CallOptions.defaults());
    for (NdArray array :
        List.of(filled(300_000, 2.0), filled(290_000, 3.0), filled(300_000, 4.0))) {
      assertEquals(array, echo(array));
    }
    assertEquals(second, python.callMethod(deque, "pop"), "the deque's array kept its data");
    assertEquals(first, python.call("sbtest_helpers", "take"), "the kept array kept its data");
  }

  private static NdArray filled(int length, double value) {
    double[] data = new double[length];
    java.util.Arrays.fill(data, value);
    return NdArray.of(data, length);
  }

  @Test
  void nonContiguousArraysArriveInCOrder() {
    NdArray transposed = (NdArray) python.call("sbtest_helpers", "transposed");
    assertArrayEquals(new long[] {3, 2}, transposed.shape());
    assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, (long[]) transposed.data());
  }

  @Test
  void scalarsBecomeBoxedJavaValues() {
    assertEquals(1.5, python.call("numpy", "float32", 1.5));
    assertEquals(7L, python.call("numpy", "int64", 7));
    assertEquals(true, python.call("numpy", "bool_", true));
  }
}
