package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.WireCallback;
import io.snakebridge.internal.codec.WireRef;
import io.snakebridge.internal.runtime.RuntimeSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Java callbacks called by a scripted worker: dispatch, threads, errors, nesting. */
@Timeout(20)
class CallbacksTest {
  private final List<Long> callbackIds = new CopyOnWriteArrayList<>();
  private FakeSpawner spawner;
  private SnakeBridgeRuntime python;

  private SnakeBridgeRuntime start(Executor executor) {
    spawner = new FakeSpawner(worker -> worker.onCall(this::handle));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("cb");
    settings.poolSize(1);
    if (executor != null) {
      settings.callbackExecutor(executor);
    }
    python = FakeRuntimes.build(settings, spawner, new FakeTicker());
    return python;
  }

  @AfterEach
  void close() {
    python.close();
  }

  /**
   * "apply": {@code apply(fn, *args, **kwargs)} calls the Java function and returns its result, or,
   * when it threw, raises JavaError (an ERROR carrying the callback's error_id), as the real worker
   * does when Python does not catch it. "pid" returns the worker's pid.
   */
  private volatile WireCallback kept;

  private void handle(ScriptedWorker.Call call) throws IOException {
    if (call.target().equals("pid")) {
      call.reply(call.worker().process().pid());
      return;
    }
    if (call.target().equals("keep")) {
      kept = (WireCallback) call.args().get(0);
      call.reply(null);
      return;
    }
    if (call.target().equals("callKept")) {
      ScriptedWorker.Answer answer = call.callback(kept, List.of(), Map.of());
      call.reply(java.util.Arrays.asList(answer.error(), answer.value()));
      return;
    }
    WireCallback callback = (WireCallback) call.args().get(0);
    callbackIds.add(callback.id());
    List<?> rest = call.args().subList(1, call.args().size());
    ScriptedWorker.Answer answer = call.callback(callback, rest, call.kwargs());
    if (!answer.error()) {
      call.reply(answer.value());
      return;
    }
    Map<?, ?> failure = (Map<?, ?>) answer.value();
    Map<String, Object> error =
        ScriptedWorker.pythonError(
            "snakebridge_worker.JavaError",
            failure.get("type") + ": " + failure.get("message"),
            "snakebridge_worker.JavaError",
            "builtins.Exception");
    error.put("error_id", failure.get("error_id"));
    call.error(error);
  }

  private Object apply(Object function, Object... args) {
    List<Object> all = new ArrayList<>();
    all.add(function);
    all.addAll(List.of(args));
    return python.call("m", "apply", all, CallOptions.defaults());
  }

  @Test
  void everyKindOfFunctionCanBeCalled() {
    start(null);
    assertEquals(42L, apply((Function<Long, Long>) x -> x * 2, 21));
    assertEquals("ab", apply((BiFunction<String, String, String>) String::concat, "a", "b"));
    assertEquals("got", apply((Supplier<String>) () -> "got"));
    AtomicInteger ran = new AtomicInteger();
    assertNull(apply((Runnable) ran::incrementAndGet));
    assertEquals(1, ran.get());
    PyCallable all = (args, kwargs) -> List.of(args, kwargs);
    assertEquals(
        List.of(List.of(1L, 2L), Map.of("k", "v")),
        python.call("m", "apply", List.of(all, 1, 2), CallOptions.defaults().kwarg("k", "v")));
  }

  @Test
  void callbacksRunOnTheCallbackExecutorNeverOnTheCallersThread() {
    start(null);
    String caller = Thread.currentThread().getName();
    String ran = (String) apply((Supplier<String>) () -> Thread.currentThread().getName());
    assertNotEquals(caller, ran);
    assertTrue(ran.startsWith("snakebridge-cb-callback-"), ran);
  }

  @Test
  void anInjectedExecutorRunsThem() {
    AtomicInteger executed = new AtomicInteger();
    java.util.concurrent.ExecutorService threads = Executors.newCachedThreadPool();
    try {
      start(
          task -> {
            executed.incrementAndGet();
            threads.execute(task);
          });
      assertEquals(3L, apply((Function<Long, Long>) x -> x + 1, 2));
      assertEquals(1, executed.get());
    } finally {
      threads.shutdown();
    }
  }

