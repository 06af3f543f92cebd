package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.PoolStats;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,000 threads each make 100 calls against 4 workers: every one of the 100,000 results is
 * correct. Platform threads with small stacks (the baseline is Java 17, before virtual threads).
 * And saturation: 20 calls of 500 ms on 8 workers take less than 1.5 times the ideal 1,250 ms.
 */
@ExtendWith(NoLeakedWorkers.class)
class LoadIT {
  private static final int THREADS = 1_000;
  private static final int CALLS = 100;
  private static final long STACK_BYTES = 256 * 1024;

  @Test
  void aThousandThreadsShareFourWorkers() {
    assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
      try (SnakeBridgeRuntime python = ItEnvironment.bareRuntime("load").eagerStart(true)
          .pool("default", ItEnvironment.pool().size(4).maxWaiters(THREADS)
              .defaultTimeout(Duration.ofSeconds(120)).build()).build()) {
        AtomicLong correct = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>(THREADS);
        for (int t = 0; t < THREADS; t++) {
          long base = t * 1_000L;
          Thread thread = new Thread(null, () -> {
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
          }, "load-" + t, STACK_BYTES);
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
        System.out.println("load: " + THREADS * CALLS + " calls in " + millis + " ms; " + stats);
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, the first: "
            + failures.peek());
        assertEquals((long) THREADS * CALLS, correct.get());
        assertEquals((long) THREADS * CALLS, stats.calls());
        assertEquals(0, stats.failures());
        assertEquals(4, stats.idle());
      }
    });
  }

  @Test
  void twentySlowCallsOnEightWorkersTakeLessThanOneAndAHalfTimesTheIdeal() {
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      try (SnakeBridgeRuntime python = ItEnvironment.bareRuntime("saturation").eagerStart(true)
          .pool("default", ItEnvironment.pool().size(8).build()).build()) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (python.poolStats().idle() < 8) {
          assertTrue(System.nanoTime() < end, "8 workers did not start");
          TimeUnit.MILLISECONDS.sleep(10);
        }
        List<java.util.concurrent.CompletableFuture<Object>> calls = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
          calls.add(python.callAsync("time", "sleep", List.of(0.5),
              io.snakebridge.CallOptions.defaults()));
        }
        for (java.util.concurrent.CompletableFuture<Object> call : calls) {
          call.get();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("saturation: 20 x 500 ms on 8 workers in " + millis + " ms");
        assertTrue(millis < 1875, "took " + millis + " ms, ideal 1250 ms");
      }
    });
  }
}
