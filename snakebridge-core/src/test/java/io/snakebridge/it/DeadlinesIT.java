package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A call's caller stops waiting at its deadline, or when its thread is interrupted, also when the
 * worker cannot be interrupted (a C loop holding the GIL); the worker is told to stop and replaced
 * in the background if it does not. The grace period here is long, so a caller that only returned
 * once its worker was killed would find it dead: the tests check the order of events, not how long
 * anything took.
 */
@ExtendWith(NoLeakedWorkers.class)
class DeadlinesIT {
  private static final Duration GRACE = Duration.ofSeconds(15);
  private static final long CEILING_SECONDS = 120;
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.bareRuntime("deadlines")
            .pool(
                "default",
                ItEnvironment.pool()
                    .size(1)
                    .cancelGrace(GRACE)
                    .pythonPath(ItEnvironment.helpers(), BusyWorkersIT.busyHelpers())
                    .build())
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static long pid() {
    return (Long)
        python.call(
            "os",
            "getpid",
            List.of(),
            CallOptions.defaults().timeout(Duration.ofSeconds(CEILING_SECONDS)));
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Waits until the call runs in Python (it wrote {@code started}). A busy worker in the pool's
   * stats is not enough: the pool counts a worker busy once the call is leased, and an interrupt
   * that lands before the request is written rightly never sends it.
   */
  private static void awaitRunning(Path started) throws InterruptedException {
    Await.until(
        "the call to run in Python",
        () -> Files.exists(started),
        Duration.ofSeconds(CEILING_SECONDS));
  }

  @Test
  void anUninterruptibleCallTimesOutAtItsDeadlineAndItsWorkerIsReplacedLater() throws Exception {
    long before = pid();
    CallTimeoutException e =
        assertThrows(
            CallTimeoutException.class,
            () ->
                python.call(
                    "sbtest_busy",
                    "sum_forever",
                    List.of(),
                    CallOptions.defaults().timeout(Duration.ofSeconds(1))));
    assertTrue(alive(before), "thrown before the grace period ended: the worker still runs");
    assertTrue(e.getMessage().contains("told to stop"), e.getMessage());
    assertNotEquals(before, pid(), "it did not stop, so it was replaced");
    assertFalse(alive(before));
  }

  @Test
  void anInterruptedCallerStopsWaitingAndTheCallIsCancelled() throws Exception {
    long before = pid();
    Path note = ItEnvironment.workDir().resolve("interrupted-" + System.nanoTime());
    Path started = ItEnvironment.workDir().resolve("interrupted-started-" + System.nanoTime());
    AtomicReference<RuntimeException> thrown = new AtomicReference<>();
    AtomicBoolean flagSet = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                python.call(
                    "sbtest_helpers",
                    "spin_noting",
                    List.of(300, note.toString(), started.toString()),
                    CallOptions.defaults().timeout(Duration.ofSeconds(CEILING_SECONDS)));
              } catch (RuntimeException e) {
                thrown.set(e);
                flagSet.set(Thread.currentThread().isInterrupted());
              }
            });
    caller.start();
    awaitRunning(started);
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(CEILING_SECONDS));
    assertFalse(caller.isAlive(), "the caller stopped waiting");
    SnakeBridgeException e = assertInstanceOf(SnakeBridgeException.class, thrown.get());
    assertInstanceOf(InterruptedException.class, e.getCause(), e.toString());
    assertTrue(flagSet.get(), "the interrupt flag is restored");
    Await.until(
        "the Python call to be cancelled",
        () -> Files.exists(note),
        Duration.ofSeconds(CEILING_SECONDS));
    assertEquals("cleaned up", Files.readString(note));
    assertEquals(before, pid(), "it stopped when told to: the same worker serves on");
  }

  @Test
  void anInterruptedCallerStopsWaitingAlsoWhenTheWorkerCannotBeInterrupted() throws Exception {
    long before = pid();
    Path started = ItEnvironment.workDir().resolve("uninterruptible-started-" + System.nanoTime());
    AtomicReference<RuntimeException> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                python.call(
                    "sbtest_busy",
                    "sum_forever",
                    List.of(started.toString()),
                    CallOptions.defaults().timeout(Duration.ofSeconds(CEILING_SECONDS)));
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            });
    caller.start();
    awaitRunning(started);
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(CEILING_SECONDS));
    assertFalse(caller.isAlive(), "the caller stopped waiting");
    assertTrue(alive(before), "before the grace period ended: the worker still runs");
    assertNotNull(thrown.get());
    assertInstanceOf(InterruptedException.class, thrown.get().getCause(), thrown.get().toString());
    assertNotEquals(before, pid(), "it did not stop, so it was replaced");
  }
}
