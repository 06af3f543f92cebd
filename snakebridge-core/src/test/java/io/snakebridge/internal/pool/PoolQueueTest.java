package io.snakebridge.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolOptions;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.RecordingEventListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Waiting for a worker: first come first served, bounded, timed, cancellable. */
@Timeout(20)
class PoolQueueTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final FakeTicker ticker = new FakeTicker();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final RecordingEventListener events = new RecordingEventListener();
  private WorkerPool pool;
  private CallLease busy;

  /** A pool of one worker, leased by the test. */
  private void oneBusyWorker(PoolOptions.Builder options) {
    pool = TestPools.pool("queue", options.size(1).build(), new FakeSpawner(), ticker, events);
    busy = TestPools.lease(pool, ticker, TIMEOUT);
  }

  @AfterEach
  void close() {
    pool.close(TimeUnit.MILLISECONDS.toNanos(50));
    threads.shutdownNow();
  }

  private Future<CallLease> waiter(CallControl control, String name) throws InterruptedException {
    int before = pool.stats().waiting();
    Future<CallLease> future =
        threads.submit(() -> pool.lease(ticker.read() + TIMEOUT.toNanos(), TIMEOUT, control, name));
    Await.value("the caller in line", pool::stats, s -> s.waiting() != before);
    return future;
  }

  @Test
  void waitersAreServedInTheOrderTheyCame() throws Exception {
    oneBusyWorker(TestPools.options(1));
    List<String> served = new CopyOnWriteArrayList<>();
    List<Future<?>> callers = new ArrayList<>();
    for (String name : List.of("first", "second", "third")) {
      Future<CallLease> lease = waiter(null, name);
      callers.add(
          threads.submit(
              () -> {
                CallLease mine = lease.get();
                served.add(name);
                pool.release(mine);
                return null;
              }));
    }
    assertEquals(3, pool.stats().waiting());
    assertEquals(
        List.of(
            "callQueued default first", "callQueued default second", "callQueued default third"),
        events.events("callQueued"));
    pool.release(busy);
    for (Future<?> caller : callers) {
      caller.get(5, TimeUnit.SECONDS);
    }
    assertEquals(List.of("first", "second", "third"), served);
  }

  @Test
  void aCallerArrivingWhenAWorkerIsFreedDoesNotJumpTheLine() throws Exception {
    oneBusyWorker(TestPools.options(1));
    Future<CallLease> first = waiter(null, "first");
    pool.release(busy); // handed straight to the first waiter
    Future<CallLease> late = threads.submit(() -> TestPools.lease(pool, ticker, TIMEOUT));
    CallLease mine = first.get(5, TimeUnit.SECONDS);
    TimeUnit.MILLISECONDS.sleep(20);
    assertFalse(late.isDone(), "the worker went to the caller that waited");
    pool.release(mine);
    pool.release(late.get(5, TimeUnit.SECONDS));
  }

  @Test
  void pastMaxWaitersACallFailsAtOnceWithThePoolState() throws Exception {
    oneBusyWorker(TestPools.options(1).maxWaiters(1));
    Future<CallLease> waiting = waiter(null, "w");
    PoolExhaustedException e =
        assertThrows(PoolExhaustedException.class, () -> TestPools.lease(pool, ticker, TIMEOUT));
    assertTrue(e.getMessage().contains("maxWaiters is 1"), e.getMessage());
    assertTrue(
        e.getMessage().contains("pool size 1, 1 busy, 0 idle, 0 starting, 1 waiting"),
        e.getMessage());
    pool.release(busy);
    pool.release(waiting.get(5, TimeUnit.SECONDS));
  }

  @Test
  void maxWaitersZeroFailsEveryCallThatFindsNoFreeWorker() {
    oneBusyWorker(TestPools.options(1).maxWaiters(0));
    assertThrows(PoolExhaustedException.class, () -> TestPools.lease(pool, ticker, TIMEOUT));
    pool.release(busy);
    pool.release(TestPools.lease(pool, ticker, TIMEOUT));
  }

  @Test
  void pastTheAcquireTimeoutAWaiterFailsWithPoolExhaustedAndNeverRunsLater() throws Exception {
    oneBusyWorker(TestPools.options(1).acquireTimeout(Duration.ofMillis(100)));
    Future<CallLease> waiting = waiter(null, "w");
    ticker.advance(Duration.ofMillis(150));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
    PoolExhaustedException exhausted = assertInstanceOf(PoolExhaustedException.class, e.getCause());
    assertTrue(
        exhausted.getMessage().contains("within the acquire timeout PT0.1S"),
        exhausted.getMessage());
    assertTrue(
        exhausted.getMessage().contains("1 busy, 0 idle, 0 starting, 1 waiting"),
        exhausted.getMessage());
    pool.release(busy);
    assertEquals(0, pool.stats().waiting());
    assertEquals(1, pool.stats().idle(), "the freed worker went to nobody");
  }

  @Test
  void aQueuedCallPastItsDeadlineTimesOutAndNeverRunsLater() throws Exception {
    oneBusyWorker(TestPools.options(1));
    Future<CallLease> waiting =
        threads.submit(
            () ->
                pool.lease(
                    ticker.read() + TimeUnit.MILLISECONDS.toNanos(100),
                    Duration.ofMillis(100),
                    null,
                    null));
    Await.value("the caller in line", pool::stats, s -> s.waiting() != 0);
    ticker.advance(Duration.ofMillis(150));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
    assertInstanceOf(CallTimeoutException.class, e.getCause());
    pool.release(busy);
    assertEquals(1, pool.stats().idle(), "the freed worker went to nobody");
  }

  @Test
  void aCancelledWaiterLeavesTheLineAtOnceAndNeverRunsLater() throws Exception {
    oneBusyWorker(TestPools.options(1));
    CallControl control = new CallControl();
    Future<CallLease> waiting = waiter(control, "w");
    Future<CallLease> next = waiter(null, "next");
    control.cancel(false);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
    assertInstanceOf(CancellationException.class, e.getCause());
    assertEquals(1, pool.stats().waiting());
    pool.release(busy);
    assertSame(
        busy.worker(),
        next.get(5, TimeUnit.SECONDS).worker(),
        "the worker went to the next caller, not to the cancelled one");
  }

  @Test
  void aCallCancelledBeforeItWaitsNeverWaits() {
    oneBusyWorker(TestPools.options(1));
    CallControl control = new CallControl();
    control.cancel(true);
    assertThrows(
        CancellationException.class,
        () -> pool.lease(ticker.read() + TIMEOUT.toNanos(), TIMEOUT, control, null));
    assertEquals(0, pool.stats().waiting());
    pool.release(busy);
  }

  @Test
  void aLeaseGotJustBeforeACancelIsCancelledBeforeItIsSent() {
    oneBusyWorker(TestPools.options(1));
    pool.release(busy);
    CallControl control = new CallControl();
    CallLease lease = pool.lease(ticker.read() + TIMEOUT.toNanos(), TIMEOUT, control, null);
    control.cancel(true);
    assertEquals(CallLease.Cause.CANCELLED, lease.cancelCause());
    assertFalse(lease.send(7, null, null), "nothing may be sent for it");
    pool.release(lease);
    assertEquals(1, pool.stats().idle());
  }
}
