package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.PoolStats;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recycling after a number of calls, a lifetime or a memory limit: the worker finishes its call,
 * takes no new one, exits by itself (after SHUTDOWN), and the pool keeps its size.
 */
@ExtendWith(NoLeakedWorkers.class)
class RecyclingIT {
  private static final Duration LIMIT = Await.CEILING.multipliedBy(2);

  private static long pid(SnakeBridgeRuntime python) {
    return (Long) python.call("sbtest_helpers", "pid");
  }

  /** Waits until process {@code pid} has exited by itself. */
  private static void awaitExit(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    Await.until(
        "the exit of worker " + pid, () -> !handle.map(ProcessHandle::isAlive).orElse(false));
  }

  /** Calls until a call runs on another worker than {@code first}; returns that one's pid. */
  private static long awaitReplacement(SnakeBridgeRuntime python, long first) {
    return Await.value(
        "a call on a worker other than " + first, () -> pid(python), pid -> pid != first);
  }

  @Test
  void afterMaxCallsTheWorkerIsReplacedAndThePoolKeepsItsSize() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.bareRuntime("recycle-calls")
                  .pool("default", ItEnvironment.pool().size(1).maxCallsPerWorker(3).build())
                  .build()) {
            long first = pid(python);
            assertEquals(first, pid(python));
            assertEquals(first, pid(python));
            long second = pid(python);
            assertNotEquals(first, second, "the fourth call runs on a fresh worker");
            awaitExit(first);
            PoolStats stats = python.poolStats();
            assertEquals(1, stats.recycles());
            assertEquals(0, stats.crashes());
            assertEquals(1, stats.idle() + stats.busy());
          }
        });
  }

  @Test
  void afterMaxLifetimeTheWorkerIsReplaced() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.bareRuntime("recycle-life")
                  .pool(
                      "default",
                      ItEnvironment.pool().size(1).maxWorkerLifetime(Duration.ofSeconds(1)).build())
                  .build()) {
            long first = pid(python);
            awaitReplacement(python, first);
            awaitExit(first);
          }
        });
  }

  @Test
  void aWorkerOverItsMemoryLimitIsReplaced() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.bareRuntime("recycle-memory")
                  .pool(
                      "default",
                      ItEnvironment.pool()
                          .size(1)
                          .maxWorkerMemory(150L << 20)
                          .heartbeatInterval(Duration.ofMillis(200))
                          .build())
                  .build()) {
            long first = (Long) python.call("sbtest_helpers", "hoard", 200);
            awaitReplacement(python, first); // Linux: the worker's RSS passed 150 MiB
            awaitExit(first);
            assertEquals(1, python.poolStats().recycles());
          }
        });
  }

  @Test
  void aWorkerHoldingLiveObjectsServesThemUntilTheyAreReleased() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.bareRuntime("recycle-objects")
                  .pool("default", ItEnvironment.pool().size(1).maxCallsPerWorker(2).build())
                  .build()) {
            PyRef counter =
                python.callClass(
                    "collections",
                    "Counter",
                    List.of("abca"),
                    io.snakebridge.CallOptions.defaults());
            long holder = pid(python); // its second call: due, but it holds the counter
            long other =
                (Long)
                    python.call(
                        "sbtest_helpers",
                        "pid",
                        List.of(),
                        io.snakebridge.CallOptions.defaults().sessionId("elsewhere"));
            assertNotEquals(holder, other, "calls of other sessions go to the replacement");
            assertEquals(holder, pid(python), "the session holding the object still runs there");
            assertEquals(2L, python.callMethod(counter, "get", "a"), "the object is still there");
            assertTrue(ProcessHandle.of(holder).map(ProcessHandle::isAlive).orElse(false));
            python.releaseRef(counter);
            awaitExit(holder); // recycled once it holds no live object
          }
        });
  }
}
