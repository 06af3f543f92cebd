package io.snakebridge.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Affinity;
import io.snakebridge.Await;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.EventListener;
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
  private CallLease leaseA;
  private CallLease leaseB;
  private PooledWorker a;
  private PooledWorker b;

  @BeforeEach
  void twoBusyWorkers() {
    pool = TestPools.pool("target", TestPools.options(2).build(), new FakeSpawner(), ticker);
    leaseA = any();
    leaseB = any();
    a = leaseA.worker();
    b = leaseB.worker();
  }

  private CallLease any() {
    return pool.lease(deadline(), TIMEOUT, null, null);
  }

  private CallLease target(PooledWorker target, Affinity affinity) {
    return pool.leaseTarget(target, affinity, deadline(), TIMEOUT, "s1", null, null);
  }

  private static PooledWorker worker(Future<CallLease> lease) throws Exception {
    CallLease leased = lease.get(5, TimeUnit.SECONDS);
    return leased == null ? null : leased.worker();
  }

  @AfterEach
  void close() {
    pool.close(TimeUnit.MILLISECONDS.toNanos(50)); // leased workers are killed after that
    threads.shutdownNow();
  }

  private long deadline() {
    return ticker.read() + TIMEOUT.toNanos();
  }

  private Future<CallLease> targeted(PooledWorker target, long deadline) {
    return threads.submit(
        () -> pool.leaseTarget(target, Affinity.STRICT_QUEUE, deadline, TIMEOUT, "s1", null, null));
  }

  /** Waits until {@code count} threads are parked in the pool, waiting for a worker. */
  private static void awaitParked(int count) {
    Await.until(
        count + " threads parked in the pool",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getState() == Thread.State.TIMED_WAITING)
                    .filter(
                        t ->
                            java.util.Arrays.stream(t.getStackTrace())
                                .anyMatch(
                                    f ->
                                        f.getMethodName().equals("awaitTargetLocked")
                                            || (f.getMethodName().equals("awaitLocked")
                                                && f.getClassName().endsWith("PoolWaits"))))
                    .count()
                >= count);
  }

  @Test
  void aTargetedCallerGetsItsWorkerBeforeACallerThatTakesAny() throws Exception {
    Future<CallLease> mine = targeted(a, deadline());
    Future<CallLease> other = threads.submit(this::any);
    awaitParked(2);
    pool.release(leaseA);
    assertSame(a, worker(mine));
    assertFalse(other.isDone(), "a was reserved for the targeted caller");
    pool.release(leaseB);
    assertSame(b, worker(other));
  }

  @Test
  void anIdleTargetIsTakenFromAnywhereOnTheIdleStack() {
    pool.release(leaseA);
    pool.release(leaseB); // b is on top
    assertSame(a, target(a, Affinity.STRICT_QUEUE).worker());
    assertSame(b, any().worker());
  }

  @Test
  void failFastThrowsAtOnceWhenTheTargetIsBusy() {
    WorkerBusyException e =
        assertThrows(WorkerBusyException.class, () -> target(a, Affinity.STRICT_FAIL_FAST));
    assertEquals("target-1", e.workerId());
    assertEquals("s1", e.sessionId());
    assertTrue(e.getMessage().contains("is running another call"), e.getMessage());
    pool.release(leaseA);
    assertSame(a, target(a, Affinity.STRICT_FAIL_FAST).worker());
  }

  @Test
  void hintTakesAnotherWorkerWhenTheTargetIsBusy() {
    pool.release(leaseB);
    assertSame(b, target(a, Affinity.HINT).worker());
  }

  @Test
  void aGoneTargetGivesNullAlsoToACallerAlreadyWaiting() throws Exception {
    Future<CallLease> waiting = targeted(a, deadline());
    awaitParked(1);
    pool.discard(leaseA, EventListener.ExitReason.CRASHED);
    assertNull(worker(waiting));
    assertNull(target(a, Affinity.STRICT_QUEUE));
    assertTrue(a.isGone());
  }

  @Test
  void aTargetedWaitTimesOutAndAReservedWorkerGoesBackToEveryone() throws Exception {
    Future<CallLease> late = targeted(a, ticker.read() + TimeUnit.MILLISECONDS.toNanos(20));
    awaitParked(1);
    ticker.advance(Duration.ofSeconds(1));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof CallTimeoutException, e.getCause().toString());
    assertTrue(
        e.getCause().getMessage().contains("holds the objects of session s1"),
        e.getCause().getMessage());
    pool.release(leaseA);
    assertSame(a, any().worker(), "not kept for a caller who left");
  }

  @Test
  void aRetiringWorkerStillServesCallsThatMustRunThereButNoOthers() throws Exception {
    a.refAdded(); // a live PyRef of a session lives on a
    pool.upkeep.retire(a, EventListener.RecycleReason.MAX_LIFETIME);
    pool.release(leaseA);
    pool.release(leaseB);
    assertSame(b, any().worker(), "a takes no new call");
    assertSame(a, target(a, Affinity.STRICT_QUEUE).worker(), "but serves its session");
  }
}
