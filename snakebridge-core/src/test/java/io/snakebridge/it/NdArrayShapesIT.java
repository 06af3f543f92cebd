package io.snakebridge.it;

import static io.snakebridge.CallOptions.kw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.ConversionException;
import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Arrays without ceremony, against numpy: Java arrays in, primitive arrays out. */
@ExtendWith(NoLeakedWorkers.class)
class NdArrayShapesIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    Optional<Path> numpyPython = ItEnvironment.numpyPython();
    assumeTrue(numpyPython.isPresent(), "no Python with numpy (snakebridge.test.numpyPython)");
    python =
        ItEnvironment.runtime("ndarray-shapes")
            .python(numpyPython.get().toString())
            .poolSize(1)
            .build();
  }

  @AfterAll
  static void stop() {
    if (python != null) {
      python.close();
    }
  }

  @Test
  void javaArraysArriveWithTheirShape() {
    NdArray vector = NdArray.of(new double[] {1, 2, 3});
    PyRef shapeOf = (PyRef) python.call("operator", "attrgetter", "shape");
    assertEquals(List.of(3L), shapeOf.call(vector));
    NdArray matrix = NdArray.of(new long[][] {{1, 2, 3}, {4, 5, 6}});
    assertEquals(
        List.of(5L, 7L, 9L),
        python.call("builtins", "list", python.call("numpy", "sum", kw("axis", 0), matrix)));
    NdArray transposed = (NdArray) python.call("numpy", "transpose", matrix);
    assertArrayEquals(new long[] {3, 2}, transposed.shape());
    assertArrayEquals(new long[] {1, 4, 2, 5, 3, 6}, transposed.asLongArray());
  }

  @Test
  void optionsNeverTurnAListIntoSeveralArguments() {
    NdArray floats =
        (NdArray) python.call("numpy", "array", kw("dtype", "float32"), List.of(1, 2, 3));
    NdArray plain = (NdArray) python.call("numpy", "array", List.of(1, 2, 3));
    assertEquals("float32", floats.dtype());
    assertArrayEquals(new long[] {3}, floats.shape());
    assertArrayEquals(plain.shape(), floats.shape());
    assertArrayEquals(new double[] {1, 2, 3}, floats.asDoubleArray());
  }

  @Test
  void resultsConvertToPlainJavaArrays() {
    NdArray predictions = (NdArray) python.call("numpy", "linspace", 0.0, 1.0, 5);
    assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, predictions.asDoubleArray());
    NdArray counts = (NdArray) python.call("numpy", "arange", kw("dtype", "uint8"), 3);
    assertArrayEquals(new double[] {0, 1, 2}, counts.asDoubleArray());
    assertArrayEquals(new long[] {0, 1, 2}, counts.asLongArray());
    NdArray whole = (NdArray) python.call("numpy", "array", List.of(1.0, -2.0));
    assertArrayEquals(new long[] {1, -2}, whole.asLongArray());
    NdArray halves = (NdArray) python.call("numpy", "array", List.of(1.0, 2.5));
    ConversionException lossy = assertThrows(ConversionException.class, halves::asLongArray);
    assertEquals("[1]", lossy.path());

    NdArray grid = (NdArray) python.call("numpy", "eye", kw("dtype", "int32"), 2);
    assertArrayEquals(new double[][] {{1, 0}, {0, 1}}, grid.toDoubleMatrix());
    assertArrayEquals(
        new double[][] {{1, 2}, {3, 4}},
        ((NdArray) python.call("numpy", "array", NdArray.of(new double[][] {{1, 2}, {3, 4}})))
            .toDoubleMatrix());
    assertThrows(IllegalStateException.class, predictions::toDoubleMatrix);
  }
}
