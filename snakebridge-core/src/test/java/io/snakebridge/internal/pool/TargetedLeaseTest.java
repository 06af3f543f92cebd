package io.snakebridge.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Affinity;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.WorkerBusyException;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Leasing the one worker that holds a session's objects, under each affinity. */
@Timeout(20)
class TargetedLeaseTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final FakeTicker ticker = new FakeTicker();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private WorkerPool pool;
  private PooledWorker a;
  private PooledWorker b;

  @BeforeEach
  void twoBusyWorkers() {
    pool = new WorkerPool("target", 2, new FakeSpawner(), ticker, Duration.ofSeconds(30));
    a = pool.lease(deadline(), TIMEOUT);
    b = pool.lease(deadline(), TIMEOUT);
  }

  @AfterEach
  void close() {
    pool.close(TimeUnit.MILLISECONDS.toNanos(50)); // leased workers are killed after that
    threads.shutdownNow();
  }

  private long deadline() {
    return ticker.read() + TIMEOUT.toNanos();
  }

  private Future<PooledWorker> targeted(PooledWorker target, long deadline) {
    return threads.submit(() -> pool.leaseTarget(target, Affinity.STRICT_QUEUE, deadline,
        TIMEOUT, "s1"));
  }

  /** Waits until {@code count} threads are parked in the pool, waiting for a worker. */
  private static void awaitParked(int count) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      long parked = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getState() == Thread.State.TIMED_WAITING)
          .filter(t -> java.util.Arrays.stream(t.getStackTrace())
              .anyMatch(f -> f.getMethodName().equals("awaitTarget")
                  || f.getMethodName().equals("await") && f.getClassName().endsWith("WorkerPool")))
          .count();
      if (parked >= count) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("nobody waited");
  }

  @Test
  void aTargetedCallerGetsItsWorkerBeforeACallerThatTakesAny() throws Exception {
    Future<PooledWorker> mine = targeted(a, deadline());
    Future<PooledWorker> any = threads.submit(() -> pool.lease(deadline(), TIMEOUT));
    awaitParked(2);
    pool.release(a);
    assertSame(a, mine.get(5, TimeUnit.SECONDS));
    assertFalse(any.isDone(), "a was reserved for the targeted caller");
    pool.release(b);
    assertSame(b, any.get(5, TimeUnit.SECONDS));
  }

  @Test
  void anIdleTargetIsTakenFromAnywhereOnTheIdleStack() {
    pool.release(a);
    pool.release(b); // b is on top
    assertSame(a, pool.leaseTarget(a, Affinity.STRICT_QUEUE, deadline(), TIMEOUT, "s1"));
    assertSame(b, pool.lease(deadline(), TIMEOUT));
  }

  @Test
  void failFastThrowsAtOnceWhenTheTargetIsBusy() {
    WorkerBusyException e = assertThrows(WorkerBusyException.class,
        () -> pool.leaseTarget(a, Affinity.STRICT_FAIL_FAST, deadline(), TIMEOUT, "s1"));
    assertEquals("target-1", e.workerId());
    assertEquals("s1", e.sessionId());
    assertTrue(e.getMessage().contains("is running another call"), e.getMessage());
    pool.release(a);
    assertSame(a, pool.leaseTarget(a, Affinity.STRICT_FAIL_FAST, deadline(), TIMEOUT, "s1"));
  }

  @Test
  void hintTakesAnotherWorkerWhenTheTargetIsBusy() {
    pool.release(b);
    assertSame(b, pool.leaseTarget(a, Affinity.HINT, deadline(), TIMEOUT, "s1"));
  }

  @Test
  void aGoneTargetGivesNullAlsoToACallerAlreadyWaiting() throws Exception {
    Future<PooledWorker> waiting = targeted(a, deadline());
    awaitParked(1);
    pool.discard(a);
    assertNull(waiting.get(5, TimeUnit.SECONDS));
    assertNull(pool.leaseTarget(a, Affinity.STRICT_QUEUE, deadline(), TIMEOUT, "s1"));
    assertTrue(a.isGone());
  }

  @Test
  void aTargetedWaitTimesOutAndAReservedWorkerGoesBackToEveryone() throws Exception {
    Future<PooledWorker> late = targeted(a, ticker.read() + TimeUnit.MILLISECONDS.toNanos(20));
    awaitParked(1);
    ticker.advance(Duration.ofSeconds(1));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> late.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof CallTimeoutException, e.getCause().toString());
    assertTrue(e.getCause().getMessage().contains("holds the objects of session s1"),
        e.getCause().getMessage());
    pool.release(a);
    assertSame(a, pool.lease(deadline(), TIMEOUT), "not kept for a caller who left");
  }
}
