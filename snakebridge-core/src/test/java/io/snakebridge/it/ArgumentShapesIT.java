package io.snakebridge.it;

import static io.snakebridge.CallOptions.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one overload rule, against a real worker: a trailing {@code Object...} is always the
 * positional arguments and options never change how they are read. Each call below also pins which
 * overload javac picks for that shape: {@code sbtest_objects.arguments} answers {@code [args,
 * kwargs]} as Python received them.
 */
@ExtendWith(NoLeakedWorkers.class)
class ArgumentShapesIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.runtime("shapes")
            .poolSize(1)
            .helperPaths(ItEnvironment.helperFolder())
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static List<Object> received(List<?> args, Map<String, ?> kwargs) {
    return List.of(args, kwargs);
  }

  @Test
  void addingOptionsNeverChangesHowThePositionalArgumentsAreRead() {
    List<Integer> list = List.of(1, 2, 3);
    List<Long> asPython = List.of(1L, 2L, 3L);
    assertEquals(
        received(List.of(asPython), Map.of()), python.call("sbtest_objects", "arguments", list));
    assertEquals(
        received(List.of(asPython), Map.of("dtype", "float32")),
        python.call("sbtest_objects", "arguments", kw("dtype", "float32"), list));
    assertEquals(
        received(List.of(asPython, 4L), Map.of("a", 1L, "b", 2L)),
        python.call("sbtest_objects", "arguments", kw("a", 1).kwarg("b", 2), list, 4));
  }

  @Test
  void theEdgeShapesResolveAsWritten() {
    assertEquals(received(List.of(), Map.of()), python.call("sbtest_objects", "arguments"));
    assertEquals(
        received(Arrays.asList((Object) null), Map.of()),
        python.call("sbtest_objects", "arguments", (Object) null));
    // Options alone are options, never a positional argument (they have no Python value).
    assertEquals(
        received(List.of(), Map.of()),
        python.call("sbtest_objects", "arguments", CallOptions.defaults()));
    assertEquals(
        received(List.of(), Map.of("k", "v")),
        python.call("sbtest_objects", "arguments", kw("k", "v")));
    Object[] spread = {1, "two"};
    assertEquals(
        received(List.of(1L, "two"), Map.of()), python.call("sbtest_objects", "arguments", spread));
    assertEquals(
        received(List.of(1L, "two"), Map.of("k", true)),
        python.call("sbtest_objects", "arguments", kw("k", true), spread));
  }

  @Test
  @SuppressWarnings("deprecation")
  void theDeprecatedListFormsStillReadTheListAsTheArgumentList() {
    assertEquals(
        received(List.of(1L, 2L), Map.of("k", 1L)),
        python.call("sbtest_objects", "arguments", List.of(1, 2), kw("k", 1)));
    assertEquals(
        received(List.of(List.of(1L, 2L)), Map.of()),
        python.call("sbtest_objects", "arguments", List.of(List.of(1, 2)), CallOptions.defaults()));
  }

  @Test
  void callClassAndCallHelperFollowTheSameRule() {
    PyRef shelf = python.callClass("sbtest_objects", "Shelf", List.of(1, 2));
    assertEquals(List.of(List.of(1L, 2L)), shelf.getAttr("items"));
    PyRef labelled = python.callClass("sbtest_objects", "Shelf", kw("label", "top"), 5, 6);
    assertEquals(List.of(5L, 6L), labelled.getAttr("items"));
    assertEquals("top", labelled.getAttr("label"));
    PyRef empty = python.callClass("sbtest_objects", "Shelf");
    assertEquals(List.of(), empty.getAttr("items"));

    assertEquals("a-b", python.callHelper("sbhelp_text.slug", "A B"));
    assertEquals("a_b", python.callHelper("sbhelp_text.slug", kw("sep", "_"), "A B"));
    PyRef method = (PyRef) python.getAttr(shelf, "__len__");
    assertEquals(1L, python.callMethod(shelf, "__len__", CallOptions.defaults()));
    assertEquals(1L, method.call());
  }

  @Test
  void getModuleAttrTakesOptionsButNoKeywordArguments() {
    assertEquals(
        Math.PI,
        python.getModuleAttr("math", "pi", CallOptions.defaults().timeout(Duration.ofMinutes(1))));
    IllegalArgumentException kwargs =
        assertThrows(
            IllegalArgumentException.class, () -> python.getModuleAttr("math", "pi", kw("x", 1)));
    assertTrue(kwargs.getMessage().contains("no keyword arguments"), kwargs.getMessage());
  }
}
