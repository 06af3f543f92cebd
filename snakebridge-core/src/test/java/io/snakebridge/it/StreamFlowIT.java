package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PyTuple;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flow control and failures of streams through a real worker (snakepit inventory §10, rows
 * 57-61): prompt delivery, a slow consumer holding the producer back, the idle timeout, queueing
 * for a worker.
 */
@ExtendWith(NoLeakedWorkers.class)
class StreamFlowIT {
  private static final CallOptions DEFAULTS = CallOptions.defaults();
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("stream-flow").poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void row57ItemsOfASlowProducerArriveInOrderAsSoonAsTheyExist() {
    for (String producer : List.of("produced_slowly", "paused_after_each")) {
      for (boolean dynamic : new boolean[] {false, true}) {
        promptly(producer, dynamic);
      }
    }
  }

  private static void promptly(String producer, boolean dynamic) {
    List<Double> produced = new ArrayList<>();
    List<Double> received = new ArrayList<>();
    List<Long> order = new ArrayList<>();
    List<Object> args = List.of(5, 0.2);
    java.util.function.Consumer<Object> onItem = item -> {
      received.add(System.currentTimeMillis() / 1000.0);
      PyTuple pair = (PyTuple) item;
      order.add((Long) pair.get(0));
      produced.add((Double) pair.get(1));
    };
    if (dynamic) {
      python.streamDynamic("sbtest_streams", producer, args, DEFAULTS, onItem);
    } else {
      python.stream("sbtest_streams", producer, args, DEFAULTS, onItem);
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), order);
    for (int i = 0; i < 5; i++) {
      double latency = received.get(i) - produced.get(i);
      assertTrue(latency < 0.15, "item " + i + " of " + producer + " arrived " + latency
          + " s after it was produced (dynamic: " + dynamic + ")");
      if (i < 4) {
        assertTrue(received.get(i) < produced.get(i + 1),
            "item " + i + " arrived before item " + (i + 1) + " was produced");
      }
    }
  }

  @Test
  void row58ASlowConsumerHoldsTheProducerBackAndTheWorkersMemoryStaysFlat() throws Exception {
    long pid = python.pythonInfo().pid();
    Path status = Path.of("/proc/" + pid + "/status");
    assumeTrue(Files.isReadable(status), "needs /proc/<pid>/status (Linux)");
    long[] base = {0};
    long[] peak = {0};
    long[] maxAhead = {0};
    int[] count = {0};
    int itemSize = 100_000;
    int items = 600; // 60 MB if the producer ran ahead; a batch is at most about 4 MiB
    python.stream("sbtest_streams", "big_items", List.of(items, itemSize), DEFAULTS, item -> {
      assertEquals(itemSize, ((byte[]) item).length);
      if (count[0]++ % 25 == 0) {
        long rss = rssKb(status);
        if (base[0] == 0) {
          base[0] = rss;
        }
        peak[0] = Math.max(peak[0], rss);
        // Runs after the batch in flight: Python is at most that batch and this one ahead.
        long ahead = (Long) python.call("sbtest_streams", "produced") - count[0];
        maxAhead[0] = Math.max(maxAhead[0], ahead);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(1);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(items, count[0]);
    // 4 MiB batches of 100 kB items hold about 42 each.
    assertTrue(maxAhead[0] <= 100, "the producer ran " + maxAhead[0] + " items ahead");
    long growthMb = (peak[0] - base[0]) / 1024;
    assertTrue(growthMb < 30, "the worker grew by " + growthMb + " MB while streaming "
        + (items * (long) itemSize / 1_000_000) + " MB to a slow consumer");
  }

  private static long rssKb(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no VmRSS in " + status);
  }

  @Test
  void row48TheTimeoutBoundsTheWaitForTheNextItemAndReplacesTheStuckWorker() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      CallOptions patience = DEFAULTS.timeout(Duration.ofSeconds(1));
      long before = (Long) python.call("sbtest_streams", "pid");
      List<Object> items = new ArrayList<>();
      long start = System.nanoTime();
      CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> python
          .streamDynamic("sbtest_streams", "stalls", List.of(), patience, items::add));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(List.of(1L), items, "the item before the pause was delivered");
      assertEquals(Duration.ofSeconds(1), e.timeout());
      assertTrue(millis >= 950 && millis < 5000, "failed after " + millis + " ms");
      long after = (Long) python.call("sbtest_streams", "pid");
      assertNotEquals(before, after, "the stuck worker was replaced");

      // The pushed path: the first item comes at once, the batch in flight (on an async thread)
      // times out; and a stream of five 0.3 s items never times out with 1 s.
      List<Object> pushed = new ArrayList<>();
      assertThrows(CallTimeoutException.class, () -> python
          .stream("sbtest_streams", "stalls", List.of(), patience, pushed::add));
      assertEquals(List.of(1L), pushed);
      assertNotEquals(after, python.call("sbtest_streams", "pid"));
      List<Object> slow = new ArrayList<>();
      python.stream("sbtest_streams", "produced_slowly", List.of(5, 0.3), patience, slow::add);
      assertEquals(5, slow.size(), "an idle timeout, not a limit on the whole stream");
    });
  }

  @Test
  void row61AStreamWaitsForABusyPoolLikeAnyCall() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      python.call("math", "sqrt", 1); // a warm worker
      CompletableFuture<Object> busy = python.callAsync("time", "sleep", List.of(0.6), DEFAULTS);
      TimeUnit.MILLISECONDS.sleep(100);
      long start = System.nanoTime();
      List<Object> items = new ArrayList<>();
      python.stream("builtins", "range", List.of(3), DEFAULTS, items::add);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(List.of(0L, 1L, 2L), items);
      assertTrue(millis >= 350, "it waited for the worker: " + millis + " ms");
      busy.get();

      CompletableFuture<Object> again = python.callAsync("time", "sleep", List.of(1.0), DEFAULTS);
      TimeUnit.MILLISECONDS.sleep(100);
      CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> python.stream(
          "builtins", "range", List.of(3), DEFAULTS.timeout(Duration.ofMillis(200)), x -> { }));
      assertTrue(e.getMessage().contains("pool size 1, 1 busy"), e.getMessage());
      assertTrue(e.workerId().isEmpty(), "it never ran");
      again.get();
    });
  }
}
