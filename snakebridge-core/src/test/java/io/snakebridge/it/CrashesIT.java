package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerCrashedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A worker that dies costs its call, never the JVM, the other calls or the pool's size. */
@ExtendWith(NoLeakedWorkers.class)
class CrashesIT {
  private static final Duration LIMIT = Await.CEILING;
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("crashes").poolSize(3).eagerStart(true).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void anExitGivesItsStatus() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          WorkerCrashedException e =
              assertThrows(
                  WorkerCrashedException.class,
                  () -> python.call("sbtest_helpers", "exit_with", 3));
          assertEquals(3, e.exitCode().getAsInt());
          assertTrue(e.signal().isEmpty());
          assertTrue(e.workerId().startsWith("crashes-"), e.workerId());
          assertTrue(e.getMessage().contains("exit status 3"), e.getMessage());
          assertEquals(4.0, python.call("math", "sqrt", 16));
        });
  }

  @Test
  void sigkillGivesSignal9() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          // Reported as the worker dies: the call's timeout (120 s) is far beyond LIMIT.
          WorkerCrashedException e =
              assertThrows(
                  WorkerCrashedException.class,
                  () -> python.call("sbtest_helpers", "kill_self", 9));
          assertEquals(9, e.signal().getAsInt());
          assertEquals(137, e.exitCode().getAsInt());
          assertTrue(e.getMessage().contains("killed by signal 9 (SIGKILL)"), e.getMessage());
        });
  }

  @Test
  void aSegfaultGivesSignal11AndFaulthandlersTraceback() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          WorkerCrashedException e =
              assertThrows(
                  WorkerCrashedException.class, () -> python.call("sbtest_helpers", "segfault"));
          assertEquals(11, e.signal().getAsInt());
          assertTrue(e.stderrTail().contains("Segmentation fault"), e.stderrTail());
          assertTrue(
              e.stderrTail().contains("segfault"),
              "faulthandler names the Python function: " + e.stderrTail());
        });
  }

  @Test
  void otherCallsGoOnAndThePoolGetsBackToFullSize() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Await.value("three workers", python::poolStats, s -> s.idle() + s.busy() == 3);
          Path gate = ItEnvironment.workDir().resolve("crashes-gate-" + System.nanoTime());
          List<CompletableFuture<Object>> steady = new ArrayList<>();
          for (int i = 0; i < 2; i++) {
            steady.add(
                python.callAsync(
                    "sbtest_helpers",
                    "wait_for_gate",
                    List.of(gate.toString()),
                    CallOptions.defaults()));
          }
          Await.value("two calls running", python::poolStats, s -> s.busy() == 2);
          assertThrows(
              WorkerCrashedException.class, () -> python.call("sbtest_helpers", "kill_self", 9));
          Files.createFile(gate);
          for (CompletableFuture<Object> call : steady) {
            assertTrue(call.get() instanceof Long, "the concurrent calls completed");
          }
          // Three calls that meet need three live workers: the replacement has joined.
          Path meeting = Files.createTempDirectory(ItEnvironment.workDir(), "crashes-meeting-");
          Set<Object> pids = new HashSet<>();
          List<CompletableFuture<Object>> overlapping = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            overlapping.add(
                python.callAsync(
                    "sbtest_helpers",
                    "pid_at_rendezvous",
                    List.of(meeting.toString(), 3),
                    CallOptions.defaults()));
          }
          for (CompletableFuture<Object> call : overlapping) {
            pids.add(call.get());
          }
          assertEquals(3, pids.size(), "three distinct workers: " + pids);
          for (Object pid : pids) {
            assertTrue(ProcessHandle.of((Long) pid).map(ProcessHandle::isAlive).orElse(false));
          }
        });
  }
}
