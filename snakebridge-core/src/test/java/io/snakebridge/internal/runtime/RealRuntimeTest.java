package io.snakebridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.ConversionException;
import io.snakebridge.FakeRuntimes;
import io.snakebridge.PoolOptions;
import io.snakebridge.PythonException;
import io.snakebridge.WorkerCrashedException;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.wire.FrameKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The call path, reply handling and failure mapping, over scripted workers. */
class RealRuntimeTest {
  private static final Duration LIMIT = Await.CEILING;

  private RealRuntime runtime;
  private FakeSpawner spawner;

  private RealRuntime runtime(ScriptedWorker.Script script) {
    return runtime(script, PoolOptions.builder().size(2), worker -> {});
  }

  private RealRuntime runtime(
      ScriptedWorker.Script script,
      PoolOptions.Builder options,
      java.util.function.Consumer<ScriptedWorker> setup) {
    spawner = new FakeSpawner(worker -> setup.accept(worker.onCall(script)));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("unit");
    settings.pool(CallOptions.DEFAULT_POOL, options.build());
    runtime =
        new RealRuntime(
            settings.toConfig(), spawner, Ticker.SYSTEM, FakeRuntimes.refsWithoutRuntime());
    return runtime;
  }

  /** A worker that computes a few things and misbehaves on request. */
  private static void behave(ScriptedWorker.Call call) throws java.io.IOException {
    switch (call.target()) {
      case "add":
        call.reply((Long) call.args().get(0) + (Long) call.args().get(1));
        break;
      case "kwargs":
        call.reply(call.kwargs());
        break;
      case "fail":
        call.error(
            ScriptedWorker.pythonError(
                "builtins.ValueError", "nope", "builtins.ValueError", "builtins.Exception"));
        break;
      case "exit":
        call.worker().crash(3, "about to exit", "bye");
        break;
      case "garbage":
        call.worker().sendRaw("this is not a frame at all\n".getBytes());
        break;
      case "badvalue":
        call.worker()
            .sendRaw(
                new byte[] {
                  0, 0, 0, 16, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) call.id(), 1, 2, 3, 4
                });
        break;
      case "protocol":
        Map<String, Object> error =
            ScriptedWorker.pythonError("snakebridge_worker.ProtocolError", "bad frame");
        error.put("kind", "protocol");
        call.error(error);
        break;
      case "hang":
        break;
      case "attr":
      default:
        call.reply(call.op() + ":" + call.module() + "." + call.target());
    }
  }

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void callsReturnTheWorkersResult() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          assertEquals(
              Map.of("ndigits", 2L),
              runtime.call(
                  "calc", "kwargs", List.of(), CallOptions.defaults().kwarg("ndigits", 2)));
          assertEquals("module_attr:math.pi", runtime.getModuleAttr("math", "pi"));
          assertEquals(
              9L, runtime.callAsync("calc", "add", List.of(4, 5), CallOptions.defaults()).get());
          assertEquals("module_attr:math.e", runtime.getModuleAttrAsync("math", "e").get());
          assertEquals("/opt/fake/python3", runtime.pythonInfo().executable());
        });
  }

  @Test
  void aPythonErrorLeavesTheWorkerInThePool() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PythonException e =
              assertThrows(
                  PythonException.class,
                  () -> runtime.call("calc", "fail", List.of(), CallOptions.defaults()));
          assertEquals("builtins.ValueError: nope", e.getMessage());
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          assertEquals(1, spawner.spawned().size(), "the same worker served both calls");
        });
  }

  @Test
  void aWorkerThatDiesMidCallGivesWorkerCrashedAndIsReplaced() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          WorkerCrashedException e =
              assertThrows(
                  WorkerCrashedException.class,
                  () -> runtime.call("os", "exit", List.of(), CallOptions.defaults()));
          assertEquals(3, e.exitCode().getAsInt());
          assertTrue(e.signal().isEmpty());
          assertEquals("unit-1", e.workerId());
          assertEquals("about to exit\nbye", e.stderrTail());
          assertTrue(
              e.getMessage().contains("died during the call to os.exit: exit status 3"),
              e.getMessage());
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          assertEquals(2, spawner.spawned().size());
        });
  }

  @Test
  void aWorkerThatDiedWhileIdleIsReplacedWithoutFailingTheNextCall() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          spawner.spawned().get(0).crash(137, "Killed");
          assertEquals(7L, runtime.call("calc", "add", List.of(3, 4), CallOptions.defaults()));
          assertEquals(2, spawner.spawned().size());
        });
  }

  @Test
  void bytesThatAreNotAFrameStopTheWorkerWithAProtocolMessage() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          WorkerCrashedException e =
              assertThrows(
                  WorkerCrashedException.class,
                  () -> runtime.call("m", "garbage", List.of(), CallOptions.defaults()));
          assertTrue(
              e.getMessage().contains("broke the wire protocol during the call to m.garbage"),
              e.getMessage());
          assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
          assertTrue(e.exitCode().isEmpty(), "the worker was still running; the JVM stopped it");
          assertFalse(spawner.spawned().get(0).process().isAlive());
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
        });
  }

  @Test
  void aMalformedValueSectionStopsTheWorker() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          WorkerCrashedException e =
              assertThrows(
                  WorkerCrashedException.class,
                  () -> runtime.call("m", "badvalue", List.of(), CallOptions.defaults()));
          assertTrue(e.getMessage().contains("malformed value section"), e.getMessage());
          assertFalse(spawner.spawned().get(0).process().isAlive());
        });
  }

  @Test
  void aProtocolErrorReportedByTheWorkerStopsIt() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          WorkerCrashedException e =
              assertThrows(
                  WorkerCrashedException.class,
                  () -> runtime.call("m", "protocol", List.of(), CallOptions.defaults()));
          assertTrue(e.getMessage().contains("reported a protocol error"), e.getMessage());
          assertTrue(e.getMessage().contains("bad frame"), e.getMessage());
        });
  }

  @Test
  void aCallPastItsDeadlineTimesOutAtOnceAndAWorkerThatStopsItServesOn() {
    runtime(RealRuntimeTest::behave, PoolOptions.builder().size(2), ScriptedWorker::answerCancels);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          long start = System.nanoTime();
          CallTimeoutException e =
              assertThrows(
                  CallTimeoutException.class,
                  () ->
                      runtime.call(
                          "m",
                          "hang",
                          List.of(),
                          CallOptions.defaults().timeout(Duration.ofMillis(200))));
          long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertTrue(tookMillis >= 190, "took " + tookMillis + " ms, less than its timeout");
          assertEquals(Duration.ofMillis(200), e.timeout());
          assertEquals(Optional.of("unit-1"), e.workerId());
          ScriptedWorker worker = spawner.spawned().get(0);
          // The caller is told at the deadline; the worker answers the CANCEL after that.
          Await.value(
              "the worker to stop the call and be idle again",
              () -> runtime.poolStats("default"),
              stats -> stats.busy() == 0);
          assertEquals(1, worker.cancels().size(), "the worker was told to stop the call");
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          assertTrue(worker.process().isAlive(), "it stopped in time and serves on");
          // the pool holds two, so a second worker may have started meanwhile; none was replaced
          assertTrue(
              spawner.spawned().stream().allMatch(w -> w.process().isAlive()),
              "no worker was killed");
          assertEquals(1, runtime.poolStats("default").timeouts());
        });
  }

  @Test
  void aCallPastItsDeadlineWhoseWorkerDoesNotStopItGetsTheWorkerKilledAfterTheGrace() {
    // A grace period that no delay of a busy machine reaches: the caller is told first.
    Duration grace = Duration.ofSeconds(5);
    runtime(
        RealRuntimeTest::behave, PoolOptions.builder().size(1).cancelGrace(grace), worker -> {});
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          long start = System.nanoTime();
          assertThrows(
              CallTimeoutException.class,
              () ->
                  runtime.call(
                      "m",
                      "hang",
                      List.of(),
                      CallOptions.defaults().timeout(Duration.ofMillis(200))));
          ScriptedWorker worker = spawner.spawned().get(0);
          assertTrue(worker.process().isAlive(), "the caller did not wait for the grace period");
          assertTrue(
              worker.process().waitFor(Await.CEILING.toSeconds(), TimeUnit.SECONDS),
              "killed after the grace");
          long killedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertTrue(
              killedMillis >= 200 + grace.toMillis(),
              "not before the grace period: " + killedMillis);
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          assertEquals(2, spawner.spawned().size(), "replaced");
        });
  }

  @Test
  void argumentsThatCannotCrossFailBeforeAnyWorkerStarts() {
    runtime(RealRuntimeTest::behave);
    ConversionException e =
        assertThrows(
            ConversionException.class,
            () -> runtime.call("m", "f", List.of(1, new Object()), CallOptions.defaults()));
    assertEquals("args[1]", e.path());
    CompletableFuture<Object> future =
        runtime.callAsync("m", "f", List.of(Optional.empty()), CallOptions.defaults());
    ExecutionException failed = assertThrows(ExecutionException.class, future::get);
    assertInstanceOf(ConversionException.class, failed.getCause());
    assertEquals(0, spawner.spawned().size());
  }

  @Test
  void misuseIsRejectedNamingTheParameter() {
    runtime(RealRuntimeTest::behave);
    CallOptions options = CallOptions.defaults();
    assertEquals(
        "module",
        assertThrows(NullPointerException.class, () -> runtime.call(null, "f", List.of(), options))
            .getMessage());
    assertEquals(
        "function must not be blank",
        assertThrows(
                IllegalArgumentException.class, () -> runtime.call("m", " ", List.of(), options))
            .getMessage());
    assertEquals(
        "args",
        assertThrows(NullPointerException.class, () -> runtime.call("m", "f", null, options))
            .getMessage());
    assertEquals(
        "attr",
        assertThrows(NullPointerException.class, () -> runtime.getModuleAttr("m", null))
            .getMessage());
    IllegalArgumentException pool =
        assertThrows(
            IllegalArgumentException.class,
            () -> runtime.call("m", "f", List.of(), options.pool("gpu")));
    assertTrue(pool.getMessage().contains("unknown pool 'gpu'"), pool.getMessage());
    assertThrows(
        NullPointerException.class, () -> runtime.callAsync(null, "f", List.of(), options));
  }

  @Test
  void closeStopsWorkersAndLaterCallsFail() {
    runtime(RealRuntimeTest::behave);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          assertEquals(5L, runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          runtime.close();
          ScriptedWorker worker = spawner.spawned().get(0);
          assertFalse(worker.process().isAlive());
          assertTrue(worker.received().contains(FrameKind.SHUTDOWN));
          IllegalStateException e =
              assertThrows(
                  IllegalStateException.class,
                  () -> runtime.call("calc", "add", List.of(2, 3), CallOptions.defaults()));
          assertEquals("runtime 'unit' is closed", e.getMessage());
          runtime.close();
        });
  }
}
