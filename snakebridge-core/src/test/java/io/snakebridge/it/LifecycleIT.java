package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerCrashedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starting, configuring and stopping workers, including when the JVM itself dies. */
@ExtendWith(NoLeakedWorkers.class)
class LifecycleIT {
  private static final Duration LIMIT = Await.CEILING;

  private static Path script(String name, String body) throws IOException {
    Path file = ItEnvironment.workDir().resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void aMissingPythonFailsPromptlyWithAClearMessage() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.runtime("missing").python("python-that-does-not-exist-9").build()) {
            PoolExhaustedException e =
                assertThrows(PoolExhaustedException.class, () -> python.call("math", "sqrt", 16));
            assertTrue(
                e.getCause()
                    .getMessage()
                    .startsWith(
                        "Python command 'python-that-does-not-exist-9' was not found on PATH"),
                e.getCause().getMessage());
          }
          try (SnakeBridgeRuntime python =
              ItEnvironment.runtime("missing-path").python("/no/such/dir/python3").build()) {
            PoolExhaustedException e =
                assertThrows(PoolExhaustedException.class, () -> python.call("math", "sqrt", 16));
            assertTrue(
                e.getCause().getMessage().contains("/no/such/dir/python3 does not exist"),
                e.getCause().getMessage());
          }
        });
  }

  @Test
  void anInterpreterThatDiesAtStartUpIsReportedWithItsStatusAndStderr() throws IOException {
    Path broken = script("broken-python.sh", "echo 'fatal: broken interpreter' >&2\nexit 7");
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.runtime("broken").python(broken.toString()).build()) {
            PoolExhaustedException e =
                assertThrows(PoolExhaustedException.class, () -> python.call("math", "sqrt", 16));
            WorkerCrashedException start =
                assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertEquals(7, start.exitCode().getAsInt());
            assertTrue(start.stderrTail().contains("fatal: broken interpreter"));
            assertTrue(start.getMessage().contains(broken.toString()), start.getMessage());
            // Nothing retries behind the caller's back, and the next call tries again.
            assertThrows(PoolExhaustedException.class, () -> python.call("math", "sqrt", 16));
          }
        });
  }

  @Test
  void anInterpreterThatNeverAnswersIsStoppedAtTheStartupTimeout() throws IOException {
    Path silent = script("silent-python.sh", "exec sleep 300");
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (SnakeBridgeRuntime python =
              ItEnvironment.runtime("silent")
                  .python(silent.toString())
                  .startupTimeout(Duration.ofMillis(500))
                  .build()) {
            PoolExhaustedException e =
                assertThrows(PoolExhaustedException.class, () -> python.call("math", "sqrt", 16));
            assertTrue(
                e.getCause().getMessage().contains("did not complete its handshake within PT0.5S"),
                e.getCause().getMessage());
          }
        });
  }

  @Test
  void environmentPythonPathAndWorkingDirectoryReachTheWorkers() throws IOException {
    Path cwd = Files.createDirectories(ItEnvironment.workDir().resolve("cwd"));
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("configured")
            .environmentVariable("SB_TEST_VALUE", "from java")
            .workingDirectory(cwd)
            .poolSize(1)
            .build()) {
      assertEquals("from java", python.call("sbtest_helpers", "env", "SB_TEST_VALUE"));
      assertEquals(cwd.toRealPath().toString(), python.call("sbtest_helpers", "cwd"));
      // pythonPath comes right after the standard library (WIRE-PROTOCOL §4.1 `paths`).
      List<?> path = (List<?>) python.getModuleAttr("sys", "path");
      Object stdlib = python.call("os.path", "dirname", python.getModuleAttr("os", "__file__"));
      int helpers = path.indexOf(ItEnvironment.helpers().toString());
      assertTrue(helpers > path.indexOf(stdlib) && path.indexOf(stdlib) >= 0, path.toString());
    }
  }

  @Test
  void closeStopsEveryWorkerBeforeItReturns() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          SnakeBridgeRuntime python =
              ItEnvironment.runtime("closing").poolSize(3).eagerStart(true).build();
          List<Long> pids = new ArrayList<>();
          List<CompletableFuture<Object>> calls = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            calls.add(
                python.callAsync(
                    "sbtest_helpers", "sleep_then_pid", List.of(0.3), CallOptions.defaults()));
          }
          for (CompletableFuture<Object> call : calls) {
            pids.add((Long) call.get());
          }
          python.close();
          for (long pid : pids) {
            assertFalse(running(pid), "worker " + pid + " still running after close()");
          }
          assertThrows(IllegalStateException.class, () -> python.call("math", "sqrt", 1));
        });
  }

  @Test
  void closeEndsARunningCallWithinItsGracePeriod() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          SnakeBridgeRuntime python = ItEnvironment.runtime("closing-busy").poolSize(1).build();
          CompletableFuture<Object> running =
              python.callAsync("time", "sleep", List.of(300), CallOptions.defaults());
          Await.value("the call running", python::poolStats, s -> s.busy() == 1);
          python.close(); // bounded: LIMIT is far below the call's 300 s
          ExecutionException e = assertThrows(ExecutionException.class, running::get);
          assertInstanceOf(SnakeBridgeException.class, e.getCause());
          assertTrue(
              e.getCause().getMessage().contains("was closed while"), e.getCause().getMessage());
        });
  }

  @Test
  void workersExitByThemselvesWhenTheJvmIsKilled() throws Exception {
    Process child =
        childJvm(
            "kill",
            ItEnvironment.python(),
            ItEnvironment.cacheDir().toString(),
            ItEnvironment.helpers().toString());
    try {
      List<Long> pids = readPids(child);
      assertEquals(2, pids.size());
      for (long pid : pids) {
        assertTrue(running(pid));
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
      child.waitFor(Await.CEILING.toSeconds(), TimeUnit.SECONDS);
      awaitAllExit(pids);
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void theDefaultRuntimeIsClosedAtJvmExit() throws Exception {
    Process child = childJvm("exit");
    try {
      List<Long> pids = readPids(child);
      assertEquals(1, pids.size());
      assertTrue(child.waitFor(Await.CEILING.toSeconds(), TimeUnit.SECONDS), "the child JVM exits");
      assertEquals(0, child.exitValue());
      awaitAllExit(pids);
    } finally {
      child.destroyForcibly();
    }
  }

  private static Process childJvm(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dsnakebridge.python=" + ItEnvironment.python());
    command.add("-Dsnakebridge.cacheDir=" + ItEnvironment.cacheDir());
    command.add(WorkerPidsMain.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("SNAKEBRIDGE_PYTHON");
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return builder.start();
  }

  private static List<Long> readPids(Process child) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("PIDS ")) {
        List<Long> pids = new ArrayList<>();
        for (String pid : line.substring(5).trim().split(" ")) {
          pids.add(Long.parseLong(pid));
        }
        return pids;
      }
    }
    return fail("the child JVM ended without printing its worker pids");
  }

  /** Waits until none of the workers {@code pids} runs: they exit after their JVM. */
  private static void awaitAllExit(List<Long> pids) {
    Await.until("the exit of workers " + pids, () -> pids.stream().noneMatch(LifecycleIT::running));
  }
}
