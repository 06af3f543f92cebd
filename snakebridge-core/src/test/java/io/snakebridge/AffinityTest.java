package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.runtime.RuntimeSettings;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routing: a session's calls go where its objects live, as the affinity says. */
@Timeout(20)
class AffinityTest {
  private static final SessionOptions SESSION = SessionOptions.defaults().sessionId("s");

  private final ConcurrentHashMap<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger refs = new AtomicInteger();
  private FakeSpawner spawner;
  private SnakeBridgeRuntime python;

  @BeforeEach
  void start() throws Exception {
    spawner = new FakeSpawner(worker -> worker.onCall(this::handle));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("affinity");
    settings.poolSize(2);
    python = FakeRuntimes.build(settings, spawner, new FakeTicker());
    // Two workers: two calls at once.
    CompletableFuture<Object> one = python.callAsync("m", "gate", "warm");
    CompletableFuture<Object> two = python.callAsync("m", "gate", "warm");
    awaitRunning(2);
    open("warm");
    one.get(5, TimeUnit.SECONDS);
    two.get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    gates.values().forEach(CountDownLatch::countDown);
    python.close();
  }

  /** "make" returns a reference; "pid" (function or method) the worker's pid; "gate" waits. */
  private void handle(ScriptedWorker.Call call) throws IOException {
    long pid = call.worker().process().pid();
    String what = call.target();
    if (what.equals("make")) {
      call.reply(call.newRef("ref" + refs.incrementAndGet(), "mod.Thing"));
    } else if (what.equals("gate")) {
      running.incrementAndGet();
      try {
        gates
            .computeIfAbsent((String) call.args().get(0), k -> new CountDownLatch(1))
            .await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      } finally {
        running.decrementAndGet();
      }
      call.reply(pid);
    } else {
      call.reply(pid);
    }
  }

  private void open(String gate) {
    gates.computeIfAbsent(gate, k -> new CountDownLatch(1)).countDown();
  }

  private void awaitRunning(int count) {
    Await.until(count + " calls running", () -> running.get() >= count);
    assertEquals(count, running.get());
  }

  private long pidOf(PyRef ref) {
    return (Long) python.callMethod(ref, "pid");
  }

  private ScriptedWorker workerWithPid(long pid) {
    return spawner.spawned().stream()
        .filter(w -> w.process().pid() == pid)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSessionsCallsWaitForTheWorkerHoldingItsObjectsOrFailFastOrGoElsewhere() throws Exception {
    SessionContext.withSession(
        SESSION,
        () -> {
          PyRef thing = (PyRef) python.call("m", "make");
          long home = pidOf(thing);
          // Another thread, in its own session, takes the home worker (top of the idle stack).
          CompletableFuture<Object> other = python.callAsync("m", "gate", "busy");
          awaitRunning(1);

          WorkerBusyException busy =
              assertThrows(
                  WorkerBusyException.class,
                  () ->
                      python.callMethod(
                          thing,
                          "pid",
                          List.of(),
                          CallOptions.defaults().affinity(Affinity.STRICT_FAIL_FAST)));
          assertEquals("s", busy.sessionId());
          long elsewhere =
              (Long)
                  python.call(
                      "m", "pid", List.of(), CallOptions.defaults().affinity(Affinity.HINT));
          assertNotEquals(home, elsewhere, "HINT: no reference passed, another worker ran it");

          CompletableFuture<Object> queued =
              CompletableFuture.supplyAsync(
                  () -> SessionContext.withSession(SESSION, () -> python.call("m", "pid")));
          assertFalse(waitDone(queued), "STRICT_QUEUE waits while the home worker is busy");
          open("busy");
          assertEquals(home, join(queued));
          assertEquals(home, join(other));
          assertEquals(home, pidOf(thing));
        });
  }

  @Test
  void aCallPassingAReferenceWaitsForItsWorkerEvenWithHint() throws Exception {
    PyRef thing = (PyRef) python.call("m", "make");
    long home = pidOf(thing);
    CompletableFuture<Object> other =
        CompletableFuture.supplyAsync(() -> python.call("m", "gate", "busy2"));
    awaitRunning(1);
    CompletableFuture<Object> hinted =
        CompletableFuture.supplyAsync(
            () ->
                python.callMethod(
                    thing, "pid", List.of(), CallOptions.defaults().affinity(Affinity.HINT)));
    assertFalse(waitDone(hinted));
    open("busy2");
    assertEquals(home, join(hinted));
    join(other);
  }

  @Test
  void aDeadSessionWorkerGivesSessionLostForItsObjectsOnly() {
    SessionContext.withSession(
        SESSION,
        () -> {
          PyRef thing = (PyRef) python.call("m", "make");
          long home = pidOf(thing);
          ScriptedWorker holder = workerWithPid(home);
          try {
            holder.crash(137, "killed");
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          SessionLostException lost =
              assertThrows(SessionLostException.class, () -> python.callMethod(thing, "pid"));
          assertEquals("s", lost.sessionId());
          assertTrue(lost.getMessage().contains("is gone"), lost.getMessage());
          assertThrows(SessionLostException.class, () -> python.call("m", "pid", thing));
          long other = (Long) python.call("m", "pid");
          assertNotEquals(home, other, "a call that needs no lost object runs elsewhere");
          PyRef fresh = (PyRef) python.call("m", "make");
          assertEquals(other, pidOf(fresh));
        });
  }

  @Test
  void aSessionWorkerThatDiesBeforeTheCallReachesItGivesSessionLost() {
    SessionContext.withSession(
        SESSION,
        () -> {
          PyRef thing = (PyRef) python.call("m", "make");
          long home = pidOf(thing);
          ScriptedWorker holder = workerWithPid(home);
          // Its input is gone but its exit not yet seen: the call is leased on it, and the write
          // fails.
          holder.process().closeInput();
          SessionLostException lost =
              assertThrows(SessionLostException.class, () -> python.callMethod(thing, "pid"));
          assertEquals("s", lost.sessionId());
          assertTrue(lost.getMessage().contains("died before"), lost.getMessage());
          assertInstanceOf(WorkerCrashedException.class, lost.getCause());
          assertNotEquals(home, (long) (Long) python.call("m", "pid"), "other calls run elsewhere");
        });
  }

  @Test
  void releaseSessionReachesOnlyTheWorkerHoldingTheObjects() {
    long home =
        SessionContext.withSession(
            SESSION,
            () -> {
              PyRef made = (PyRef) python.call("m", "make");
              long pid = pidOf(made);
              python.releaseSession("s");
              assertThrows(ReferenceNotFoundException.class, () -> pidOf(made));
              return pid;
            });
    for (ScriptedWorker worker : spawner.spawned()) {
      boolean holder = worker.process().pid() == home;
      if (holder) {
        Await.until("the release in the holder", () -> !worker.releases().isEmpty());
      }
      assertEquals(
          holder ? List.of(Arrays.asList("s", null)) : List.of(),
          worker.releases(),
          "worker " + worker.process().pid() + (holder ? " (holder)" : ""));
    }
    assertEquals(2, spawner.spawned().size());
  }

  private static boolean waitDone(CompletableFuture<?> future) {
    try {
      future.get(200, TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException stillWaiting) {
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Object join(CompletableFuture<Object> future) {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
