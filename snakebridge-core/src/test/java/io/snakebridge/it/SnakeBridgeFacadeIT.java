package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.snakebridge.CallOptions;
import io.snakebridge.PyStream;
import io.snakebridge.SnakeBridge;
import io.snakebridge.StreamRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The static facade over the default runtime. That runtime lives until JVM exit (its shutdown hook
 * is tested in {@link LifecycleIT}), so this class has no leak check.
 */
class SnakeBridgeFacadeIT {
  @BeforeAll
  static void configure() {
    if (System.getenv(SnakeBridge.PYTHON_ENV) == null) {
      System.setProperty(SnakeBridge.PYTHON_PROPERTY, ItEnvironment.python());
    }
    System.setProperty("snakebridge.cacheDir", ItEnvironment.cacheDir().toString());
  }

  @Test
  void staticCallsUseOneSharedRuntime() throws Exception {
    assertEquals(4.0, SnakeBridge.call("math", "sqrt", 16));
    assertEquals(
        2.67,
        SnakeBridge.call(
            "builtins", "round", List.of(2.675), CallOptions.defaults().kwarg("ndigits", 2)));
    assertEquals(
        2.67,
        SnakeBridge.callDynamic(
            "builtins", "round", List.of(2.675), CallOptions.defaults().kwarg("ndigits", 2)));
    assertEquals(Math.PI, SnakeBridge.getModuleAttr("math", "pi"));
    assertEquals("a/b", SnakeBridge.callAsync("os.path", "join", "a", "b").get());
    assertEquals(
        "a/b",
        SnakeBridge.callAsync("os", "path.join", List.of("a", "b"), CallOptions.defaults()).get());
    assertEquals(
        8.0,
        SnakeBridge.callDynamicAsync("math", "pow", List.of(2, 3), CallOptions.defaults()).get());
    assertEquals(Math.E, SnakeBridge.getModuleAttrAsync("math", "e").get());
    assertSame(SnakeBridge.runtime(), SnakeBridge.runtime());
    assertEquals("default", SnakeBridge.runtime().name());
    assertEquals(SnakeBridge.runtime().pythonInfo(), SnakeBridge.pythonInfo());
  }

  @Test
  void staticStreamsUseTheSharedRuntime() {
    List<Object> items = new ArrayList<>();
    SnakeBridge.stream("builtins", "range", List.of(3), CallOptions.defaults(), items::add);
    SnakeBridge.streamDynamic("builtins", "range", List.of(2), CallOptions.defaults(), items::add);
    assertEquals(List.of(0L, 1L, 2L, 0L, 1L), items);
    StreamRef letters = (StreamRef) SnakeBridge.call("builtins", "iter", "ab");
    assertEquals(OptionalLong.of(2), SnakeBridge.streamLen(letters));
    assertEquals(Optional.of("a"), SnakeBridge.streamNext(letters));
    try (PyStream rest = SnakeBridge.openStream(letters)) {
      assertEquals("b", rest.next());
    }
    SnakeBridge.closeStream(letters);
    try (PyStream range =
        SnakeBridge.openStream("builtins", "range", List.of(2), CallOptions.defaults())) {
      assertEquals(List.of(0L, 1L), range.stream().toList());
    }
  }
}