  @Test
  void aJavaExceptionSurfacesAsPythonExceptionCausedByIt() {
    start(null);
    IllegalStateException thrown = new IllegalStateException("no stock");
    PythonException e =
        assertThrows(
            PythonException.class,
            () ->
                apply(
                    (Supplier<Object>)
                        () -> {
                          throw thrown;
                        }));
    assertEquals("snakebridge_worker.JavaError", e.pythonType());
    assertEquals("java.lang.IllegalStateException: no stock", e.pythonMessage());
    assertSame(thrown, e.getCause());
  }

  @Test
  void aWrongNumberOfArgumentsRaisesInPython() {
    start(null);
    PythonException e =
        assertThrows(PythonException.class, () -> apply((Function<Object, Object>) x -> x, 1, 2));
    IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(cause.getMessage().contains("takes 1 positional argument"), cause.getMessage());
  }

  @Test
  void aCallbackMayCallPythonWhichCallsBackToAnyDepth() {
    start(null);
    long pid = (Long) python.call("m", "pid");
    Function<Long, Object> nested =
        new Function<>() {
          @Override
          public Object apply(Long depth) {
            if (depth == 0) {
              return List.of(python.call("m", "pid"), Thread.currentThread().getName());
            }
            return CallbacksTest.this.apply(this, depth - 1);
          }
        };
    List<?> deepest = (List<?>) apply(nested, 4L);
    assertEquals(pid, deepest.get(0), "nested calls ran on the worker that called back");
    assertEquals(1, spawner.spawned().size());
    assertEquals(5, callbackIds.size());
    assertEquals(
        1,
        callbackIds.stream().distinct().count(),
        "one function object, one registration in the session");
  }

  @Test
  void theSameFunctionInOneSessionKeepsItsIdAndANewOneGetsANewId() {
    start(null);
    Function<Long, Long> twice = x -> x * 2;
    apply(twice, 1);
    apply(twice, 2);
    apply((Function<Long, Long>) x -> x, 3);
    assertEquals(callbackIds.get(0), callbackIds.get(1));
    assertNotEquals(callbackIds.get(0), callbackIds.get(2));
  }

  @Test
  void aCallbackCanReturnAReferenceOfItsSession() {
    start(null);
    python.close();
    List<Object> returned = new CopyOnWriteArrayList<>();
    FakeSpawner refs =
        new FakeSpawner(
            worker ->
                worker.onCall(
                    call -> {
                      if (call.target().equals("make")) {
                        call.reply(call.newRef("r1", "mod.Thing"));
                        return;
                      }
                      ScriptedWorker.Answer answer =
                          call.callback((WireCallback) call.args().get(1), List.of(), Map.of());
                      returned.add(answer.value());
                      call.reply(call.newRef("r1", "mod.Thing"));
                    }));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("cbref");
    settings.poolSize(1);
    python = FakeRuntimes.build(settings, refs, new FakeTicker());
    PyRef thing = (PyRef) python.call("m", "make");
    assertSame(thing, python.call("m", "give", thing, (Supplier<PyRef>) () -> thing));
    assertEquals(List.of(WireRef.of("r1", thing.sessionId())), returned);
  }

  @Test
  void aCallbackLivesAsLongAsItsSession() {
    start(null);
    SessionContext.withSession(
        SessionOptions.defaults().sessionId("cb-session"),
        () -> {
          python.call("m", "keep", (Supplier<String>) () -> "still here");
          assertEquals(
              List.of(false, "still here"),
              answer(python.call("m", "callKept")),
              "callable after the call that passed it");
        });
    List<?> after = answer(python.call("m", "callKept"));
    assertEquals(true, after.get(0));
    Map<?, ?> error = (Map<?, ?>) after.get(1);
    assertEquals("java.lang.IllegalStateException", error.get("type"));
    assertTrue(((String) error.get("message")).contains("its session has ended"), error.toString());
  }

  /** The fake replies with the callback's answer as {@code [error, value]}. */
  private static List<?> answer(Object reply) {
    return (List<?>) reply;
  }
}
