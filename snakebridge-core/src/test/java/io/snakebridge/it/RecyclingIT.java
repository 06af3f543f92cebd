package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.PoolStats;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recycling after a number of calls, a lifetime or a memory limit: the worker finishes its call,
 * takes no new one, exits by itself (after SHUTDOWN), and the pool keeps its size.
 */
@ExtendWith(NoLeakedWorkers.class)
class RecyclingIT {
  private static final Duration LIMIT = Duration.ofSeconds(40);

  private static long pid(SnakeBridgeRuntime python) {
    return (Long) python.call("sbtest_helpers", "pid");
  }

  /** Waits until process {@code pid} has exited by itself; returns its exit code if known. */
  private static void awaitExit(long pid, long withinMillis) throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMillis);
    while (handle.map(ProcessHandle::isAlive).orElse(false)) {
      assertTrue(System.nanoTime() < end, "worker " + pid + " still runs");
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  @Test
  void afterMaxCallsTheWorkerIsReplacedAndThePoolKeepsItsSize() {
    assertTimeoutPreemptively(LIMIT, () -> {
      try (SnakeBridgeRuntime python = ItEnvironment.bareRuntime("recycle-calls")
          .pool("default", ItEnvironment.pool().size(1).maxCallsPerWorker(3).build()).build()) {
        long first = pid(python);
        assertEquals(first, pid(python));
        assertEquals(first, pid(python));
        long second = pid(python);
        assertNotEquals(first, second, "the fourth call runs on a fresh worker");
        awaitExit(first, 5000);
        PoolStats stats = python.poolStats();
        assertEquals(1, stats.recycles());
        assertEquals(0, stats.crashes());
        assertEquals(1, stats.idle() + stats.busy());
      }
    });
  }

  @Test
  void afterMaxLifetimeTheWorkerIsReplaced() {
    assertTimeoutPreemptively(LIMIT, () -> {
      try (SnakeBridgeRuntime python = ItEnvironment.bareRuntime("recycle-life")
          .pool("default", ItEnvironment.pool().size(1).maxWorkerLifetime(Duration.ofSeconds(1))
              .build()).build()) {
        long first = pid(python);
        TimeUnit.MILLISECONDS.sleep(1500); // lifetime + 10 % jitter, and a margin
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long now = pid(python);
        while (now == first && System.nanoTime() < end) {
          TimeUnit.MILLISECONDS.sleep(20);
          now = pid(python);
        }
        assertNotEquals(first, now);
        awaitExit(first, 5000);
      }
    });
  }

  @Test
  void aWorkerOverItsMemoryLimitIsReplaced() {
    assertTimeoutPreemptively(LIMIT, () -> {
      try (SnakeBridgeRuntime python = ItEnvironment.bareRuntime("recycle-memory")
          .pool("default", ItEnvironment.pool().size(1).maxWorkerMemory(150L << 20)
              .heartbeatInterval(Duration.ofMillis(200)).build()).build()) {
        long first = (Long) python.call("sbtest_helpers", "hoard", 200);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long now = pid(python);
        while (now == first && System.nanoTime() < end) {
          TimeUnit.MILLISECONDS.sleep(20);
          now = pid(python);
        }
        assertNotEquals(first, now, "Linux: the worker's RSS passed 150 MiB");
        awaitExit(first, 5000);
        assertEquals(1, python.poolStats().recycles());
      }
    });
  }

  @Test
  void aWorkerHoldingLiveObjectsServesThemUntilTheyAreReleased() {
    assertTimeoutPreemptively(LIMIT, () -> {
      try (SnakeBridgeRuntime python = ItEnvironment.bareRuntime("recycle-objects")
          .pool("default", ItEnvironment.pool().size(1).maxCallsPerWorker(2).build()).build()) {
        PyRef counter = python.callClass("collections", "Counter", List.of("abca"),
            io.snakebridge.CallOptions.defaults());
        long holder = pid(python); // its second call: due, but it holds the counter
        long other = (Long) python.call("sbtest_helpers", "pid", List.of(),
            io.snakebridge.CallOptions.defaults().sessionId("elsewhere"));
        assertNotEquals(holder, other, "calls of other sessions go to the replacement");
        assertEquals(holder, pid(python), "the session holding the object still runs there");
        assertEquals(2L, python.callMethod(counter, "get", "a"), "the object is still there");
        assertTrue(ProcessHandle.of(holder).map(ProcessHandle::isAlive).orElse(false));
        python.releaseRef(counter);
        awaitExit(holder, 5000); // recycled once it holds no live object
      }
    });
  }
}
