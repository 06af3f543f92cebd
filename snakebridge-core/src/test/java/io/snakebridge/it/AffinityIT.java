package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Affinity;
import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionLostException;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerBusyException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session's objects live in one worker of a pool of two, and its calls follow them (inventory
 * §10 row 42).
 */
@ExtendWith(NoLeakedWorkers.class)
class AffinityIT {
  private SnakeBridgeRuntime python;

  @BeforeEach
  void start() {
    python = ItEnvironment.runtime("affinity").poolSize(2).eagerStart(true).build();
  }

  @AfterEach
  void stop() {
    python.close();
  }

  private long pidOf(PyRef ref) {
    return (Long) python.call("sbtest_objects", "pid", List.of(), CallOptions.defaults()
        .sessionId(ref.sessionId()));
  }

  /** Occupies the worker holding {@code ref}'s objects for {@code seconds}. */
  private CompletableFuture<Object> occupy(PyRef ref, double seconds) {
    CompletableFuture<Object> busy = python.callAsync("sbtest_helpers", "sleep_then_pid",
        List.of(seconds), CallOptions.defaults().sessionId(ref.sessionId()));
    sleepMillis(300); // it has leased the worker by then
    return busy;
  }

  @Test
  void strictQueueWaitsFailFastFailsAndHintGoesElsewhere() throws Exception {
    SessionContext.withSession(SessionOptions.defaults().sessionId("aff"), () -> {
      PyRef pattern = (PyRef) python.call("re", "compile", "x");
      long home = pidOf(pattern);
      CompletableFuture<Object> busy = occupy(pattern, 1.5);

      WorkerBusyException e = assertThrows(WorkerBusyException.class,
          () -> python.callMethod(pattern, "match", List.of("x"),
              CallOptions.defaults().affinity(Affinity.STRICT_FAIL_FAST)));
      assertEquals("aff", e.sessionId());

      long hinted = (Long) python.call("sbtest_objects", "pid", List.of(),
          CallOptions.defaults().affinity(Affinity.HINT));
      assertNotEquals(home, hinted, "no object passed: HINT ran it on the idle worker");

      long start = System.nanoTime();
      assertEquals("x", python.getAttr(pattern, "pattern"));
      assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(500),
          "STRICT_QUEUE waited for the busy home worker");
      assertEquals(home, (long) (Long) join(busy));
      assertEquals(home, pidOf(pattern));
    });
  }

  @Test
  void aKilledSessionWorkerGivesSessionLost() {
    SessionContext.withSession(SessionOptions.defaults().sessionId("doomed"), () -> {
      PyRef pattern = (PyRef) python.call("re", "compile", "doomed");
      long home = pidOf(pattern);
      ProcessHandle.of(home).orElseThrow().destroyForcibly();
      awaitExit(home);
      SessionLostException e = assertThrows(SessionLostException.class,
          () -> python.getAttr(pattern, "pattern"));
      assertEquals("doomed", e.sessionId());
      assertNotEquals(home, (long) (Long) python.call("sbtest_objects", "pid"),
          "calls that need no lost object go on");
      PyRef fresh = (PyRef) python.call("re", "compile", "fresh");
      assertEquals("fresh", python.getAttr(fresh, "pattern"));
    });
  }

  @Test
  void releaseSessionReachesTheWorkerHoldingTheObjectsAlsoWhenItIsBusy() {
    SessionContext.withSession(SessionOptions.defaults().sessionId("rel"), () -> {
      PyRef first = (PyRef) python.call("re", "compile", "r1");
      python.call("re", "compile", "r2");
      assertEquals(Map.of("rel", 2L), only(python.sessionStats(), "rel"));
      CompletableFuture<Object> busy = occupy(first, 1.0);
      long start = System.nanoTime();
      python.releaseSession("rel");
      assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(400),
          "it waited for the holder, which was busy");
      assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(first, "pattern"));
      join(busy);
      assertEquals(Map.of(), only(python.sessionStats(), "rel"), "reached the holder");
      python.call("re", "compile", "r3");
      assertEquals(Map.of("rel", 1L), only(python.sessionStats(), "rel"), "the id lives on");
    });
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!only(python.sessionStats(), "rel").isEmpty() && System.nanoTime() < end) {
      sleepMillis(50);
    }
    assertEquals(Map.of(), only(python.sessionStats(), "rel"), "and released after the block");
  }

  private static Map<String, Long> only(Map<String, Long> stats, String id) {
    Long count = stats.get(id);
    return count == null || count == 0 ? Map.of() : Map.of(id, count);
  }

  private static void awaitExit(long pid) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() < end) {
      sleepMillis(20);
    }
  }

  private static Object join(CompletableFuture<Object> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
