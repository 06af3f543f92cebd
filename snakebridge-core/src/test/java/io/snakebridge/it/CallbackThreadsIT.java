package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Java callback still running when the call that made it ends is interrupted, so a callback that
 * blocks does not keep a thread per timed-out call; one the callback executor refuses (all its
 * threads busy) fails in Python with an error saying so.
 */
@ExtendWith(NoLeakedWorkers.class)
class CallbackThreadsIT {
  private static final String NAME = "cbthreads";
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime(NAME).poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static long callbackThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(thread -> thread.getName().startsWith("snakebridge-" + NAME + "-callback-"))
        .filter(thread -> thread.getState() != Thread.State.TERMINATED)
        .filter(thread -> !idle(thread))
        .count();
  }

  /** A pooled thread waiting for its next task holds no callback. */
  private static boolean idle(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals("java.util.concurrent.ThreadPoolExecutor")
          && frame.getMethodName().equals("getTask")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void callbacksThatBlockForEverAreInterruptedWhenTheirCallsTimeOut() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    Function<Object, Object> blocking =
        value -> {
          started.incrementAndGet();
          try {
            never.await();
            return value;
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
          }
        };
    // A call may time out before its callback starts (a busy machine): count the ones that did.
    Await.value(
        "30 callbacks started",
        () -> {
          assertThrows(
              CallTimeoutException.class,
              () ->
                  python.call(
                      "sbtest_objects",
                      "apply",
                      List.of(blocking, 1),
                      CallOptions.defaults().timeout(Duration.ofMillis(300))));
          return started.get();
        },
        count -> count >= 30);
    Await.value(
        "every started callback interrupted and no callback thread holding one",
        () ->
            callbackThreads()
                + " callback threads still hold a callback; "
                + interrupted.get()
                + " of "
                + started.get()
                + " callbacks were interrupted",
        seen -> callbackThreads() == 0 && interrupted.get() >= started.get());
    assertEquals(started.get(), interrupted.get(), "every callback that started");
    assertEquals(4.0, python.call("math", "sqrt", 16), "the worker serves on");
  }

  @Test
  void aCallbackTheExecutorRefusesFailsInPythonSayingWhy() {
    ThreadPoolExecutor one =
        new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
    try (SnakeBridgeRuntime bounded =
        ItEnvironment.runtime(NAME + "-bounded").poolSize(1).callbackExecutor(one).build()) {
      Function<Object, Object> inner = value -> value;
      // The outer callback holds the only thread while its nested call calls back again.
      Function<Object, Object> outer =
          value -> {
            try {
              return bounded.call("sbtest_objects", "apply", inner, value);
            } catch (PythonException e) {
              return e.getMessage();
            }
          };
      Object answer = bounded.call("sbtest_objects", "apply", outer, 1);
      assertTrue(
          answer instanceof String && ((String) answer).contains("callback executor refused it"),
          String.valueOf(answer));
      assertEquals(2L, bounded.call("sbtest_objects", "apply", inner, 2), "later ones run");
    } finally {
      one.shutdown();
    }
  }
}
