package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolStats;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Named pools: their own environment, routing, references staying home, a broken one. */
@ExtendWith(NoLeakedWorkers.class)
class PoolsIT {
  private static final Duration LIMIT = Await.CEILING;
  private static final CallOptions TAGGED = CallOptions.defaults().pool("tagged");
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.runtime("pools")
            .poolSize(1)
            .pool(
                "tagged",
                ItEnvironment.pool().size(2).environmentVariable("SB_POOL", "tagged").build())
            .pool("broken", ItEnvironment.pool().python("/nonexistent/bin/python3").size(2).build())
            .pool("threads", ItEnvironment.pool().size(1).threadsPerWorker(2).build())
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static List<?> where(CallOptions options, Object... args) {
    return (List<?>) python.call("sbtest_helpers", "where", List.of(args), options);
  }

  @Test
  void aCallRunsInThePoolItNames() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          List<?> main = where(CallOptions.defaults());
          List<?> tagged = where(TAGGED);
          assertNull(main.get(1), "the default pool has its own environment");
          assertEquals("tagged", tagged.get(1));
          assertNotEquals(main.get(0), tagged.get(0));
        });
  }

  @Test
  void objectsStayInThePoolThatMadeThem() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PyRef counter = python.callClass("collections", "Counter", List.of("abca"), TAGGED);
          assertEquals(
              "tagged",
              where(CallOptions.defaults(), counter).get(1),
              "a call passing the reference runs where it lives, whatever its options say");
          assertEquals(2L, python.callMethod(counter, "get", "a"));
          python.releaseRef(counter);
        });
  }

  @Test
  void aBrokenPoolFailsItsCallersPromptlyAndDisturbsNoOtherPool() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          // Fails as its interpreter cannot start, not at the call's timeout (far beyond LIMIT).
          PoolExhaustedException e =
              assertThrows(
                  PoolExhaustedException.class,
                  () ->
                      python.call(
                          "math", "sqrt", List.of(4), CallOptions.defaults().pool("broken")));
          assertTrue(e.getMessage().contains("pool 'broken'"), e.getMessage());
          assertTrue(
              String.valueOf(e.getCause()).contains("/nonexistent/bin/python3"),
              String.valueOf(e.getCause()));
          assertThrows(
              PoolExhaustedException.class,
              () -> python.call("math", "sqrt", List.of(4), CallOptions.defaults().pool("broken")));
          assertEquals(2.0, python.call("math", "sqrt", 4));
          assertEquals("tagged", where(TAGGED).get(1));
          PoolStats broken = python.poolStats("broken");
          assertTrue(
              broken.crashes() >= 1 && broken.crashes() <= 3,
              "a start or two, held back by the back-off: " + broken);
          assertEquals(0, python.poolStats().crashes());
        });
  }

  @Test
  void aWorkerWithTwoThreadsTakesTwoCallsAtOnce() {
    // Whether they overlap in Python depends on the worker's threads; the JVM leases both at once.
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallOptions threads = CallOptions.defaults().pool("threads");
          List<java.util.concurrent.CompletableFuture<Object>> calls =
              List.of(
                  python.callAsync("sbtest_helpers", "sleep_then_pid", List.of(0.3), threads),
                  python.callAsync("sbtest_helpers", "sleep_then_pid", List.of(0.3), threads));
          assertEquals(calls.get(0).get(), calls.get(1).get(), "one worker ran both");
          assertEquals(1, python.poolStats("threads").idle());
        });
  }

  @Test
  void anUnknownPoolIsAMistakeNamingThePools() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> python.call("math", "sqrt", List.of(4), CallOptions.defaults().pool("gpu")));
    assertEquals(
        "unknown pool 'gpu': runtime 'pools' has the pools 'default', 'tagged',"
            + " 'broken', 'threads'",
        e.getMessage());
  }
}
