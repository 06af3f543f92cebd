package io.snakebridge.it;

import static io.snakebridge.CallOptions.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridge;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The facade's options-first overloads read arguments as the runtime's do. The default runtime
 * lives until JVM exit, so this class has no leak check (as {@link SnakeBridgeFacadeIT}).
 */
class SnakeBridgeFacadeShapesIT {
  @BeforeAll
  static void configure() {
    if (System.getenv(SnakeBridge.PYTHON_ENV) == null) {
      System.setProperty(SnakeBridge.PYTHON_PROPERTY, ItEnvironment.python());
    }
    System.setProperty("snakebridge.cacheDir", ItEnvironment.cacheDir().toString());
  }

  @Test
  void optionsFirstFormsOnTheFacade() {
    assertEquals(List.of(1L, 2L, 3L), SnakeBridge.call("builtins", "list", List.of(1, 2, 3)));
    assertEquals(
        List.of(3L, 2L, 1L),
        SnakeBridge.call("builtins", "sorted", kw("reverse", true), List.of(2, 3, 1)));
    assertEquals(2.67, SnakeBridge.call("builtins", "round", kw("ndigits", 2), 2.675));
    assertEquals(Math.PI, SnakeBridge.getModuleAttr("math", "pi", CallOptions.defaults()));

    PyRef counter = SnakeBridge.callClass("collections", "Counter", "abca");
    assertEquals(2L, counter.getItem("a"));
    PyRef ordered = SnakeBridge.callClass("collections", "OrderedDict", kw("x", 1));
    assertEquals(Map.of("x", 1L), SnakeBridge.call("builtins", "dict", ordered));
    assertEquals(
        List.of(List.of("a", 2L)),
        SnakeBridge.callMethod(counter, "most_common", CallOptions.defaults(), 1));
    assertEquals(List.of(List.of("a", 2L)), counter.callMethod("most_common", kw("n", 1)));
  }
}
