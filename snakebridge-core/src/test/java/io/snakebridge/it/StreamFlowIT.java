package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Flow control and failures of streams through a real worker (snakepit inventory §10, rows 57-61):
 * delivery of each item as soon as it exists, a slow consumer holding the producer back, the idle
 * timeout, queueing for a worker.
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
  void itemsOfASlowProducerArriveInOrderAsSoonAsTheyExist() throws IOException {
    // The producer is slow and yields item i + 1 only once the consumer has received item i:
    // the stream can finish only if each item is delivered while the producer works on the next.
    for (boolean dynamic : new boolean[] {false, true}) {
      Path receipts = Files.createTempDirectory(ItEnvironment.workDir(), "receipts-");
      List<Long> order = new ArrayList<>();
      java.util.function.Consumer<Object> onItem =
          item -> {
            order.add((Long) item);
            try {
              Files.createFile(receipts.resolve(item.toString()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          };
      List<Object> args = List.of(5, receipts.toString());
      if (dynamic) {
        python.streamDynamic("sbtest_streams", "handed_over", args, DEFAULTS, onItem);
      } else {
        python.stream("sbtest_streams", "handed_over", args, DEFAULTS, onItem);
      }
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), order, "dynamic: " + dynamic);
    }
  }

  @Test
  void aSlowConsumerHoldsTheProducerBackAndTheWorkersMemoryStaysFlat() throws Exception {
    long pid = python.pythonInfo().pid();
    Path status = Path.of("/proc/" + pid + "/status");
    assumeTrue(Files.isReadable(status), "needs /proc/<pid>/status (Linux)");
    long[] base = {0};
    long[] peak = {0};
    long[] maxAhead = {0};
    int[] count = {0};
    int itemSize = 100_000;
    int items = 600; // 60 MB if the producer ran ahead; a batch is at most about 4 MiB
    python.stream(
        "sbtest_streams",
        "big_items",
        List.of(items, itemSize),
        DEFAULTS,
        item -> {
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
    assertTrue(
        growthMb < 30,
        "the worker grew by "
            + growthMb
            + " MB while streaming "
            + (items * (long) itemSize / 1_000_000)
            + " MB to a slow consumer");
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
  void theTimeoutBoundsTheWaitForTheNextItemAndReplacesTheStuckWorker() {
    assertTimeoutPreemptively(
        Await.CEILING,
        () -> {
          CallOptions patience = DEFAULTS.timeout(Duration.ofSeconds(1));
          long before = (Long) python.call("sbtest_streams", "pid");
          List<Object> items = new ArrayList<>();
          long start = System.nanoTime();
          CallTimeoutException e =
              assertThrows(
                  CallTimeoutException.class,
                  () ->
                      python.streamDynamic(
                          "sbtest_streams", "stalls", List.of(), patience, items::add));
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertEquals(List.of(1L), items, "the item before the pause was delivered");
          assertEquals(Duration.ofSeconds(1), e.timeout());
          assertTrue(millis >= 950, "failed after " + millis + " ms, before its timeout");
          long after = (Long) python.call("sbtest_streams", "pid");
          assertNotEquals(before, after, "the stuck worker was replaced");

          // The pushed path: the first item comes at once, the batch in flight (on an async thread)
          // times out; and a stream of three 1 s items (3 s in all) never times out with 2.5 s.
          List<Object> pushed = new ArrayList<>();
          assertThrows(
              CallTimeoutException.class,
              () -> python.stream("sbtest_streams", "stalls", List.of(), patience, pushed::add));
          assertEquals(List.of(1L), pushed);
          assertNotEquals(after, python.call("sbtest_streams", "pid"));
          List<Object> slow = new ArrayList<>();
          python.stream(
              "sbtest_streams",
              "produced_slowly",
              List.of(3, 1.0),
              DEFAULTS.timeout(Duration.ofMillis(2500)),
              slow::add);
          assertEquals(3, slow.size(), "an idle timeout, not a limit on the whole stream");
        });
  }

  @Test
  void aStreamWaitsForABusyPoolLikeAnyCall() {
    assertTimeoutPreemptively(
        Await.CEILING.multipliedBy(2),
        () -> {
          Path gate = ItEnvironment.workDir().resolve("flow-gate-" + System.nanoTime());
          Path log = ItEnvironment.workDir().resolve("flow-order-" + System.nanoTime());
          CompletableFuture<Object> busy =
              python.callAsync(
                  "sbtest_helpers", "wait_for_gate", List.of(gate.toString()), DEFAULTS);
          Await.value("the gated call running", python::poolStats, s -> s.busy() == 1);
          CompletableFuture<List<Object>> streamed =
              CompletableFuture.supplyAsync(
                  () -> {
                    List<Object> items = new ArrayList<>();
                    python.stream(
                        "sbtest_streams",
                        "noting",
                        List.of(log.toString(), 3),
                        DEFAULTS,
                        items::add);
                    return items;
                  });
          Await.value(
              "the stream waiting for the worker", python::poolStats, s -> s.waiting() == 1);
          Files.writeString(log, "gate\n");
          Files.createFile(gate);
          assertEquals(List.of(0L, 1L, 2L), streamed.get());
          assertEquals(
              List.of("gate", "stream"),
              Files.readAllLines(log),
              "the stream ran once the busy call had ended");
          busy.get();

          Path again = ItEnvironment.workDir().resolve("flow-gate-" + System.nanoTime());
          CompletableFuture<Object> busyAgain =
              python.callAsync(
                  "sbtest_helpers", "wait_for_gate", List.of(again.toString()), DEFAULTS);
          Await.value("the gated call running", python::poolStats, s -> s.busy() == 1);
          CallTimeoutException e =
              assertThrows(
                  CallTimeoutException.class,
                  () ->
                      python.stream(
                          "builtins",
                          "range",
                          List.of(3),
                          DEFAULTS.timeout(Duration.ofMillis(200)),
                          x -> {}));
          assertTrue(e.getMessage().contains("pool size 1, 1 busy"), e.getMessage());
          assertTrue(e.workerId().isEmpty(), "it never ran");
          Files.createFile(again);
          busyAgain.get();
        });
  }
}
