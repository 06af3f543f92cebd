package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paths through {@link Main} that never start Python. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... argv) {
    return Main.run(
        List.of(argv),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpDocumentsCommandsAndOutputRules() {
    assertEquals(0, run("--help"));
    assertTrue(out().startsWith("usage: snakebridge call <module> <function>"), out());
    assertTrue(out().contains("What Python's print(result) shows"), out());
    assertTrue(out().contains("\"NaN\", \"Infinity\", \"-Infinity\""), out());
    assertEquals("", err());
  }

  @Test
  void versionComesFromTheBuild() {
    assertEquals(0, run("--version"));
    assertTrue(out().matches("snakebridge \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), out());
  }

  @Test
  void usageErrorsExitWithTwoAndShowTheUsageLine() {
    assertEquals(2, run("call", "math"));
    assertEquals("", out());
    assertTrue(
        err()
            .startsWith(
                "snakebridge: call needs <module> <function> [args...]\nusage: snakebridge call"),
        err());
    assertTrue(err().endsWith("Run 'snakebridge --help' for more.\n"), err());
  }

  @Test
  void noArgumentsIsAUsageError() {
    assertEquals(2, run());
    assertTrue(err().startsWith("snakebridge: no command given\n"), err());
  }
}
