package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Heartbeats: a worker busy with a long CPU-bound call still answers them; one that stops answering
 * (SIGSTOP) is killed and replaced, and its caller gets an error. The heartbeat timeout is far
 * longer than a busy machine may delay an answer, so only the stopped worker misses it.
 */
@ExtendWith(NoLeakedWorkers.class)
class HealthIT {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.bareRuntime("health")
            .eagerStart(true)
            .pool(
                "default",
                ItEnvironment.pool()
                    .size(2)
                    .heartbeatInterval(INTERVAL)
                    .heartbeatTimeout(TIMEOUT)
                    .build())
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static void awaitFullSize() {
    Await.value("the pool at full size", python::poolStats, s -> s.idle() + s.busy() == 2);
  }

  @Test
  void aWorkerBusyWithALongCpuBoundCallIsNotTakenForHung() {
    assertTimeoutPreemptively(
        Await.CEILING,
        () -> {
          long crashes = python.poolStats().crashes();
          Object pid = python.call("sbtest_helpers", "spin", List.of(3.0), CallOptions.defaults());
          assertTrue(pid instanceof Long);
          assertEquals(crashes, python.poolStats().crashes(), "every heartbeat answered");
        });
  }

  @Test
  void aStoppedWorkerIsKilledAndReplacedWithinTheBoundAndItsCallerToldWhy() {
    assertTimeoutPreemptively(
        Await.CEILING.multipliedBy(2),
        () -> {
          awaitFullSize();
          Path note = ItEnvironment.workDir().resolve("stopped-" + System.nanoTime());
          CompletableFuture<Object> call =
              python.callAsync(
                  "sbtest_helpers",
                  "pid_then_sleep",
                  List.of(note.toString(), 300),
                  CallOptions.defaults());
          Await.until("the call's note " + note, () -> Files.exists(note));
          long pid = Long.parseLong(Files.readString(note));
          ItEnvironment.signal(pid, "STOP");
          ExecutionException e =
              assertThrows(
                  ExecutionException.class,
                  () -> call.get(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
          WorkerCrashedException crash =
              assertInstanceOf(WorkerCrashedException.class, e.getCause());
          assertTrue(
              crash.getMessage().contains("stopped answering heartbeats"), crash.getMessage());
          awaitFullSize();
          assertFalse(
              ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
              "the stopped process was killed");
          assertEquals(4.0, python.call("math", "sqrt", 16));
        });
  }
}
