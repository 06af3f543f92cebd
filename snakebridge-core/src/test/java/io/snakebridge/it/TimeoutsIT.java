package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One deadline per call, covering the wait for a worker and the run; at the deadline the worker is
 * told to stop the call, and serves on if it does so within the grace period, else it is killed and
 * replaced. Cancelling an async call's future does the same. Bounds are lower bounds (no call fails
 * before its deadline); a call that fails late is not a failure of these tests. A queued call waits
 * behind one held by a gate the test opens.
 */
@ExtendWith(NoLeakedWorkers.class)
class TimeoutsIT {
  private static final Duration LIMIT = Await.CEILING.multipliedBy(2);
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("timeouts").poolSize(1).build();
  }

  private static Path gate() {
    return ItEnvironment.workDir().resolve("timeouts-gate-" + System.nanoTime());
  }

  /** A call that holds the only worker until {@code gate} exists. */
  private static CompletableFuture<Object> holdTheWorker(Path gate) {
    CompletableFuture<Object> busy =
        python.callAsync(
            "sbtest_helpers", "wait_for_gate", List.of(gate.toString()), CallOptions.defaults());
    Await.value("the call holding the worker", python::poolStats, s -> s.busy() == 1);
    return busy;
  }

  /**
   * Waits until one call waits for the worker that {@code busy} holds; fails at once, saying how,
   * if {@code busy} ends first.
   */
  private static void awaitOneWaiting(CompletableFuture<Object> busy) {
    Await.until(
        "a call waiting for the worker",
        () -> {
          if (busy.isDone()) {
            throw new AssertionError(
                "the call holding the worker ended before the gate opened: "
                    + busy.handle((value, error) -> error != null ? error : value).join()
                    + "; pool: "
                    + python.poolStats());
          }
          return python.poolStats().waiting() == 1;
        });
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static long pid() {
    return (Long) python.call("sbtest_helpers", "pid");
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void aPythonLoopPastItsDeadlineIsInterruptedAndItsWorkerServesOn() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          long before = pid();
          long start = System.nanoTime();
          CallTimeoutException e =
              assertThrows(
                  CallTimeoutException.class,
                  () ->
                      python.call(
                          "sbtest_helpers",
                          "spin",
                          List.of(10),
                          CallOptions.defaults().timeout(Duration.ofMillis(300))));
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertTrue(millis >= 290, "failed after " + millis + " ms, before its deadline");
          assertEquals(Duration.ofMillis(300), e.timeout());
          assertEquals(Optional.of("timeouts-1"), e.workerId());
          assertEquals(before, pid(), "the loop stopped when told to: the same worker serves on");
          assertEquals(4.0, python.call("math", "sqrt", 16));
        });
  }

  @Test
  void aBlockingCallPastItsDeadlineFailsAtOnceAndItsWorkerStopsItOrIsReplaced() {
    // time.sleep ignores the interruption until it returns unless the worker interrupts
    // blocking calls too; either way the rule holds: stopped within the grace period, or killed.
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          long before = pid();
          long start = System.nanoTime();
          CallTimeoutException e =
              assertThrows(
                  CallTimeoutException.class,
                  () ->
                      python.call(
                          "time",
                          "sleep",
                          List.of(30),
                          CallOptions.defaults().timeout(Duration.ofMillis(300))));
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertTrue(millis >= 290, "failed after " + millis + " ms, before its deadline");
          assertEquals(Optional.of("timeouts-1"), e.workerId());
          long after = pid(); // waits, if need be, for the worker to stop or be replaced
          if (after != before) {
            assertFalse(alive(before), "the worker that did not stop was killed");
          }
          assertEquals(4.0, python.call("math", "sqrt", 16));
        });
  }

  @Test
  void theDeadlineAlsoCoversTheWaitForAWorker() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path gate = gate();
          CompletableFuture<Object> busy = holdTheWorker(gate);
          long start = System.nanoTime();
          CallTimeoutException e =
              assertThrows(
                  CallTimeoutException.class,
                  () ->
                      python.call(
                          "math",
                          "sqrt",
                          List.of(4),
                          CallOptions.defaults().timeout(Duration.ofMillis(200))));
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertTrue(millis >= 190, "failed after " + millis + " ms, before its deadline");
          assertTrue(e.workerId().isEmpty(), "it never ran");
          assertTrue(e.getMessage().contains("pool size 1, 1 busy"), e.getMessage());
          Files.createFile(gate);
          assertTrue(busy.get() instanceof Long, "the running call was not disturbed");
        });
  }

  @Test
  void cancellingARunningCallInterruptsItsPythonCodeWhichCanCleanUp() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          long before = pid();
          Path note = ItEnvironment.workDir().resolve("cancel-note-" + System.nanoTime());
          Path started = ItEnvironment.workDir().resolve("cancel-started-" + System.nanoTime());
          CompletableFuture<Object> running =
              python.callAsync(
                  "sbtest_helpers",
                  "spin_noting",
                  List.of(300, note.toString(), started.toString()),
                  CallOptions.defaults());
          Await.until("the call running", () -> Files.exists(started));
          assertTrue(running.cancel(true));
          assertThrows(CancellationException.class, running::get);
          assertEquals(before, pid(), "interrupted, so the worker serves on");
          assertEquals("cleaned up", Files.readString(note), "its finally block ran");
        });
  }

  @Test
  void aQueuedCallThatIsCancelledNeverRuns() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path note = ItEnvironment.workDir().resolve("never-" + System.nanoTime());
          Path gate = gate();
          CompletableFuture<Object> busy = holdTheWorker(gate);
          CompletableFuture<Object> queued =
              python.callAsync(
                  "sbtest_helpers", "touch", List.of(note.toString()), CallOptions.defaults());
          awaitOneWaiting(busy);
          assertTrue(queued.cancel(true));
          Files.createFile(gate);
          busy.get();
          python.call("math", "sqrt", 4); // the worker is free again, and nothing was left in line
          assertFalse(Files.exists(note), "the cancelled call never ran");
        });
  }

  @Test
  void aQueuedCallWhoseThreadIsInterruptedNeverRuns() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path note = ItEnvironment.workDir().resolve("interrupted-" + System.nanoTime());
          Path gate = gate();
          CompletableFuture<Object> busy = holdTheWorker(gate);
          Thread caller =
              new Thread(
                  () -> {
                    try {
                      python.call("sbtest_helpers", "touch", note.toString());
                    } catch (RuntimeException expected) {
                      // interrupted while waiting for a worker
                    }
                  });
          caller.start();
          awaitOneWaiting(busy);
          caller.interrupt();
          caller.join();
          Files.createFile(gate);
          busy.get();
          python.call("math", "sqrt", 4);
          assertFalse(Files.exists(note), "the interrupted call never ran");
        });
  }

  @Test
  void aQueuedCallPastItsDeadlineNeverRunsLater() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path note = ItEnvironment.workDir().resolve("late-" + System.nanoTime());
          Path gate = gate();
          CompletableFuture<Object> busy = holdTheWorker(gate);
          assertThrows(
              CallTimeoutException.class,
              () ->
                  python.call(
                      "sbtest_helpers",
                      "touch",
                      List.of(note.toString()),
                      CallOptions.defaults().timeout(Duration.ofMillis(100))));
          Files.createFile(gate);
          busy.get();
          python.call("math", "sqrt", 4);
          assertFalse(Files.exists(note), "the timed-out call never ran");
          assertNotEquals(0, python.poolStats().timeouts());
        });
  }
}
