package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A process forked by user code never speaks for its worker: whether the child comes back into the
 * worker's loop at once or seconds later, the worker answers every call once and correctly, and is
 * not replaced.
 */
@ExtendWith(NoLeakedWorkers.class)
@DisabledOnOs(OS.WINDOWS) // no os.fork
class UserForksIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() throws IOException {
    python =
        ItEnvironment.runtime("forks")
            .pythonPath(ItEnvironment.helpers(), modules())
            .poolSize(1)
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  /** A folder holding sbtest_process.py (copied from test resources). */
  static Path modules() throws IOException {
    Path dir = Files.createDirectories(ItEnvironment.workDir().resolve("process-python"));
    try (InputStream in = UserForksIT.class.getResourceAsStream("/it-python/sbtest_process.py")) {
      Files.copy(in, dir.resolve("sbtest_process.py"), StandardCopyOption.REPLACE_EXISTING);
    }
    return dir;
  }

  @Test
  void aChildThatReturnsAtOnce() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Object worker = python.call("os", "getpid");
          long child = (Long) python.call("os", "fork"); // the child returns 0 into the loop
          assertServes();
          assertEquals(0L, python.call("sbtest_process", "exit_status", child));
          assertServes();
          assertEquals(worker, python.call("os", "getpid"), "the same worker serves on");
        });
  }

  @Test
  void aChildThatReturnsSecondsLater() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Object worker = python.call("os", "getpid");
          long child = (Long) python.call("sbtest_process", "fork_returning_after", 2.0);
          assertServes(); // while the child is still away
          assertEquals(0L, python.call("sbtest_process", "exit_status", child));
          assertServes();
          assertEquals(worker, python.call("os", "getpid"), "the same worker serves on");
        });
  }

  private static void assertServes() {
    for (int i = 0; i < 50; i++) {
      assertEquals(
          List.of((long) i, "x" + i), python.call("builtins", "list", List.of((long) i, "x" + i)));
    }
  }
}
