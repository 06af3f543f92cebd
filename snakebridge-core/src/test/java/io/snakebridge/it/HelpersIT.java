package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The user's own Python modules, called by name (inventory §10 row 55). */
@ExtendWith(NoLeakedWorkers.class)
class HelpersIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.runtime("helpers")
            .poolSize(1)
            .helperPaths(ItEnvironment.helperFolder())
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void helpersInTheHelperFolderAreCallable() {
    assertEquals(
        "hello-big-world",
        python.callHelper("sbhelp_text.slug", List.of("Hello  Big World"), CallOptions.defaults()));
    assertEquals(
        "a_b",
        python.callHelper(
            "sbhelp_text.slug", List.of("A B"), CallOptions.defaults().kwarg("sep", "_")));
    assertEquals(
        3L,
        python
            .callHelperAsync(
                "sbhelp_text.word_count", List.of("one two three"), CallOptions.defaults())
            .join());
  }

  @Test
  void anUnknownHelperIsAClearError() {
    for (String name : List.of("sbhelp_text.nope", "no_such_module.fn", "sbtest_helpers.echo")) {
      PythonException e =
          assertThrows(
              PythonException.class,
              () -> python.callHelper(name, List.of(), CallOptions.defaults()),
              name);
      assertEquals("snakebridge_worker.HelperNotFound", e.pythonType(), name);
      assertTrue(e.pythonMessage().contains(name), e.pythonMessage());
      assertTrue(
          e.pythonMessage().contains(ItEnvironment.helperFolder().toString()), e.pythonMessage());
    }
  }
}
