package io.snakebridge.arrow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.ArrowFrames;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** A worker without pyarrow: the error names the package to add. */
class WithoutPyarrowIT {
  @Test
  void bothWaysNameThePackageToAdd() {
    try (SnakeBridgeRuntime python = ArrowPython.plain().build();
        BufferAllocator allocator = new RootAllocator()) {
      assumeTrue(python.call("importlib.util", "find_spec", "pyarrow") == null,
          "the plain interpreter has pyarrow");
      PyRef object = python.callClass("collections", "OrderedDict");
      PythonException fetch = assertThrows(PythonException.class,
          () -> ArrowFrames.fetch(object, allocator));
      assertNamesPyarrow(fetch);

      try (IntVector id = new IntVector("id", allocator)) {
        id.allocateNew(1);
        id.set(0, 1);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(id));
        root.setRowCount(1);
        assertNamesPyarrow(assertThrows(PythonException.class,
            () -> ArrowFrames.toPandas(python, root)));
        assertNamesPyarrow(assertThrows(PythonException.class,
            () -> ArrowFrames.toPyArrow(python, root)));
      }
    }
  }

  private static void assertNamesPyarrow(PythonException e) {
    assertEquals("builtins.ModuleNotFoundError", e.pythonType());
    assertTrue(e.pythonMessage().contains("add pyarrow"), e.getMessage());
  }
}
