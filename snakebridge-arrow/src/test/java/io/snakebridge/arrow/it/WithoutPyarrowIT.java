package io.snakebridge.arrow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.ArrowFrames;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker without pyarrow (nor numpy: a fresh venv of the plain interpreter): the error names the
 * package to add, also after the stream to Python was sent again as bytes.
 */
class WithoutPyarrowIT {
  @Test
  void bothWaysNameThePackageToAdd(@TempDir Path dir) throws Exception {
    Path venv = dir.resolve("bare");
    Process made =
        new ProcessBuilder(
                System.getProperty("snakebridge.test.python", "python3"),
                "-m",
                "venv",
                "--without-pip",
                venv.toString())
            .inheritIO()
            .start();
    assertTrue(made.waitFor(120, TimeUnit.SECONDS) && made.exitValue() == 0, "venv made");
    try (SnakeBridgeRuntime python =
            SnakeBridgeRuntime.builder()
                .python(venv.resolve("bin").resolve("python").toString())
                .build();
        BufferAllocator allocator = new RootAllocator()) {
      assertNull(python.call("importlib.util", "find_spec", "numpy"));
      assertNull(python.call("importlib.util", "find_spec", "pyarrow"));
      PyRef object = python.callClass("collections", "OrderedDict");
      PythonException fetch =
          assertThrows(PythonException.class, () -> ArrowFrames.fetch(object, allocator));
      assertNamesPyarrow(fetch);

      try (IntVector id = new IntVector("id", allocator)) {
        id.allocateNew(1);
        id.set(0, 1);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(id));
        root.setRowCount(1);
        assertNamesPyarrow(
            assertThrows(PythonException.class, () -> ArrowFrames.toPandas(python, root)));
        assertNamesPyarrow(
            assertThrows(PythonException.class, () -> ArrowFrames.toPyArrow(python, root)));
      }
    }
  }

  private static void assertNamesPyarrow(PythonException e) {
    assertEquals("builtins.ModuleNotFoundError", e.pythonType());
    assertTrue(e.pythonMessage().contains("add pyarrow"), e.getMessage());
  }
}
