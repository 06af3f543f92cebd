package io.snakebridge.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.WorkerCrashedException;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.RecordingEventListener;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.wire.FrameKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool's leasing, starting, start back-off, call slots and closing, over scripted workers. */
class WorkerPoolTest {
  private static final Duration LIMIT = Await.CEILING;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final FakeTicker ticker = new FakeTicker();
  private final RecordingEventListener events = new RecordingEventListener();
  private WorkerPool pool;

  /** Own threads: the common pool has a single thread on a 2-core machine. */
  private final ExecutorService threads = Executors.newCachedThreadPool();

  private WorkerPool pool(int size, FakeSpawner spawner) {
    return pool(TestPools.options(size).build(), spawner);
  }

  private WorkerPool pool(PoolOptions options, FakeSpawner spawner) {
    pool = TestPools.pool("test", options, spawner, ticker, events);
    return pool;
  }

  private CallLease lease() {
    return TestPools.lease(pool, ticker, TIMEOUT);
  }

  private CompletableFuture<CallLease> leaseLater() {
    return CompletableFuture.supplyAsync(this::lease, threads);
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close(TimeUnit.SECONDS.toNanos(1));
    }
    threads.shutdownNow();
  }

  @Test
  void startsAWorkerOnFirstUseAndReusesTheWarmOne() {
    FakeSpawner spawner = new FakeSpawner();
    pool(4, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease first = lease();
          assertEquals("test-1", first.worker().id());
          assertEquals("/opt/fake/python3", first.process().info().executable());
          pool.release(first);
          CallLease again = lease();
          assertSame(first.worker(), again.worker(), "the idle stack hands back the recent worker");
          pool.release(again);
          assertEquals(1, spawner.spawned().size(), "one caller at a time needs one worker");
          assertEquals(1, spawner.handshakes().size());
          events.await("workerReady default test-1");
          assertEquals(
              List.of("workerStarted default test-1", "workerReady default test-1"),
              events.events());
        });
  }

  @Test
  void concurrentCallersGetTheirOwnWorkersUpToThePoolSize() {
    FakeSpawner spawner = new FakeSpawner();
    pool(2, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease a = lease();
          CallLease b = lease();
          assertNotSame(a.worker(), b.worker());
          CompletableFuture<CallLease> third = leaseLater();
          Await.value("the third caller waiting", pool::stats, s -> s.waiting() == 1);
          assertFalse(third.isDone(), "a full pool makes the third caller wait");
          PoolStats stats = pool.stats();
          assertEquals(2, stats.busy());
          assertEquals(1, stats.waiting());
          pool.release(b);
          assertSame(b.worker(), third.get().worker());
          assertEquals(2, spawner.spawned().size(), "never more processes than the pool size");
          pool.release(a);
          pool.release(third.get());
          assertEquals(2, pool.stats().idle());
        });
  }

  @Test
  void eachThreadGetsBackTheWorkerItUsedLastWhileThatOneIsIdle() {
    pool(2, new FakeSpawner());
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          ExecutorService other = Executors.newSingleThreadExecutor();
          try {
            CallLease mine = lease();
            CallLease theirs = other.submit(this::lease).get();
            assertNotSame(mine.worker(), theirs.worker());
            pool.release(mine);
            pool.release(theirs); // now the most recently idle worker is theirs
            for (int round = 0; round < 3; round++) {
              CallLease again = lease();
              assertSame(
                  mine.worker(), again.worker(), "round " + round + ": this thread's worker");
              CallLease theirsAgain = other.submit(this::lease).get();
              assertSame(theirs.worker(), theirsAgain.worker(), "round " + round + ": the other's");
              pool.release(theirsAgain);
              pool.release(again);
            }
            CallLease first = other.submit(this::lease).get();
            assertSame(theirs.worker(), first.worker());
            CallLease second = other.submit(this::lease).get();
            assertSame(mine.worker(), second.worker(), "its own busy, a thread takes an idle one");
            pool.release(first);
            pool.release(second);
          } finally {
            other.shutdownNow();
          }
        });
  }

  @Test
  void aWorkerServesUpToThreadsPerWorkerCallsAtOnce() {
    FakeSpawner spawner = new FakeSpawner();
    pool(TestPools.options(1).threadsPerWorker(2).build(), spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease a = lease();
          CallLease b = lease();
          assertSame(a.worker(), b.worker(), "two calls share the one worker");
          assertNotSame(a.slot, b.slot);
          CompletableFuture<CallLease> third = leaseLater();
          Await.value("the third caller waiting", pool::stats, s -> s.waiting() == 1);
          assertFalse(third.isDone(), "both of its call slots are taken");
          assertEquals(1, pool.stats().busy());
          pool.release(a);
          CallLease c = third.get();
          assertSame(a.worker(), c.worker());
          assertEquals(a.slot, c.slot, "the freed slot is reused");
          pool.release(b);
          pool.release(c);
          assertEquals(1, spawner.spawned().size());
          assertEquals(1, pool.stats().idle());
        });
  }

  @Test
  void aPartlyBusyWorkerIsUsedOnlyWhenNoWorkerIsIdle() {
    pool(TestPools.options(2).threadsPerWorker(2).build(), new FakeSpawner());
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          pool.startAll();
          CallLease a = lease();
          Await.value("the second worker ready", pool::stats, s -> s.idle() >= 1);
          CallLease b = lease();
          assertNotSame(a.worker(), b.worker(), "an idle worker first: processes run in parallel");
          CallLease c = lease();
          pool.release(a);
          pool.release(b);
          pool.release(c);
        });
  }

  @Test
  void waitingPastTheDeadlineThrowsCallTimeoutWithThePoolState() {
    pool(1, new FakeSpawner());
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease busy = lease();
          CallTimeoutException e =
              assertThrows(
                  CallTimeoutException.class,
                  () -> pool.lease(ticker.read(), Duration.ofMillis(300), null, null));
          assertEquals(Duration.ofMillis(300), e.timeout());
          assertTrue(e.workerId().isEmpty(), "no worker ran the call");
          assertTrue(
              e.getMessage().contains("pool size 1, 1 busy, 0 idle, 0 starting"), e.getMessage());
          pool.release(busy);
        });
  }

  @Test
  void anInterruptedWaiterKeepsItsInterruptAndGivesUp() {
    pool(1, new FakeSpawner());
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease busy = lease();
          CompletableFuture<Throwable> outcome = new CompletableFuture<>();
          Thread waiter =
              new Thread(
                  () -> {
                    try {
                      lease();
                      outcome.complete(null);
                    } catch (RuntimeException e) {
                      outcome.complete(
                          Thread.currentThread().isInterrupted()
                              ? e
                              : new AssertionError("interrupt flag lost", e));
                    }
                  });
          waiter.start();
          Await.value("the caller waiting", pool::stats, s -> s.waiting() == 1);
          waiter.interrupt();
          Throwable e = outcome.get();
          assertInstanceOf(SnakeBridgeException.class, e);
          assertInstanceOf(InterruptedException.class, e.getCause());
          assertTrue(
              e.getMessage().contains("interrupted while waiting for a Python worker"),
              e.getMessage());
          pool.release(busy);
          CallLease again = lease();
          assertSame(busy.worker(), again.worker(), "the pool is unharmed");
          pool.release(again);
        });
  }

  @Test
  void aWorkerThatNeverAnswersTheHandshakeIsStoppedAtTheStartupTimeout() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onHello(w -> {}));
    pool(1, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CompletableFuture<CallLease> caller = leaseLater();
          Await.until(
              "the start thread arming the start-up deadline",
              () -> pool.housekeep(ticker.read()) == Watchdog.WATCH_INTERVAL_NANOS);
          pool.housekeep(ticker.read() + Duration.ofSeconds(30).toNanos());
          ExecutionException e = assertThrows(ExecutionException.class, caller::get);
          PoolExhaustedException exhausted =
              assertInstanceOf(PoolExhaustedException.class, e.getCause());
          assertTrue(
              exhausted
                  .getCause()
                  .getMessage()
                  .contains(
                      "test-1 (/opt/fake/python3) did not complete its handshake within PT30S"),
              exhausted.getCause().getMessage());
          assertFalse(spawner.spawned().get(0).process().isAlive());
          events.await("workerExited default test-1 START_FAILED");
          assertEquals(1, pool.stats().crashes());
        });
  }

  @Test
  void aFailedStartFailsTheWaitersPromptlyAndStartsAgainOnlyAfterTheBackOff() {
    FakeSpawner spawner =
        new FakeSpawner()
            .failNext(new SnakeBridgeException("Python command 'nope' was not found on PATH"));
    pool(2, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PoolExhaustedException e = assertThrows(PoolExhaustedException.class, this::lease);
          assertTrue(e.getMessage().contains("no Python worker could be started"), e.getMessage());
          assertTrue(e.getMessage().contains("pool size 2"), e.getMessage());
          assertEquals("Python command 'nope' was not found on PATH", e.getCause().getMessage());

          PoolExhaustedException again = assertThrows(PoolExhaustedException.class, this::lease);
          assertSame(e.getCause(), again.getCause(), "within the back-off: fails at once");
          assertEquals(0, spawner.spawned().size(), "and starts nothing: no spawn loop");

          ticker.advance(Duration.ofNanos(StartBackoff.FIRST_DELAY_NANOS));
          CallLease worker = lease();
          assertTrue(worker.process().isAlive(), "after the back-off a call starts a worker again");
          pool.release(worker);
        });
  }

  @Test
  void theWatchdogRestartsAFailedWorkerAfterTheBackOff() {
    FakeSpawner spawner =
        new FakeSpawner()
            .failNext(new SnakeBridgeException("first start fails"))
            .failNext(new SnakeBridgeException("second start fails"));
    pool(1, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          pool.startAll();
          events.await("workerExited default test-1 START_FAILED");
          long failedAt = ticker.read();
          long delay = pool.housekeep(failedAt);
          assertEquals(StartBackoff.FIRST_DELAY_NANOS, delay, "the watchdog comes back when due");
          pool.housekeep(failedAt + delay);
          events.await("workerExited default test-2 START_FAILED");
          assertEquals(
              2 * StartBackoff.FIRST_DELAY_NANOS,
              pool.housekeep(ticker.read()),
              "the back-off doubles");
          pool.housekeep(ticker.read() + 2 * StartBackoff.FIRST_DELAY_NANOS);
          events.await("workerReady default test-3");
          CallLease lease = lease();
          assertEquals("test-3", lease.worker().id());
          pool.release(lease);
          assertEquals(2, pool.stats().restarts(), "two starts replaced failed ones");
        });
  }

  @Test
  void aFailedStartDoesNotFailWaitersWhileAnotherWorkerServes() {
    FakeSpawner spawner = new FakeSpawner();
    pool(2, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease first = lease();
          spawner.failNext(new SnakeBridgeException("the second start fails"));
          CompletableFuture<CallLease> waiter = leaseLater();
          events.await("workerExited default test-2 START_FAILED");
          TimeUnit.MILLISECONDS.sleep(20);
          assertFalse(waiter.isDone(), "a ready worker will serve it");
          pool.release(first);
          assertSame(first.worker(), waiter.get().worker());
          pool.release(waiter.get());
        });
  }

  @Test
  void backOffDoublesUpToItsBound() {
    assertEquals(TimeUnit.MILLISECONDS.toNanos(250), StartBackoff.delay(1));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(500), StartBackoff.delay(2));
    assertEquals(TimeUnit.SECONDS.toNanos(1), StartBackoff.delay(3));
    assertEquals(TimeUnit.SECONDS.toNanos(30), StartBackoff.delay(9));
    assertEquals(TimeUnit.SECONDS.toNanos(30), StartBackoff.delay(1000));
  }

  @Test
  void aWorkerThatExitsDuringItsHandshakeIsReportedWithStatusAndStderr() {
    FakeSpawner spawner =
        new FakeSpawner(
            worker ->
                worker.onHello(
                    w ->
                        w.crash(
                            1,
                            "Traceback (most recent call last):",
                            "ImportError: no module named x")));
    pool(1, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PoolExhaustedException e = assertThrows(PoolExhaustedException.class, this::lease);
          WorkerCrashedException crash =
              assertInstanceOf(WorkerCrashedException.class, e.getCause());
          assertEquals(1, crash.exitCode().getAsInt());
          assertTrue(
              crash.stderrTail().contains("ImportError: no module named x"), crash.stderrTail());
          assertTrue(
              crash
                  .getMessage()
                  .contains(
                      "test-1 (/opt/fake/python3) ended before completing its handshake: exit status 1"),
              crash.getMessage());
        });
  }

  @Test
  void startAllFillsThePoolInParallel() {
    FakeSpawner spawner = new FakeSpawner();
    pool(3, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          pool.startAll();
          CallLease a = lease();
          CallLease b = lease();
          CallLease c = lease();
          assertEquals(3, spawner.spawned().size());
          pool.release(a);
          pool.release(b);
          pool.release(c);
          assertEquals(3, pool.stats().idle());
          assertEquals(0, pool.stats().restarts());
        });
  }

  @Test
  void aDiscardedWorkerIsReplacedAndCounted() {
    FakeSpawner spawner = new FakeSpawner();
    pool(1, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease lease = lease();
          lease.process().kill();
          assertEquals(
              io.snakebridge.EventListener.ExitReason.CRASHED,
              pool.discard(lease, io.snakebridge.EventListener.ExitReason.CRASHED));
          CallLease next = lease();
          assertEquals("test-2", next.worker().id());
          pool.release(next);
          PoolStats stats = pool.stats();
          assertEquals(1, stats.crashes());
          assertEquals(1, stats.restarts());
          assertTrue(events.events().contains("workerExited default test-1 CRASHED"));
        });
  }

  @Test
  void closeShutsIdleWorkersDownFailsWaitersAndRefusesNewCalls() {
    FakeSpawner spawner = new FakeSpawner();
    pool(1, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease busy = lease();
          CompletableFuture<CallLease> waiter = leaseLater();
          Await.value("the caller waiting", pool::stats, s -> s.waiting() == 1);
          CompletableFuture<Void> closing =
              CompletableFuture.runAsync(() -> pool.close(TimeUnit.SECONDS.toNanos(5)), threads);
          ExecutionException e = assertThrows(ExecutionException.class, waiter::get);
          assertTrue(
              e.getCause().getMessage().contains("closed while the call waited"),
              e.getCause().getMessage());
          pool.release(busy); // the running call finishes within the grace period
          closing.get();
          ScriptedWorker worker = spawner.spawned().get(0);
          assertEquals(FrameKind.SHUTDOWN, worker.received().get(worker.received().size() - 1));
          assertFalse(worker.process().isAlive());
          assertThrows(IllegalStateException.class, this::lease);
          pool.close(0); // idempotent
          assertTrue(events.events().contains("workerExited default test-1 SHUTDOWN"));
        });
  }

  @Test
  void closeKillsWorkersStillStartingAndReturnsPromptly() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onHello(w -> {}));
    pool(2, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          pool.startAll();
          Await.until(
              "two workers starting",
              () -> spawner.spawned().size() == 2 && pool.stats().starting() == 2);
          // A grace period beyond LIMIT: a start gets none.
          pool.close(LIMIT.multipliedBy(10).toNanos());
          for (ScriptedWorker worker : spawner.spawned()) {
            assertFalse(worker.process().isAlive());
          }
        });
  }

  @Test
  void closeStopsAWorkerWhoseCallOutlivesTheGracePeriod() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onCall(call -> {}));
    pool(1, spawner);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          CallLease busy = lease();
          pool.close(TimeUnit.MILLISECONDS.toNanos(100));
          assertFalse(busy.process().isAlive());
          assertEquals(128 + 15, busy.process().exitCode().getAsInt(), "SIGTERM came first");
        });
  }
}
