package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerCrashedException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code PoolOptions.workerMemoryLimit}: a call that allocates past the limit, or whose request
 * does not fit under it, fails with Python's MemoryError and the same worker serves on; a capped
 * worker that dies anyway is reported with its limit.
 */
@ExtendWith(NoLeakedWorkers.class)
@EnabledOnOs(OS.LINUX) // where RLIMIT_DATA is enforced
class MemoryLimitIT {
  private static final long LIMIT = 128L << 20;
  private static final CallOptions CAPPED = CallOptions.defaults().pool("capped");

  private static SnakeBridgeRuntime runtime(String name) throws IOException {
    return ItEnvironment.runtime(name)
        .poolSize(1)
        .pool(
            "capped",
            ItEnvironment.pool()
                .pythonPath(ItEnvironment.helpers(), UserForksIT.modules())
                .size(1)
                .workerMemoryLimit(LIMIT)
                .build())
        .pool(
            "plain",
            ItEnvironment.pool()
                .pythonPath(ItEnvironment.helpers(), UserForksIT.modules())
                .size(1)
                .build())
        .build();
  }

  @Test
  void aCallPastTheLimitGetsMemoryErrorAndTheWorkerServesOn() throws IOException {
    try (SnakeBridgeRuntime python = runtime("memory-limit")) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            Object worker = python.call("os", "getpid", List.of(), CAPPED);
            assertEquals(64L, python.call("sbtest_process", "allocate", List.of(64), CAPPED));
            for (int i = 0; i < 3; i++) {
              PythonException e =
                  assertThrows(
                      PythonException.class,
                      () -> python.call("sbtest_process", "allocate", List.of(512), CAPPED));
              assertEquals("builtins.MemoryError", e.pythonType());
              assertEquals(64L, python.call("sbtest_process", "allocate", List.of(64), CAPPED));
            }
            assertEquals(
                worker,
                python.call("os", "getpid", List.of(), CAPPED),
                "the same worker served every call");
            assertEquals(LIMIT, python.call("sbtest_process", "data_limit", List.of(), CAPPED));
            assertEquals(
                -1L,
                python.call(
                    "sbtest_process",
                    "data_limit",
                    List.of(),
                    CallOptions.defaults().pool("plain")),
                "other pools have no limit");
          });
    }
  }

  @Test
  void aRequestTooLargeToReadUnderTheLimitGetsMemoryErrorToo() throws IOException {
    try (SnakeBridgeRuntime python = runtime("memory-limit-request")) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            Object worker = python.call("os", "getpid", List.of(), CAPPED);
            byte[] large = new byte[(int) LIMIT + (32 << 20)];
            PythonException e =
                assertThrows(
                    PythonException.class,
                    () -> python.call("builtins", "len", List.of(large), CAPPED));
            assertEquals("builtins.MemoryError", e.pythonType());
            assertEquals(
                8L << 20, python.call("builtins", "len", List.of(new byte[8 << 20]), CAPPED));
            assertEquals(worker, python.call("os", "getpid", List.of(), CAPPED));
          });
    }
  }

  @Test
  void aCrashOfACappedWorkerNamesTheLimit() throws IOException {
    try (SnakeBridgeRuntime python = runtime("memory-limit-crash")) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            // As a C library that aborts when an allocation fails would.
            WorkerCrashedException e =
                assertThrows(
                    WorkerCrashedException.class,
                    () -> python.call("os", "abort", List.of(), CAPPED));
            assertTrue(
                e.getMessage().contains("workerMemoryLimit " + LIMIT + " bytes"), e.getMessage());
            assertEquals(
                4.0, python.call("math", "sqrt", List.of(16), CAPPED), "a replacement serves");
          });
    }
  }
}
