package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PyCallable;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Java functions Python calls (inventory §10 rows 52-54). */
@ExtendWith(NoLeakedWorkers.class)
class CallbacksIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("callbacks").poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void sortedWithAJavaKey() {
    Function<String, Integer> length = String::length;
    assertEquals(
        List.of("a", "bb", "ccc"),
        python.call(
            "builtins",
            "sorted",
            List.of(List.of("ccc", "a", "bb")),
            CallOptions.defaults().kwarg("key", length)));
    PyCallable reverse = (args, kwargs) -> -((Number) args.get(0)).longValue();
    assertEquals(
        List.of(3L, 2L, 1L),
        python.call(
            "builtins",
            "sorted",
            List.of(List.of(1, 3, 2)),
            CallOptions.defaults().kwarg("key", reverse)));
  }

  @Test
  void everyFunctionalInterfaceIsCallable() {
    BiFunction<Long, Long, Long> add = Long::sum;
    assertEquals(5L, python.call("sbtest_objects", "apply", add, 2, 3));
    Supplier<String> hello = () -> "hello";
    assertEquals("hello", python.call("sbtest_objects", "apply", hello));
    List<String> ran = new ArrayList<>();
    Runnable note = () -> ran.add("ran");
    assertEquals(null, python.call("sbtest_objects", "apply", note));
    assertEquals(List.of("ran"), ran);
    PyCallable echo = (args, kwargs) -> List.of(args, kwargs);
    assertEquals(
        List.of(List.of(1L), Map.of("k", 2L)),
        python.call(
            "sbtest_objects", "apply", List.of(echo, 1), CallOptions.defaults().kwarg("k", 2)));
  }

  @Test
  void aLazyMapCallsBackAfterTheCallThatPassedTheFunction() {
    Function<Long, Long> square = x -> x * x;
    PyRef lazy = (PyRef) python.call("builtins", "map", square, List.of(1, 2, 3));
    assertEquals("builtins.map", lazy.typeName());
    assertEquals(List.of(1L, 4L, 9L), python.call("builtins", "list", lazy));
  }

  @Test
  void aThrowingCallbackRaisesJavaErrorWhoseCauseIsTheOriginal() {
    IllegalStateException thrown = new IllegalStateException("no key for this one");
    Function<Object, Object> failing =
        value -> {
          throw thrown;
        };
    PythonException e =
        assertThrows(
            PythonException.class,
            () ->
                python.call(
                    "builtins",
                    "sorted",
                    List.of(List.of(2, 1)),
                    CallOptions.defaults().kwarg("key", failing)));
    assertEquals("snakebridge_worker.JavaError", e.pythonType());
    assertTrue(e.isInstance("builtins.Exception"));
    assertSame(thrown, e.getCause());

    Supplier<Object> failingSupplier =
        () -> {
          throw thrown;
        };
    PythonException wrapped =
        assertThrows(
            PythonException.class,
            () -> python.call("sbtest_objects", "wrap_failure", failingSupplier));
    assertEquals("builtins.ValueError", wrapped.pythonType());
    PythonException javaError = assertInstanceOf(PythonException.class, wrapped.getCause());
    assertEquals("snakebridge_worker.JavaError", javaError.pythonType());
    assertSame(thrown, javaError.getCause(), "the chain still ends in the Java exception");

    assertEquals(
        List.of("java.lang.IllegalStateException", "no key for this one"),
        python.call("sbtest_objects", "catching", failingSupplier),
        "Python may catch it");
  }

  @Test
  void aWrongNumberOfArgumentsFailsInPython() {
    Function<Object, Object> one = x -> x;
    PythonException e =
        assertThrows(
            PythonException.class, () -> python.call("sbtest_objects", "apply", one, 1, 2));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
  }

  @Test
  void aCallbackCallsPythonWhichCallsBackAgainToDepthFive() {
    long pid = (Long) python.call("sbtest_objects", "pid");
    Function<Long, Object> descend =
        new Function<>() {
          @Override
          public Object apply(Long depth) {
            if (depth == 0) {
              return List.of(python.call("sbtest_objects", "pid"), "bottom");
            }
            List<Object> below =
                new ArrayList<>((List<?>) python.call("sbtest_objects", "apply", this, depth - 1));
            below.add(depth);
            return below;
          }
        };
    assertEquals(
        List.of(pid, "bottom", 1L, 2L, 3L, 4L, 5L),
        python.call("sbtest_objects", "apply", descend, 5));
  }

  @Test
  void aCallbackCanInvokeAnotherCallback() {
    Function<Long, Long> inner = x -> x + 1;
    Function<Long, Object> outer = x -> python.call("sbtest_objects", "apply", inner, x * 10);
    assertEquals(31L, python.call("sbtest_objects", "apply", outer, 3));
  }
}
