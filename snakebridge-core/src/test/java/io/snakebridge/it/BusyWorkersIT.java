package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerCrashedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker that cannot answer heartbeats because it is busy in a call (code holding the GIL, a
 * finalizer blocking the thread that reads PINGs) is not taken for hung: only the call's own
 * deadline ends it. A stopped worker is still replaced. Heartbeats here are a second apart with a
 * two-second timeout, so under the old rule every busy call below was killed after about three
 * seconds; no assertion depends on how fast the machine is.
 */
@ExtendWith(NoLeakedWorkers.class)
class BusyWorkersIT {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  /** A ceiling that only a real hang reaches. */
  private static final long CEILING_SECONDS = 120;

  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.bareRuntime("busy")
            .pool(
                "default",
                ItEnvironment.pool()
                    .size(1)
                    .heartbeatInterval(INTERVAL)
                    .heartbeatTimeout(PING_TIMEOUT)
                    .pythonPath(ItEnvironment.helpers(), busyHelpers())
                    .build())
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  /** A folder holding sbtest_busy.py (the shared helper folder is written by ItEnvironment). */
  static Path busyHelpers() {
    Path dir = ItEnvironment.workDir().resolve("busy-helpers");
    try (InputStream in = BusyWorkersIT.class.getResourceAsStream("/it-python/sbtest_busy.py")) {
      Files.createDirectories(dir);
      Files.copy(in, dir.resolve("sbtest_busy.py"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private static long pid() {
    return (Long) python.call("os", "getpid");
  }

  private static void await(String what, BooleanSupplier condition) {
    Await.until(what, condition, Duration.ofSeconds(CEILING_SECONDS));
  }

  @Test
  void aCallHoldingTheGilPastManyHeartbeatsFinishesOnTheSameWorker() {
    long before = pid();
    long crashes = python.poolStats().crashes();
    Object ran =
        python.call(
            "sbtest_busy",
            "hold_gil",
            List.of(8),
            CallOptions.defaults().timeout(Duration.ofSeconds(CEILING_SECONDS)));
    assertEquals(before, ran, "eight seconds without answering a PING, and not killed");
    assertEquals(before, pid(), "the same worker serves on");
    assertEquals(crashes, python.poolStats().crashes());
  }

  @Test
  void aCpuBoundCLoopIsEndedByItsDeadlineNotByTheHeartbeat() throws Exception {
    long before = pid();
    CallTimeoutException e =
        assertThrows(
            CallTimeoutException.class,
            () ->
                python.call(
                    "sbtest_busy",
                    "sum_forever",
                    List.of(),
                    CallOptions.defaults().timeout(Duration.ofSeconds(8))));
    assertEquals(Duration.ofSeconds(8), e.timeout(), "its own deadline: " + e.getMessage());
    // sum() cannot be interrupted: the worker is killed after the grace period and replaced.
    await(
        "the worker replaced",
        () -> !ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false));
    assertNotEquals(before, pid());
  }

  @Test
  void aFinalizerBlockingDuringAReleaseDoesNotCostARunningCallItsWorker() throws Exception {
    Path note = ItEnvironment.workDir().resolve("finalizer-" + System.nanoTime());
    Path started = ItEnvironment.workDir().resolve("waiting-" + System.nanoTime());
    long before = pid();
    PyRef slow =
        (PyRef)
            python.call(
                "sbtest_busy",
                "slow_finalizer",
                List.of(6, note.toString()),
                CallOptions.defaults());
    CompletableFuture<Object> running =
        python.callAsync(
            "sbtest_busy",
            "wait_for_finalizer",
            List.of(note.toString(), started.toString(), CEILING_SECONDS),
            CallOptions.defaults().timeout(Duration.ofSeconds(CEILING_SECONDS)));
    await("the call to start", () -> Files.exists(started));
    python.releaseRef(slow); // its finalizer blocks the worker's PING thread for six seconds
    assertEquals(
        before,
        running.get(CEILING_SECONDS, TimeUnit.SECONDS),
        "the running call finished on its worker");
    assertTrue(Files.readString(note).contains("finished"));
    assertEquals(before, pid(), "the same worker serves on");
  }

  @Test
  void aStoppedWorkerIsStillReplacedAndItsCallerToldWhy() throws Exception {
    long before = pid();
    CompletableFuture<Object> running =
        python.callAsync(
            "time",
            "sleep",
            List.of(60),
            CallOptions.defaults().timeout(Duration.ofSeconds(CEILING_SECONDS)));
    ItEnvironment.signal(before, "STOP");
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> running.get(CEILING_SECONDS, TimeUnit.SECONDS));
    WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, e.getCause());
    assertTrue(crash.getMessage().contains("stopped answering heartbeats"), crash.getMessage());
    await(
        "the stopped worker killed",
        () -> !ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false));
    assertFalse(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false));
    assertNotEquals(before, pid());
  }
}
