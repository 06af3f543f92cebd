package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerCrashedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Heartbeats: a worker busy with a long CPU-bound call still answers them; one that stops
 * answering (SIGSTOP) is killed and replaced within heartbeatInterval + heartbeatTimeout, and its
 * caller gets an error.
 */
@ExtendWith(NoLeakedWorkers.class)
class HealthIT {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private static final Duration TIMEOUT = Duration.ofMillis(700);
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.bareRuntime("health").eagerStart(true)
        .pool("default", ItEnvironment.pool().size(2).heartbeatInterval(INTERVAL)
            .heartbeatTimeout(TIMEOUT).build())
        .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static void awaitFullSize(long withinMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMillis);
    PoolStats stats = python.poolStats();
    while (stats.idle() + stats.busy() < 2) {
      assertTrue(System.nanoTime() < end, "pool not back to full size: " + stats);
      TimeUnit.MILLISECONDS.sleep(10);
      stats = python.poolStats();
    }
  }

  @Test
  void aWorkerBusyWithALongCpuBoundCallIsNotTakenForHung() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      long crashes = python.poolStats().crashes();
      Object pid = python.call("sbtest_helpers", "spin", List.of(3.0), CallOptions.defaults());
      assertTrue(pid instanceof Long);
      assertEquals(crashes, python.poolStats().crashes(), "nine heartbeats, all answered");
    });
  }

  @Test
  void aStoppedWorkerIsKilledAndReplacedWithinTheBoundAndItsCallerToldWhy() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      awaitFullSize(10_000);
      Path note = ItEnvironment.workDir().resolve("stopped-" + System.nanoTime());
      CompletableFuture<Object> call = python.callAsync("sbtest_helpers", "pid_then_sleep",
          List.of(note.toString(), 30), CallOptions.defaults());
      while (!Files.exists(note)) {
        TimeUnit.MILLISECONDS.sleep(5);
      }
      long pid = Long.parseLong(Files.readString(note));
      long start = System.nanoTime();
      ItEnvironment.signal(pid, "STOP");
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> call.get(10, TimeUnit.SECONDS));
      long failedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, e.getCause());
      assertTrue(crash.getMessage().contains("stopped answering heartbeats"), crash.getMessage());
      long bound = INTERVAL.plus(TIMEOUT).toMillis();
      assertTrue(failedMillis < bound + 1000, "failed after " + failedMillis + " ms");
      awaitFullSize(bound + 3000 - failedMillis);
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "the stopped process was killed");
      assertEquals(4.0, python.call("math", "sqrt", 16));
    });
  }
}
