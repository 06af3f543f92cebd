package io.snakebridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.FakeRuntimes;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SessionLostException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.WorkerCrashedException;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.RecordingEventListener;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a runtime's calls see of its pools: cancellation of async calls, heartbeats during calls,
 * retries of idempotent calls, named pools, several calls per worker, events and stats; over
 * scripted workers and real time.
 */
@Timeout(30)
class PoolRuntimeTest {
  private RealRuntime runtime;
  private final RecordingEventListener events = new RecordingEventListener();

  /** Calls the scripts keep unanswered until the test answers them. */
  private final BlockingQueue<ScriptedWorker.Call> held = new LinkedBlockingQueue<>();

  /** "worker-pid:function" of every CALL the workers received. */
  private final List<String> received = new CopyOnWriteArrayList<>();

  private void script(ScriptedWorker.Call call) throws IOException {
    received.add(call.worker().process().pid() + ":" + call.target());
    switch (call.target()) {
      case "hold":
        held.add(call);
        break;
      case "crash":
        call.worker().crash(3, "crashing on purpose");
        break;
      case "make":
        call.reply(call.newRef("r-" + call.id(), "m.Thing"));
        break;
      case "where":
        call.reply(call.worker().process().pid());
        break;
      case "fail":
        call.error(
            ScriptedWorker.pythonError(
                "builtins.ValueError", "nope", "builtins.ValueError", "builtins.Exception"));
        break;
      default:
        call.reply(call.target());
    }
  }

  private RealRuntime runtime(
      PoolOptions.Builder defaults,
      Map<String, PoolOptions> named,
      Function<String, WorkerSpawner> spawners) {
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("unit");
    settings.pool(CallOptions.DEFAULT_POOL, defaults.build());
    named.forEach(settings::pool);
    settings.eventListener(events);
    runtime =
        new RealRuntime(
            settings.toConfig(), spawners, Ticker.SYSTEM, FakeRuntimes.refsWithoutRuntime());
    return runtime;
  }

  private FakeSpawner spawner(java.util.function.Consumer<ScriptedWorker> setup) {
    return new FakeSpawner(worker -> setup.accept(worker.onCall(this::script)));
  }

  private RealRuntime oneWorker(java.util.function.Consumer<ScriptedWorker> setup) {
    FakeSpawner spawner = spawner(setup);
    return runtime(PoolOptions.builder().size(1), Map.of(), name -> spawner);
  }

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private Object call(String function, CallOptions options) {
    return runtime.call("m", function, List.of(), options);
  }

  private CompletableFuture<Object> callAsync(String function) {
    return runtime.callAsync("m", function, List.of(), CallOptions.defaults());
  }

  // ---- cancelling async calls ---------------------------------------------------------------

  @Test
  void cancellingARunningCallInterruptsItAndTheWorkerServesOn() throws Exception {
    oneWorker(ScriptedWorker::answerCancels);
    CompletableFuture<Object> running = callAsync("hold");
    ScriptedWorker.Call call = held.poll(5, TimeUnit.SECONDS);
    assertTrue(running.cancel(true));
    assertThrows(CancellationException.class, running::get); // at once: the call still runs
    waitFor(() -> call.worker().cancels().contains(call.id()));
    assertEquals("after", call("after", CallOptions.defaults()));
    assertEquals(1, received.stream().filter(r -> r.endsWith(":after")).count());
    assertTrue(call.worker().process().isAlive(), "it stopped the call and serves on");
  }

  @Test
  void cancellingAQueuedCallMeansItNeverRuns() throws Exception {
    oneWorker(worker -> {});
    CompletableFuture<Object> first = callAsync("hold");
    ScriptedWorker.Call call = held.poll(5, TimeUnit.SECONDS);
    CompletableFuture<Object> queued = callAsync("queued");
    waitFor(() -> runtime.poolStats("default").waiting() == 1);
    assertTrue(queued.cancel(true));
    waitFor(() -> runtime.poolStats("default").waiting() == 0);
    call.reply("first done");
    assertEquals("first done", first.get(5, TimeUnit.SECONDS));
    assertEquals("later", call("later", CallOptions.defaults()));
    assertFalse(received.stream().anyMatch(r -> r.endsWith(":queued")), "never ran: " + received);
  }

