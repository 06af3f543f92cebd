package io.snakebridge.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallTimeoutException;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.WorkerCrashedException;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.wire.FrameKind;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool's leasing, starting, replacing and closing, over scripted workers. */
class WorkerPoolTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final FakeTicker ticker = new FakeTicker();
  private WorkerPool pool;
  /** Own threads: the common pool has a single thread on a 2-core machine. */
  private final ExecutorService threads = Executors.newCachedThreadPool();

  private WorkerPool pool(int size, FakeSpawner spawner) {
    pool = new WorkerPool("test", size, spawner, ticker, Duration.ofSeconds(30));
    return pool;
  }

  private long deadline() {
    return ticker.read() + TIMEOUT.toNanos();
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
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker first = pool.lease(deadline(), TIMEOUT);
      assertEquals("test-1", first.id());
      assertEquals("/opt/fake/python3", first.process().info().executable());
      pool.release(first);
      PooledWorker again = pool.lease(deadline(), TIMEOUT);
      assertSame(first, again, "the idle stack hands back the most recent worker");
      pool.release(again);
      assertEquals(1, spawner.spawned().size(), "one caller at a time needs one worker");
      assertEquals(1, spawner.handshakes().size());
    });
  }

  @Test
  void concurrentCallersGetTheirOwnWorkersUpToThePoolSize() {
    FakeSpawner spawner = new FakeSpawner();
    pool(2, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker a = pool.lease(deadline(), TIMEOUT);
      PooledWorker b = pool.lease(deadline(), TIMEOUT);
      assertNotSame(a, b);
      CompletableFuture<PooledWorker> third =
          CompletableFuture.supplyAsync(() -> pool.lease(deadline(), TIMEOUT), threads);
      TimeUnit.MILLISECONDS.sleep(50);
      assertFalse(third.isDone(), "a full pool makes the third caller wait");
      pool.release(b);
      assertSame(b, third.get());
      assertEquals(2, spawner.spawned().size(), "never more processes than the pool size");
      pool.release(a);
      pool.release(b);
    });
  }

  @Test
  void waitingPastTheDeadlineThrowsCallTimeoutWithThePoolState() {
    pool(1, new FakeSpawner());
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker busy = pool.lease(deadline(), TIMEOUT);
      CallTimeoutException e = assertThrows(CallTimeoutException.class,
          () -> pool.lease(ticker.read(), Duration.ofMillis(300)));
      assertEquals(Duration.ofMillis(300), e.timeout());
      assertTrue(e.workerId().isEmpty(), "no worker ran the call");
      assertTrue(e.getMessage().contains("pool size 1, 1 busy, 0 idle, 0 starting"),
          e.getMessage());
      pool.release(busy);
    });
  }

  @Test
  void anInterruptedWaiterKeepsItsInterruptAndGivesUp() {
    pool(1, new FakeSpawner());
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker busy = pool.lease(deadline(), TIMEOUT);
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread waiter = new Thread(() -> {
        try {
          pool.lease(deadline(), TIMEOUT);
          outcome.complete(null);
        } catch (RuntimeException e) {
          outcome.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError(
              "interrupt flag lost", e));
        }
      });
      waiter.start();
      TimeUnit.MILLISECONDS.sleep(50);
      waiter.interrupt();
      Throwable e = outcome.get();
      assertInstanceOf(SnakeBridgeException.class, e);
      assertInstanceOf(InterruptedException.class, e.getCause());
      assertTrue(e.getMessage().contains("interrupted while waiting for a Python worker"),
          e.getMessage());
      pool.release(busy);
      assertSame(busy, pool.lease(deadline(), TIMEOUT), "the pool is unharmed");
      pool.release(busy);
    });
  }

  @Test
  void housekeepStopsAWorkerPastItsDeadlineAndTheDiscardReplacesIt() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onCall(call -> {}));
    pool(1, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker worker = pool.lease(ticker.read() + 100, TIMEOUT);
      assertEquals(Watchdog.WATCH_INTERVAL_NANOS, pool.housekeep(ticker.read()),
          "a busy worker is watched every 10 ms");
      assertTrue(worker.process().isAlive());
      assertFalse(worker.expired());

      assertEquals(Watchdog.WATCH_INTERVAL_NANOS, pool.housekeep(ticker.read() + 100));
      assertTrue(worker.expired());
      assertTrue(worker.process().awaitExit(TimeUnit.SECONDS.toNanos(5)), "killed");
      assertEquals(-1, pool.housekeep(ticker.read() + 200), "nothing left to watch");

      assertTrue(pool.discard(worker), "the discard learns that the deadline passed");
      PooledWorker replacement = pool.lease(deadline(), TIMEOUT);
      assertEquals("test-2", replacement.id());
      assertTrue(replacement.process().isAlive());
      pool.release(replacement);
    });
  }

  @Test
  void housekeepLeavesAReleasedWorkerAlone() {
    pool(1, new FakeSpawner());
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker worker = pool.lease(ticker.read() + 100, TIMEOUT);
      pool.release(worker);
      assertEquals(-1, pool.housekeep(ticker.read() + 1_000_000));
      assertFalse(worker.expired());
      assertTrue(worker.process().isAlive());
      assertSame(worker, pool.lease(deadline(), TIMEOUT), "still the pool's idle worker");
      pool.release(worker);
    });
  }

  @Test
  void aWorkerThatNeverAnswersTheHandshakeIsStoppedAtTheStartupTimeout() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onHello(w -> {}));
    pool(1, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      CompletableFuture<PooledWorker> caller =
          CompletableFuture.supplyAsync(() -> pool.lease(deadline(), TIMEOUT), threads);
      while (pool.housekeep(ticker.read()) < 0) {
        TimeUnit.MILLISECONDS.sleep(1); // until the start thread has armed the start-up deadline
      }
      pool.housekeep(ticker.read() + Duration.ofSeconds(30).toNanos());
      ExecutionException e = assertThrows(ExecutionException.class, caller::get);
      PoolExhaustedException exhausted = assertInstanceOf(PoolExhaustedException.class,
          e.getCause());
      assertTrue(exhausted.getCause().getMessage().contains(
          "test-1 (/opt/fake/python3) did not complete its handshake within PT30S"),
          exhausted.getCause().getMessage());
      assertFalse(spawner.spawned().get(0).process().isAlive());
    });
  }

  @Test
  void aFailedStartFailsTheWaitersPromptlyAndTheNextCallTriesAgain() {
    FakeSpawner spawner = new FakeSpawner()
        .failNext(new SnakeBridgeException("Python command 'nope' was not found on PATH"));
    pool(2, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      PoolExhaustedException e = assertThrows(PoolExhaustedException.class,
          () -> pool.lease(deadline(), TIMEOUT));
      assertTrue(e.getMessage().contains("no Python worker could be started"), e.getMessage());
      assertTrue(e.getMessage().contains("pool size 2"), e.getMessage());
      assertEquals("Python command 'nope' was not found on PATH", e.getCause().getMessage());

      PooledWorker worker = pool.lease(deadline(), TIMEOUT);
      assertTrue(worker.process().isAlive(), "the next call starts a worker again");
      pool.release(worker);
    });
  }

  @Test
  void aWorkerThatExitsDuringItsHandshakeIsReportedWithStatusAndStderr() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onHello(
        w -> w.crash(1, "Traceback (most recent call last):", "ImportError: no module named x")));
    pool(1, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      PoolExhaustedException e = assertThrows(PoolExhaustedException.class,
          () -> pool.lease(deadline(), TIMEOUT));
      WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, e.getCause());
      assertEquals(1, crash.exitCode().getAsInt());
      assertTrue(crash.stderrTail().contains("ImportError: no module named x"),
          crash.stderrTail());
      assertTrue(crash.getMessage().contains(
          "test-1 (/opt/fake/python3) ended before completing its handshake: exit status 1"),
          crash.getMessage());
    });
  }

  @Test
  void startAllFillsThePool() {
    FakeSpawner spawner = new FakeSpawner();
    pool(3, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      pool.startAll();
      PooledWorker a = pool.lease(deadline(), TIMEOUT);
      PooledWorker b = pool.lease(deadline(), TIMEOUT);
      PooledWorker c = pool.lease(deadline(), TIMEOUT);
      assertEquals(3, spawner.spawned().size());
      pool.release(a);
      pool.release(b);
      pool.release(c);
    });
  }

  @Test
  void closeShutsIdleWorkersDownFailsWaitersAndRefusesNewCalls() {
    FakeSpawner spawner = new FakeSpawner();
    pool(1, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker busy = pool.lease(deadline(), TIMEOUT);
      CompletableFuture<PooledWorker> waiter =
          CompletableFuture.supplyAsync(() -> pool.lease(deadline(), TIMEOUT), threads);
      TimeUnit.MILLISECONDS.sleep(50);
      CompletableFuture<Void> closing =
          CompletableFuture.runAsync(() -> pool.close(TimeUnit.SECONDS.toNanos(5)), threads);
      ExecutionException e = assertThrows(ExecutionException.class, waiter::get);
      assertTrue(e.getCause().getMessage().contains("closed while the call waited"),
          e.getCause().getMessage());
      pool.release(busy); // the running call finishes within the grace period
      closing.get();
      ScriptedWorker worker = spawner.spawned().get(0);
      assertEquals(FrameKind.SHUTDOWN, worker.received().get(worker.received().size() - 1));
      assertFalse(worker.process().isAlive());
      assertThrows(IllegalStateException.class, () -> pool.lease(deadline(), TIMEOUT));
      pool.close(0); // idempotent
    });
  }

  @Test
  void closeStopsAWorkerWhoseCallOutlivesTheGracePeriod() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onCall(call -> {}));
    pool(1, spawner);
    assertTimeoutPreemptively(LIMIT, () -> {
      PooledWorker busy = pool.lease(deadline(), TIMEOUT);
      pool.close(TimeUnit.MILLISECONDS.toNanos(100));
      assertFalse(busy.process().isAlive());
      assertEquals(128 + 15, busy.process().exitCode().getAsInt(), "SIGTERM came first");
    });
  }
}
