package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,000 threads each make 100 calls against 4 workers: every one of the 100,000 results is correct.
 * Platform threads with small stacks (the baseline is Java 17, before virtual threads). And
 * saturation: of 20 slow calls on 8 workers, 8 run at once (how fast they end is for the
 * benchmarks).
 */
@ExtendWith(NoLeakedWorkers.class)
class LoadIT {
  private static final int THREADS = 1_000;
  private static final int CALLS = 100;
  private static final long STACK_BYTES = 256 * 1024;

  @Test
  void aThousandThreadsShareFourWorkers() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(180),
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.bareRuntime("load")
                  .eagerStart(true)
                  .pool(
                      "default",
                      ItEnvironment.pool()
                          .size(4)
                          .maxWaiters(THREADS)
                          .defaultTimeout(Duration.ofSeconds(120))
                          .build())
                  .build()) {
            AtomicLong correct = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>(THREADS);
            for (int t = 0; t < THREADS; t++) {
              long base = t * 1_000L;
              Thread thread =
                  new Thread(
                      null,
                      () -> {
                        try {
                          go.await();
                          for (long i = 0; i < CALLS; i++) {
                            Object sum = python.call("operator", "add", base, i);
                            if (Long.valueOf(base + i).equals(sum)) {
                              correct.incrementAndGet();
                            } else {
                              failures.add(new AssertionError(base + " + " + i + " gave " + sum));
                            }
                          }
                        } catch (Throwable e) {
                          failures.add(e);
                        }
                      },
                      "load-" + t,
                      STACK_BYTES);
              thread.start();
              threads.add(thread);
            }
            long start = System.nanoTime();
            go.countDown();
            for (Thread thread : threads) {
              thread.join();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            PoolStats stats = python.poolStats();
            System.out.println(
                "load: " + THREADS * CALLS + " calls in " + millis + " ms; " + stats);
            assertTrue(
                failures.isEmpty(),
                () -> failures.size() + " failures, the first: " + failures.peek());
            assertEquals((long) THREADS * CALLS, correct.get());
            assertEquals((long) THREADS * CALLS, stats.calls());
            assertEquals(0, stats.failures());
            Await.value("every worker idle again", python::poolStats, s -> s.idle() == 4);
          }
        });
  }

  @Test
  void twentySlowCallsOnEightWorkersRunEightAtATime() {
    assertTimeoutPreemptively(
        Await.CEILING.multipliedBy(2),
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.bareRuntime("saturation")
                  .eagerStart(true)
                  .pool("default", ItEnvironment.pool().size(8).build())
                  .build()) {
            Await.value("8 idle workers", python::poolStats, s -> s.idle() == 8);
            // The first eight wait for each other: they finish only if they run at once.
            Path meeting = Files.createTempDirectory(ItEnvironment.workDir(), "saturation-");
            List<CompletableFuture<Object>> calls = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
              calls.add(
                  i < 8
                      ? python.callAsync(
                          "sbtest_helpers",
                          "pid_at_rendezvous",
                          List.of(meeting.toString(), 8),
                          CallOptions.defaults())
                      : python.callAsync(
                          "sbtest_helpers",
                          "sleep_then_pid",
                          List.of(0.5),
                          CallOptions.defaults()));
            }
            Set<Object> met = new HashSet<>();
            Set<Object> all = new HashSet<>();
            for (int i = 0; i < 20; i++) {
              Object pid = calls.get(i).get();
              (i < 8 ? met : all).add(pid);
            }
            all.addAll(met);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println(
                "saturation: 8 meeting + 12 x 500 ms on 8 workers in " + millis + " ms");
            assertEquals(8, met.size(), "eight workers at once: " + met);
            assertEquals(met, all, "the pool's eight workers ran every call");
          }
        });
  }
}