  @Test
  void cancellingWithoutInterruptLetsARunningCallFinishAndDropsItsResult() throws Exception {
    oneWorker(ScriptedWorker::answerCancels);
    CompletableFuture<Object> running = callAsync("hold");
    ScriptedWorker.Call call = held.poll(5, TimeUnit.SECONDS);
    assertTrue(running.cancel(false));
    TimeUnit.MILLISECONDS.sleep(50);
    assertTrue(call.worker().cancels().isEmpty(), "not interrupted");
    call.reply("finished anyway");
    assertEquals("next", call("next", CallOptions.defaults()));
    assertTrue(running.isCancelled());
  }

  // ---- heartbeats during calls --------------------------------------------------------------

  @Test
  void aBusyWorkerThatAnswersHeartbeatsIsNeverTakenForHung() throws Exception {
    FakeSpawner spawner = spawner(worker -> {});
    // Answers may be late on a busy machine: the timeout is far beyond any such delay.
    runtime(
        PoolOptions.builder()
            .size(1)
            .heartbeatInterval(Duration.ofMillis(20))
            .heartbeatTimeout(Duration.ofSeconds(30)),
        Map.of(),
        name -> spawner);
    CompletableFuture<Object> running = callAsync("hold");
    ScriptedWorker.Call call = held.poll(5, TimeUnit.SECONDS);
    waitFor(
        () ->
            call.worker().received().stream().filter(k -> k == FrameKind.PING).count()
                >= 5); // a long call: five heartbeats, each answered
    call.reply("done");
    assertEquals("done", running.get(5, TimeUnit.SECONDS));
    assertEquals(0, runtime.poolStats("default").crashes());
  }

  @Test
  void aWorkerThatStopsAnsweringDuringACallIsKilledAndItsCallerToldWhy() {
    FakeSpawner spawner = spawner(ScriptedWorker::ignorePings);
    runtime(
        PoolOptions.builder()
            .size(1)
            .heartbeatInterval(Duration.ofMillis(50))
            .heartbeatTimeout(Duration.ofMillis(200)),
        Map.of(),
        name -> spawner);
    WorkerCrashedException e =
        assertThrows(WorkerCrashedException.class, () -> call("hold", CallOptions.defaults()));
    assertTrue(e.getMessage().contains("stopped answering heartbeats"), e.getMessage());
    assertEquals("unit-1", e.workerId());
    PoolStats stats = runtime.poolStats("default");
    assertEquals(1, stats.crashes());
    assertEquals(1, stats.failures());
  }

  // ---- retries -----------------------------------------------------------------------------

  @Test
  void anIdempotentCallIsRetriedOnceOnAnotherWorkerAfterACrash() {
    List<ScriptedWorker> workers = new CopyOnWriteArrayList<>();
    FakeSpawner spawner =
        spawner(
            worker ->
                workers.add(
                    worker.onCall(
                        call -> {
                          if (call.target().equals("flaky")
                              && workers.indexOf(call.worker()) == 0) {
                            call.worker().crash(3, "the first worker dies");
                          } else {
                            script(call);
                          }
                        })));
    runtime(PoolOptions.builder().size(1), Map.of(), name -> spawner);
    assertEquals("flaky", call("flaky", CallOptions.defaults().idempotent(true)));
    assertEquals(2, workers.size());
    assertEquals(1, runtime.poolStats("default").crashes());
    assertEquals(0, runtime.poolStats("default").failures(), "the call itself succeeded");
  }

  @Test
  void aCallThatIsNotIdempotentIsNotRetried() {
    oneWorker(worker -> {});
    assertThrows(WorkerCrashedException.class, () -> call("crash", CallOptions.defaults()));
    assertThrows(
        WorkerCrashedException.class,
        () -> call("crash", CallOptions.defaults().idempotent(true)),
        "crashes twice: fails");
    assertEquals(
        3,
        received.stream().filter(r -> r.endsWith(":crash")).count(),
        "one try, then a try and one retry");
  }

