package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One deadline per call, covering the wait for a worker and the run. */
@ExtendWith(NoLeakedWorkers.class)
class TimeoutsIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("timeouts").poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void aCallPastItsDeadlineFailsAtAboutTheDeadlineAndItsWorkerIsReplaced() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      long before = (Long) python.call("sbtest_helpers", "pid");
      long start = System.nanoTime();
      CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> python.call(
          "time", "sleep", List.of(5), CallOptions.defaults().timeout(Duration.ofMillis(300))));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis >= 290 && millis < 1000, "failed after " + millis + " ms");
      assertEquals(Duration.ofMillis(300), e.timeout());
      assertEquals(Optional.of("timeouts-1"), e.workerId());
      assertFalse(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false),
          "the worker that ran the call was stopped");
      long after = (Long) python.call("sbtest_helpers", "pid");
      assertNotEquals(before, after, "the next call runs on a fresh worker");
      assertEquals(4.0, python.call("math", "sqrt", 16));
    });
  }

  @Test
  void theDeadlineAlsoCoversTheWaitForAWorker() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      python.call("math", "sqrt", 1); // a warm worker
      CompletableFuture<Object> busy = python.callAsync("time", "sleep", List.of(1.0),
          CallOptions.defaults());
      TimeUnit.MILLISECONDS.sleep(100);
      long start = System.nanoTime();
      CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> python.call(
          "math", "sqrt", List.of(4), CallOptions.defaults().timeout(Duration.ofMillis(200))));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis >= 190 && millis < 800, "failed after " + millis + " ms");
      assertTrue(e.workerId().isEmpty(), "it never ran");
      assertTrue(e.getMessage().contains("pool size 1, 1 busy"), e.getMessage());
      assertEquals(null, busy.get(), "the running call was not disturbed");
    });
  }
}
