package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The examples users start with, against a real Python. */
@ExtendWith(NoLeakedWorkers.class)
class CallsIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("calls").poolSize(4).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void readmeExamples() {
    assertEquals(4.0, python.call("math", "sqrt", 16));
    assertEquals(
        2.67,
        python.call(
            "builtins", "round", List.of(2.675), CallOptions.defaults().kwarg("ndigits", 2)));
    assertEquals(Math.PI, python.getModuleAttr("math", "pi"));
    assertEquals("a/b", python.call("os", "path.join", "a", "b"));
    assertEquals("a/b", python.call("os.path", "join", "a", "b"));
    assertEquals(
        2.5,
        python.call("statistics", "mean", List.of(List.of(1, 2, 3, 4)), CallOptions.defaults()));
    assertEquals(
        2.5,
        python.callDynamic(
            "statistics", "mean", List.of(List.of(1, 2, 3, 4)), CallOptions.defaults()));
    assertEquals(3L, python.call("builtins", "len", "abc"));
    assertEquals(10L, python.call("builtins", "int", "a", 16), "ints stay ints");
  }

  @Test
  void dottedAttributesReachNestedObjects() {
    assertEquals("/", python.getModuleAttr("os", "path.sep"));
    assertEquals(Map.of("a", 1L), python.call("json", "loads", "{\"a\": 1}"));
    assertEquals(
        "1.5", python.call("decimal", "Decimal.__str__", python.call("decimal", "Decimal", "1.5")));
  }

  @Test
  void asyncVariants() throws Exception {
    CompletableFuture<Object> root = python.callAsync("math", "sqrt", 81);
    CompletableFuture<Object> joined =
        python.callAsync("os.path", "join", List.of("x", "y"), CallOptions.defaults());
    CompletableFuture<Object> dynamic =
        python.callDynamicAsync("math", "pow", List.of(2, 10), CallOptions.defaults());
    CompletableFuture<Object> e = python.getModuleAttrAsync("math", "e");
    assertEquals(9.0, root.get());
    assertEquals("x/y", joined.get());
    assertEquals(1024.0, dynamic.get());
    assertEquals(Math.E, e.get());
  }

  @Test
  void pythonInfoComesFromTheHandshake() {
    PythonInfo info = python.pythonInfo();
    assertTrue(info.version().matches("3\\.\\d+\\.\\d+.*"), info.version());
    assertEquals("cpython", info.implementation());
    assertEquals(1, info.protocolVersion());
    assertTrue(info.executable().startsWith("/"), info.executable());
    assertTrue(
        ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive).orElse(false),
        "the reported pid is a running worker");
  }

  @Test
  void sixteenThreadsMakingTwoHundredCallsEachGetTheirOwnResults() {
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
              int thread = t;
              done.add(
                  threads.submit(
                      () -> {
                        for (int i = 0; i < 200; i++) {
                          long n = thread * 1000L + i;
                          Object back =
                              python.call(
                                  "sbtest_helpers",
                                  "echo",
                                  List.of(List.of(n, "t" + thread)),
                                  CallOptions.defaults());
                          assertEquals(List.of(n, "t" + thread), back);
                          assertEquals((double) n * n, python.call("math", "pow", n, 2));
                        }
                        return thread;
                      }));
            }
            for (Future<Integer> future : done) {
              future.get();
            }
          });
    } finally {
      threads.shutdownNow();
    }
  }
}