  @Test
  void crashRetriesSetsHowManyTimesAnIdempotentCallRunsAgain() {
    FakeSpawner spawner = spawner(worker -> {});
    runtime(
        PoolOptions.builder().size(1).crashRetries(3),
        Map.of("none", PoolOptions.builder().size(1).crashRetries(0).build()),
        name -> spawner);
    WorkerCrashedException e =
        assertThrows(
            WorkerCrashedException.class,
            () -> call("crash", CallOptions.defaults().idempotent(true)));
    assertEquals(
        4,
        received.stream().filter(r -> r.endsWith(":crash")).count(),
        "one try and three retries");
    assertEquals(4, received.stream().distinct().count(), "each on another worker");
    assertTrue(e.getMessage().contains("crashing on purpose"), e.getMessage());
    received.clear();
    assertThrows(
        WorkerCrashedException.class,
        () -> call("crash", CallOptions.defaults().idempotent(true).pool("none")));
    assertEquals(1, received.size(), "0 turns retries off");
  }

  @Test
  void anIdempotentCallIsNotRetriedAfterAPythonErrorOrATimeout() {
    oneWorker(worker -> {});
    assertThrows(
        PythonException.class, () -> call("fail", CallOptions.defaults().idempotent(true)));
    assertThrows(
        io.snakebridge.CallTimeoutException.class,
        () ->
            call("hold", CallOptions.defaults().idempotent(true).timeout(Duration.ofMillis(100))));
    assertEquals(1, received.stream().filter(r -> r.endsWith(":fail")).count());
    assertEquals(1, received.stream().filter(r -> r.endsWith(":hold")).count());
  }

  @Test
  void anIdempotentCallPassingObjectsOfTheCrashedWorkerLosesTheSessionInsteadOfMovingIt() {
    oneWorker(worker -> {});
    PyRef thing = (PyRef) call("make", CallOptions.defaults());
    SessionLostException e =
        assertThrows(
            SessionLostException.class,
            () ->
                runtime.call(
                    "m", "crash", List.of(thing), CallOptions.defaults().idempotent(true)));
    assertInstanceOf(WorkerCrashedException.class, e.getCause());
    assertEquals("unit-1", e.workerId());
    assertEquals(1, received.stream().filter(r -> r.endsWith(":crash")).count(), "no retry");
  }

  // ---- named pools -------------------------------------------------------------------------

  @Test
  void callsRunInThePoolTheyNameAndObjectsStayInTheirPool() {
    FakeSpawner main = spawner(worker -> {});
    FakeSpawner other = spawner(worker -> {});
    runtime(
        PoolOptions.builder().size(1),
        Map.of("other", PoolOptions.builder().size(1).build()),
        name -> name.equals("other") ? other : main);
    long mainPid = (Long) call("where", CallOptions.defaults());
    long otherPid = (Long) call("where", CallOptions.defaults().pool("other"));
    assertEquals(main.spawned().get(0).process().pid(), mainPid);
    assertEquals(other.spawned().get(0).process().pid(), otherPid);
    PyRef thing = (PyRef) call("make", CallOptions.defaults().pool("other"));
    assertEquals(
        otherPid,
        runtime.callMethod(thing, "where", List.of(), CallOptions.defaults()),
        "a reference's calls run in its pool whatever the options say");
    assertEquals(otherPid, runtime.call("m", "where", List.of(thing), CallOptions.defaults()));
    events.events().clear();
    call("where", CallOptions.defaults().pool("other"));
    assertTrue(
        events.events().contains("callAcquired other unit-other-1 m.where"),
        events.events().toString());
  }

