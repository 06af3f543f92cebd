package io.snakebridge.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.FakeRuntimes;
import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.pool.CallLease;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.pool.TestPools;
import io.snakebridge.internal.pool.WorkerPool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interning and releasing on one table, with a scripted worker receiving the RELEASE frames. A
 * collected {@code PyRef} is simulated with {@link java.lang.ref.Reference#enqueue()}, which clears
 * and queues the entry exactly as the garbage collector would.
 */
@Timeout(20)
class SessionTableTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FakeSpawner spawner = new FakeSpawner();
  private WorkerPool pool;
  private PooledWorker worker;
  private SessionTable table;

  /** The whole-session releases the table asked for, as {@code session@worker}. */
  private final List<String> sessionReleases = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    pool = TestPools.pool("table", TestPools.options(1).build(), spawner, ticker);
    CallLease lease = TestPools.lease(pool, ticker, Duration.ofSeconds(5));
    worker = lease.worker();
    pool.release(lease);
    table =
        new SessionTable(
            "table",
            FakeRuntimes.refsWithoutRuntime(),
            ticker,
            new ValueWriter(CodecLimits.DEFAULT),
            (state, worker) -> sessionReleases.add(state.id() + "@" + worker.id()),
            Runnable::run);
  }

  @AfterEach
  void close() {
    table.close();
    pool.close(TimeUnit.MILLISECONDS.toNanos(100));
  }

  private ScriptedWorker fake() {
    return spawner.spawned().get(0);
  }

  private List<List<?>> releases(int atLeast) {
    return Await.value(atLeast + " releases", () -> fake().releases(), r -> r.size() >= atLeast);
  }

  @Test
  void internsOnePyRefPerReferenceAndCountsReads() {
    SessionState state = table.explicit("s", 10, Duration.ofMinutes(1));
    PyRef first = table.intern(state, worker, "r1", "m.T", "m", false);
    assertSame(first, table.intern(state, worker, "r1", "m.T", "m", false));
    assertNotSame(first, table.intern(state, worker, "r2", "m.T", "m", false));
    assertSame(worker, state.home());
    assertSame(worker, table.workerOf(first, state));
    assertEquals(2, state.refs.get("r1").receivedCount());
  }

  @Test
  void aCollectedReferenceIsReleasedWithItsCountOnlyOnce() {
    SessionState state = table.explicit("s", 10, Duration.ofMinutes(1));
    table.intern(state, worker, "r1", "m.T", "m", false);
    table.intern(state, worker, "r1", "m.T", "m", false);
    state.refs.get("r1").enqueue();
    table.housekeep(ticker.read());
    assertEquals(List.of(List.of("s", Map.of("r1", 2L))), releases(1));
    assertNull(state.home(), "no references, no home");
    table.housekeep(ticker.read());
    assertEquals(1, fake().releases().size());
  }

  @Test
  void aReferenceSentAgainBeforeItsReleaseKeepsItsNewReadAlive() {
    SessionState state = table.explicit("s", 10, Duration.ofMinutes(1));
    table.intern(state, worker, "r1", "m.T", "m", false);
    RefEntry collected = state.refs.get("r1");
    collected.enqueue();
    // The worker returned the same object again before housekeeping ran.
    PyRef again = table.intern(state, worker, "r1", "m.T", "m", false);
    table.housekeep(ticker.read());
    assertEquals(
        List.of(List.of("s", Map.of("r1", 1L))),
        releases(1),
        "only the collected copy's read is given back: the worker keeps a count of 1");
    assertSame(worker, table.workerOf(again, state), "the new PyRef is still registered");
  }

  @Test
  void anExplicitReleaseSendsAtOnceAndTheLaterCollectionSendsNothing() {
    SessionState state = table.explicit("s", 10, Duration.ofMinutes(1));
    PyRef ref = table.intern(state, worker, "r1", "m.T", "m", false);
    RefEntry entry = state.refs.get("r1");
    table.release(ref);
    assertEquals(List.of(List.of("s", Map.of("r1", 1L))), releases(1));
    assertThrows(ReferenceNotFoundException.class, () -> table.workerOf(ref, state));
    table.release(ref);
    entry.enqueue(); // the PyRef is collected later
    table.housekeep(ticker.read());
    assertEquals(1, fake().releases().size());
  }

  @Test
  void endingASessionReleasesItWholeAndWaitsBeforeTheIdIsReused() throws Exception {
    SessionState state = table.explicit("s", 10, Duration.ofMinutes(1));
    PyRef ref = table.intern(state, worker, "r1", "m.T", "m", false);
    SessionTable.Ending ending = table.detach("s");
    assertTrue(state.ended());
    assertNull(table.find("s"));
    Thread reuse = new Thread(() -> table.explicit("s", 10, Duration.ofMinutes(1)));
    reuse.start();
    Await.until("the new session's thread waiting", () -> reuse.getState() == Thread.State.WAITING);
    assertEquals(Thread.State.WAITING, reuse.getState(), "the new session waits for the release");
    ending.release();
    reuse.join();
    assertEquals(List.of("s@table-1"), sessionReleases);
    assertThrows(ReferenceNotFoundException.class, () -> table.workerOf(ref, table.find("s")));
  }

  @Test
  void theSessionOfAnEndedThreadEndsAtTheNextScan() throws Exception {
    SessionState[] auto = new SessionState[1];
    Thread thread =
        new Thread(
            () -> {
              auto[0] = table.auto();
              table.intern(auto[0], worker, "r1", "m.T", "m", false);
            });
    thread.start();
    thread.join();
    table.housekeep(ticker.read());
    assertTrue(sessionReleases.isEmpty());
    long next = table.housekeep(ticker.read() + SessionTable.THREAD_SCAN_NANOS);
    assertTrue(auto[0].ended());
    assertEquals(List.of(auto[0].id() + "@table-1"), sessionReleases);
    assertTrue(next > 0 && next <= SessionTable.THREAD_SCAN_NANOS, "next step: " + next);
  }
}
