package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Affinity;
import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionLostException;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerBusyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session's objects live in one worker of a pool of two, and its calls follow them (inventory §10
 * row 42).
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
    return (Long)
        python.call(
            "sbtest_objects", "pid", List.of(), CallOptions.defaults().sessionId(ref.sessionId()));
  }

  /** Occupies the worker holding {@code ref}'s objects until {@code gate} exists. */
  private CompletableFuture<Object> occupy(PyRef ref, Path gate) {
    CompletableFuture<Object> busy =
        python.callAsync(
            "sbtest_helpers",
            "wait_for_gate",
            List.of(gate.toString()),
            CallOptions.defaults().sessionId(ref.sessionId()));
    Await.value("the call occupying the worker", python::poolStats, s -> s.busy() == 1);
    return busy;
  }

  /**
   * Opens {@code gate} on another thread once a caller waits for a worker; the returned flag tells
   * whether it has, so a caller that returns with it unset did not wait.
   */
  private AtomicBoolean openWhenWaiting(Path gate) {
    AtomicBoolean opened = new AtomicBoolean();
    Thread opener =
        new Thread(
            () -> {
              Await.value(
                  "a caller waiting for the busy worker", python::poolStats, s -> s.waiting() == 1);
              opened.set(true);
              try {
                Files.createFile(gate);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "gate-opener");
    opener.setDaemon(true);
    opener.start();
    return opened;
  }

  private static Path gate() {
    return ItEnvironment.workDir().resolve("affinity-gate-" + System.nanoTime());
  }

  @Test
  void strictQueueWaitsFailFastFailsAndHintGoesElsewhere() throws Exception {
    SessionContext.withSession(
        SessionOptions.defaults().sessionId("aff"),
        () -> {
          PyRef pattern = (PyRef) python.call("re", "compile", "x");
          long home = pidOf(pattern);
          Path gate = gate();
          CompletableFuture<Object> busy = occupy(pattern, gate);

          WorkerBusyException e =
              assertThrows(
                  WorkerBusyException.class,
                  () ->
                      python.callMethod(
                          pattern,
                          "match",
                          List.of("x"),
                          CallOptions.defaults().affinity(Affinity.STRICT_FAIL_FAST)));
          assertEquals("aff", e.sessionId());

          long hinted =
              (Long)
                  python.call(
                      "sbtest_objects",
                      "pid",
                      List.of(),
                      CallOptions.defaults().affinity(Affinity.HINT));
          assertNotEquals(home, hinted, "no object passed: HINT ran it on the idle worker");

          AtomicBoolean opened = openWhenWaiting(gate);
          assertEquals("x", python.getAttr(pattern, "pattern"));
          assertTrue(opened.get(), "STRICT_QUEUE waited for the busy home worker");
          assertEquals(home, (long) (Long) join(busy));
          assertEquals(home, pidOf(pattern));
        });
  }

  @Test
  void aKilledSessionWorkerGivesSessionLost() {
    SessionContext.withSession(
        SessionOptions.defaults().sessionId("doomed"),
        () -> {
          PyRef pattern = (PyRef) python.call("re", "compile", "doomed");
          long home = pidOf(pattern);
          ProcessHandle.of(home).orElseThrow().destroyForcibly();
          awaitExit(home);
          SessionLostException e =
              assertThrows(SessionLostException.class, () -> python.getAttr(pattern, "pattern"));
          assertEquals("doomed", e.sessionId());
          assertNotEquals(
              home,
              (long) (Long) python.call("sbtest_objects", "pid"),
              "calls that need no lost object go on");
          PyRef fresh = (PyRef) python.call("re", "compile", "fresh");
          assertEquals("fresh", python.getAttr(fresh, "pattern"));
        });
  }

  @Test
  void releaseSessionReachesTheWorkerHoldingTheObjectsAlsoWhenItIsBusy() {
    SessionContext.withSession(
        SessionOptions.defaults().sessionId("rel"),
        () -> {
          PyRef first = (PyRef) python.call("re", "compile", "r1");
          python.call("re", "compile", "r2");
          assertEquals(Map.of("rel", 2L), only(python.sessionStats(), "rel"));
          Path gate = gate();
          CompletableFuture<Object> busy = occupy(first, gate);
          AtomicBoolean opened = openWhenWaiting(gate);
          python.releaseSession("rel");
          assertTrue(opened.get(), "it waited for the holder, which was busy");
          assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(first, "pattern"));
          join(busy);
          assertEquals(Map.of(), only(python.sessionStats(), "rel"), "reached the holder");
          python.call("re", "compile", "r3");
          assertEquals(Map.of("rel", 1L), only(python.sessionStats(), "rel"), "the id lives on");
        });
    Await.value(
        "the session released after the block",
        () -> only(python.sessionStats(), "rel"),
        Map::isEmpty);
  }

  private static Map<String, Long> only(Map<String, Long> stats, String id) {
    Long count = stats.get(id);
    return count == null || count == 0 ? Map.of() : Map.of(id, count);
  }

  private static void awaitExit(long pid) {
    Await.until(
        "the exit of worker " + pid,
        () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  private static Object join(CompletableFuture<Object> future) {
    try {
      return future.get(Await.CEILING.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