  @Test
  void anUnknownPoolIsRejectedNamingTheKnownOnes() {
    FakeSpawner spawner = spawner(worker -> {});
    runtime(
        PoolOptions.builder().size(1),
        Map.of("gpu", PoolOptions.builder().size(1).build()),
        name -> spawner);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> call("where", CallOptions.defaults().pool("nope")));
    assertEquals(
        "unknown pool 'nope': runtime 'unit' has the pools 'default', 'gpu'", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> runtime.callAsync("m", "f", List.of(), CallOptions.defaults().pool("nope")));
    assertThrows(IllegalArgumentException.class, () -> runtime.poolStats("nope"));
  }

  @Test
  void aBrokenPoolDoesNotDisturbTheOthers() {
    FakeSpawner main = spawner(worker -> {});
    FakeSpawner broken = new FakeSpawner();
    for (int i = 0; i < 10; i++) {
      broken.failNext(new SnakeBridgeException("no such interpreter"));
    }
    runtime(
        PoolOptions.builder().size(1),
        Map.of("broken", PoolOptions.builder().size(2).build()),
        name -> name.equals("broken") ? broken : main);
    PoolExhaustedException e =
        assertThrows(
            PoolExhaustedException.class,
            () -> call("where", CallOptions.defaults().pool("broken")));
    assertEquals("no such interpreter", e.getCause().getMessage());
    assertTrue(e.getMessage().contains("pool 'broken'"), e.getMessage());
    assertEquals("fine", call("fine", CallOptions.defaults()));
    assertEquals(0, runtime.poolStats("default").crashes());
    assertEquals(1, runtime.poolStats("broken").crashes());
  }

  // ---- several calls per worker ------------------------------------------------------------

  @Test
  void aWorkerWithTwoThreadsRunsTwoCallsAtOnceAndRepliesMayComeInAnyOrder() throws Exception {
    FakeSpawner spawner = spawner(worker -> {});
    runtime(PoolOptions.builder().size(1).threadsPerWorker(2), Map.of(), name -> spawner);
    CompletableFuture<Object> a =
        runtime.callAsync("m", "hold", List.of("a"), CallOptions.defaults());
    CompletableFuture<Object> b =
        runtime.callAsync("m", "hold", List.of("b"), CallOptions.defaults());
    ScriptedWorker.Call first = held.poll(5, TimeUnit.SECONDS);
    ScriptedWorker.Call second = held.poll(5, TimeUnit.SECONDS);
    assertSame(first.worker(), second.worker(), "both calls are on the one worker at once");
    assertEquals(1, runtime.poolStats("default").busy());
    second.reply(second.args().get(0) + "!");
    first.reply(first.args().get(0) + "!");
    assertEquals("a!", a.get(5, TimeUnit.SECONDS));
    assertEquals("b!", b.get(5, TimeUnit.SECONDS));
    assertEquals(1, spawner.spawned().size());
  }

  // ---- events and stats ----------------------------------------------------------------------

  @Test
  void callsReportTheirEventsInOrderAndCountInTheStats() {
    oneWorker(worker -> {});
    call("ok", CallOptions.defaults());
    assertThrows(PythonException.class, () -> call("fail", CallOptions.defaults()));
    assertEquals(
        List.of(
            "callStart default m.ok",
            "callQueued default m.ok", // it waited for the first start
            "callAcquired default unit-1 m.ok",
            "callEnd default unit-1 m.ok",
            "callStart default m.fail",
            "callAcquired default unit-1 m.fail",
            "callFailed default m.fail PythonException"),
        events.events("call"));
    PoolStats stats = runtime.poolStats("default");
    assertEquals(2, stats.calls());
    assertEquals(1, stats.failures());
    assertEquals(0, stats.timeouts());
    assertEquals(1, stats.idle());
  }

  @Test
  void aListenerThatThrowsDoesNotDisturbCalls() {
    FakeSpawner spawner = spawner(worker -> {});
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("unit");
    settings.poolSize(1);
    settings.eventListener(
        new io.snakebridge.EventListener() {
          @Override
          public void callStart(String pool, String target) {
            throw new IllegalStateException("a broken listener");
          }
        });
    runtime =
        new RealRuntime(
            settings.toConfig(), spawner, Ticker.SYSTEM, FakeRuntimes.refsWithoutRuntime());
    assertEquals("ok", call("ok", CallOptions.defaults()));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    Await.until("the condition", condition);
  }
}
