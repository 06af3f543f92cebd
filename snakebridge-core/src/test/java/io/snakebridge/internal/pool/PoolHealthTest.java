package io.snakebridge.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.PoolOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.RecordingEventListener;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.wire.FrameKind;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Heartbeats, dead idle workers and recycling, driven by the housekeeping step on a fake clock. */
@Timeout(20)
class PoolHealthTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();
  private final RecordingEventListener events = new RecordingEventListener();
  private FakeSpawner spawner;
  private WorkerPool pool;

  private PooledWorker idleWorker(PoolOptions.Builder options, FakeSpawner fakes) {
    spawner = fakes;
    pool = TestPools.pool("health", options.build(), spawner, ticker, events);
    CallLease lease = lease();
    pool.release(lease);
    return lease.worker();
  }

  private static PoolOptions.Builder beating() {
    return TestPools.options(1).heartbeatInterval(INTERVAL).heartbeatTimeout(PING_TIMEOUT);
  }

  private CallLease lease() {
    return TestPools.lease(pool, ticker, TIMEOUT);
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /** Options for recycling tests: heartbeats far apart, so jumps of the clock miss none. */
  private static PoolOptions.Builder quiet(int size) {
    return TestPools.options(size)
        .heartbeatInterval(Duration.ofHours(1))
        .heartbeatTimeout(Duration.ofHours(1));
  }

  private static void until(java.util.function.BooleanSupplier condition) {
    Await.until("the condition", condition);
  }

  private ScriptedWorker fake(int index) {
    return spawner.spawned().get(index);
  }

  @Test
  void anIdleWorkerThatAnswersPingsServesOn() throws Exception {
    PooledWorker worker = idleWorker(beating(), new FakeSpawner());
    assertEquals(
        INTERVAL.toNanos(),
        pool.housekeep(ticker.read()),
        "idle: the next step is the first heartbeat");
    ticker.advance(INTERVAL);
    pool.housekeep(ticker.read());
    until(() -> fake(0).received().contains(FrameKind.PING));
    until(() -> !worker.heartbeat.pinging()); // its PONG was read without any caller
    ticker.advance(PING_TIMEOUT);
    pool.housekeep(ticker.read());
    assertTrue(worker.process().isAlive());
    assertFalse(worker.isGone());
    assertEquals(0, pool.stats().crashes());
  }

  @Test
  void aWorkerThatStopsAnsweringIsKilledAndReplacedAfterTheTimeout() throws Exception {
    PooledWorker worker = idleWorker(beating(), new FakeSpawner(w -> w.ignorePings()));
    ticker.advance(INTERVAL);
    pool.housekeep(ticker.read());
    until(() -> fake(0).received().contains(FrameKind.PING));
    ticker.advance(PING_TIMEOUT.minusMillis(1));
    pool.housekeep(ticker.read());
    assertTrue(worker.process().isAlive(), "not before the timeout");
    ticker.advance(Duration.ofMillis(1));
    pool.housekeep(ticker.read());
    assertTrue(worker.isGone());
    assertTrue(worker.process().awaitExit(TimeUnit.SECONDS.toNanos(5)), "killed");
    events.await("workerExited default health-1 UNRESPONSIVE");
    events.await("workerReady default health-2");
    CallLease next = lease();
    assertEquals("health-2", next.worker().id());
    pool.release(next);
    PoolStats stats = pool.stats();
    assertEquals(1, stats.crashes());
    assertEquals(1, stats.restarts());
  }

  /** A worker that ignores PINGs, in a pool whose process states are read from {@code probe}. */
  private PooledWorker silentWorker(ProcessProbe probe) {
    spawner = new FakeSpawner(w -> w.ignorePings());
    pool = TestPools.pool("health", beating().build(), spawner, ticker, events, probe);
    CallLease lease = lease();
    pool.release(lease);
    return lease.worker();
  }

  /** Leases the worker for an hour-long call and marks its CALL as sent. */
  private CallLease runningCall(PooledWorker worker) {
    CallLease running = TestPools.lease(pool, ticker, Duration.ofHours(1));
    assertSame(worker, running.worker());
    assertTrue(running.send(running.process().connection().nextRequestId(), null, null));
    return running;
  }

  /**
   * Misses heartbeats for {@code timeouts} heartbeat timeouts, housekeeping as the watchdog would.
   */
  private void missHeartbeats(int timeouts) throws Exception {
    ticker.advance(INTERVAL);
    pool.housekeep(ticker.read());
    until(() -> fake(0).received().contains(FrameKind.PING));
    for (int i = 0; i < timeouts; i++) {
      ticker.advance(PING_TIMEOUT);
      pool.housekeep(ticker.read());
    }
  }

  @Test
  void aWorkerRunningACallIsBusyNotHungWhileItsProcessRuns() throws Exception {
    PooledWorker worker = silentWorker(pid -> 'R');
    CallLease running = runningCall(worker);
    missHeartbeats(6); // a minute without an answer: a C loop holding the GIL, say
    assertEquals(null, worker.killReason(), "only the call's own deadline ends it");
    assertTrue(worker.process().isAlive());
    assertTrue(worker.heartbeat.pinging(), "still waiting for its answer");
    pool.release(running);
    assertEquals(0, pool.stats().crashes());
  }

  @Test
  void aWorkerBlockedInACallIsBusyToo() throws Exception {
    PooledWorker worker = silentWorker(pid -> 'S'); // a finalizer blocking the PING thread
    CallLease running = runningCall(worker);
    missHeartbeats(3);
    assertEquals(null, worker.killReason());
    pool.release(running);
  }

  @Test
  void aStoppedWorkerIsHungEvenInACall() throws Exception {
    PooledWorker worker = silentWorker(pid -> 'T'); // SIGSTOP
    CallLease running = runningCall(worker);
    missHeartbeats(1);
    assertEquals(ExitReason.UNRESPONSIVE, worker.killReason());
    assertTrue(worker.process().awaitExit(TimeUnit.SECONDS.toNanos(5)), "killed");
    pool.discard(running, ExitReason.CRASHED); // as its caller does, seeing the end
    events.await("workerExited default health-1 UNRESPONSIVE");
    events.await("workerReady default health-2");
  }

  @Test
  void aSilentWorkerWithoutACallIsHungHoweverItsProcessRuns() throws Exception {
    PooledWorker worker = silentWorker(pid -> 'R');
    missHeartbeats(1);
    assertTrue(worker.isGone());
    events.await("workerExited default health-1 UNRESPONSIVE");
  }

  @Test
  void whereNoProcessStateCanBeReadASilentWorkerInACallIsHung() throws Exception {
    PooledWorker worker = silentWorker(pid -> ProcessProbe.UNKNOWN);
    runningCall(worker);
    missHeartbeats(1);
    assertEquals(
        ExitReason.UNRESPONSIVE,
        worker.killReason(),
        "the rule without /proc: a missed heartbeat is a hang");
  }

  @Test
  void aBusyWorkerThatStopsLaterIsThenHung() throws Exception {
    char[] state = {'R'};
    PooledWorker worker = silentWorker(pid -> state[0]);
    CallLease running = runningCall(worker);
    missHeartbeats(2);
    assertEquals(null, worker.killReason());
    state[0] = 'T'; // stopped in the middle of its call
    ticker.advance(PING_TIMEOUT);
    pool.housekeep(ticker.read());
    assertEquals(ExitReason.UNRESPONSIVE, worker.killReason());
    assertTrue(worker.process().awaitExit(TimeUnit.SECONDS.toNanos(5)), "killed");
    assertSame(worker, running.worker());
  }

  @Test
  void theProcessStateIsTheFieldAfterTheCommandName() {
    assertEquals('R', ProcessProbe.parseState("4242 (python3) R 1 4242 4242 0 -1"));
    assertEquals('T', ProcessProbe.parseState("4242 (a (b) c) T 1 4242"));
    assertEquals(ProcessProbe.UNKNOWN, ProcessProbe.parseState("garbage"));
    assertTrue(ProcessProbe.runs('R') && ProcessProbe.runs('S') && ProcessProbe.runs('D'));
    assertFalse(
        ProcessProbe.runs('T')
            || ProcessProbe.runs('t')
            || ProcessProbe.runs('Z')
            || ProcessProbe.runs(ProcessProbe.UNKNOWN));
    char self = ProcessProbe.SYSTEM.state(ProcessHandle.current().pid());
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/stat"))) {
      assertTrue(ProcessProbe.runs(self), "this JVM runs: " + self);
    } else {
      assertEquals(ProcessProbe.UNKNOWN, self);
    }
  }

  @Test
  void anIdleWorkerThatDiedIsDroppedAndReplacedBeforeAnyCallNeedsIt() throws Exception {
    PooledWorker worker = idleWorker(beating(), new FakeSpawner());
    worker.process().kill();
    assertTrue(worker.process().awaitExit(TimeUnit.SECONDS.toNanos(5)));
    pool.housekeep(ticker.read());
    assertTrue(worker.isGone());
    events.await("workerExited default health-1 CRASHED");
    events.await("workerReady default health-2");
    assertEquals(1, pool.stats().idle());
  }

  @Test
  void afterMaxCallsAWorkerIsShutDownAndReplaced() throws Exception {
    PooledWorker worker = idleWorker(quiet(1).maxCallsPerWorker(2), new FakeSpawner());
    assertFalse(worker.isGone(), "one call so far");
    pool.release(lease());
    assertTrue(worker.isGone(), "recycled after its second call");
    until(() -> !worker.process().isAlive());
    assertTrue(fake(0).received().contains(FrameKind.SHUTDOWN), "asked to exit, not killed");
    events.await("workerRecycled default health-1 MAX_CALLS");
    events.await("workerExited default health-1 RECYCLED");
    CallLease next = lease();
    assertEquals("health-2", next.worker().id());
    pool.release(next);
    PoolStats stats = pool.stats();
    assertEquals(1, stats.recycles());
    assertEquals(1, stats.restarts());
    assertEquals(0, stats.crashes());
  }

  @Test
  void aWorkerDueForRecyclingFinishesItsCallFirstWhileItsReplacementStarts() throws Exception {
    PooledWorker worker =
        idleWorker(quiet(1).maxWorkerLifetime(Duration.ofSeconds(100)), new FakeSpawner());
    CallLease running = TestPools.lease(pool, ticker, Duration.ofHours(1)); // a long call
    assertSame(worker, running.worker());
    ticker.advance(Duration.ofSeconds(89));
    pool.housekeep(ticker.read());
    assertTrue(worker.retiring == null, "not before lifetime - 10 %");
    ticker.advance(Duration.ofSeconds(22));
    pool.housekeep(ticker.read());
    assertTrue(worker.retiring != null, "due after lifetime + 10 %");
    events.await("workerReady default health-2"); // the pool keeps its size meanwhile
    assertFalse(worker.isGone());
    assertTrue(worker.process().isAlive(), "its call goes on");
    CallLease other = lease();
    assertNotSame(worker, other.worker(), "it takes no new call");
    pool.release(running);
    assertTrue(worker.isGone());
    pool.release(other);
    events.await("workerExited default health-1 RECYCLED");
  }

  @Test
  void aWorkerHoldingLiveObjectsIsRecycledOnceTheyAreReleased() throws Exception {
    PooledWorker worker = idleWorker(quiet(1).maxCallsPerWorker(2), new FakeSpawner());
    worker.refAdded(); // a session's object now lives there
    CallLease lease =
        pool.leaseTarget(
            worker,
            io.snakebridge.Affinity.STRICT_QUEUE,
            ticker.read() + TIMEOUT.toNanos(),
            TIMEOUT,
            "s",
            null,
            null);
    pool.release(lease);
    assertTrue(worker.retiring != null, "due after its second call");
    assertFalse(worker.isGone(), "but it holds a live object");
    CallLease other = lease();
    assertNotSame(worker, other.worker(), "it takes no new call");
    pool.release(other);
    CallLease again =
        pool.leaseTarget(
            worker,
            io.snakebridge.Affinity.STRICT_QUEUE,
            ticker.read() + TIMEOUT.toNanos(),
            TIMEOUT,
            "s",
            null,
            null);
    assertSame(worker, again.worker(), "calls that must run there still do");
    pool.release(again);
    worker.refRemoved();
    pool.housekeep(ticker.read());
    assertTrue(worker.isGone());
    events.await("workerExited default health-1 RECYCLED");
  }

  @Test
  void aWorkerHoldingLiveObjectsIsRecycledAnywayAfterTheRecycleTimeout() throws Exception {
    PooledWorker worker =
        idleWorker(
            quiet(1)
                .maxWorkerLifetime(Duration.ofSeconds(10))
                .recycleTimeout(Duration.ofSeconds(60)),
            new FakeSpawner());
    worker.refAdded();
    ticker.advance(Duration.ofSeconds(12));
    pool.housekeep(ticker.read());
    assertTrue(worker.retiring != null);
    ticker.advance(Duration.ofSeconds(59));
    pool.housekeep(ticker.read());
    assertFalse(worker.isGone(), "it still holds live objects");
    ticker.advance(Duration.ofSeconds(2));
    pool.housekeep(ticker.read());
    assertTrue(worker.isGone(), "the recycle timeout bounds the wait");
  }

  @Test
  void residentMemoryIsReadFromProcStatus() {
    assertEquals(
        OptionalLong.of(12_345L * 1024),
        ProcessMemory.parseVmRss(
            "Name:\tpython3\nVmPeak:\t  99999 kB\nVmRSS:\t   12345 kB\nThreads:\t3\n"));
    assertEquals(OptionalLong.empty(), ProcessMemory.parseVmRss("Name:\tzombie\n"));
    if (ProcessMemory.available()) {
      assertTrue(
          ProcessMemory.residentBytes(ProcessHandle.current().pid()).getAsLong() > 1024 * 1024,
          "this JVM uses more than a MiB");
    }
  }
}
