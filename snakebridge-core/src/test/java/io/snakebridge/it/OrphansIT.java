package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerCrashedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No process outlives its worker: the processes user code starts die with the worker however it
 * ends (the JVM SIGKILLed, a timeout, a crash, close), and no worker outlives its JVM.
 */
@ExtendWith(NoLeakedWorkers.class)
@EnabledOnOs(OS.LINUX) // reads /proc to tell a zombie (dead, not reaped yet) from the living
class OrphansIT {
  private static Path modules;

  @BeforeAll
  static void copyModule() throws IOException {
    modules = Files.createDirectories(ItEnvironment.workDir().resolve("orphans-python"));
    try (InputStream in = OrphansIT.class.getResourceAsStream("/it-python/sbtest_orphans.py")) {
      Files.copy(in, modules.resolve("sbtest_orphans.py"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static SnakeBridgeRuntime.Builder runtime(String name) {
    return ItEnvironment.runtime(name).pythonPath(ItEnvironment.helpers(), modules);
  }

  @Test
  void afterSigkillOfTheJvmNoWorkerAndNoProcessOfTheirsSurvives() throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                OrphansMain.class.getName(),
                ItEnvironment.python(),
                ItEnvironment.cacheDir().toString(),
                ItEnvironment.helpers().toString(),
                modules.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process child = builder.start();
    try {
      Map<String, List<Long>> lines = readPids(child, "WORKERS", "CHILDREN");
      List<Long> workers = lines.get("WORKERS");
      List<Long> children = lines.get("CHILDREN");
      assertEquals(4, workers.size(), "every worker of the pool started processes");
      assertTrue(children.size() >= 8, children.toString());
      List<Long> all = new ArrayList<>(workers);
      all.addAll(children);
      for (long pid : all) {
        assertTrue(running(pid), "process " + pid + " runs before the JVM is killed");
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
      assertTrue(child.waitFor(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
      awaitAllGone(all);
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aWorkerStoppedAtItsDeadlineTakesItsProcessesWithIt() {
    try (SnakeBridgeRuntime python = runtime("orphans-timeout").poolSize(1).build()) {
      assertTimeoutPreemptively(
          Await.CEILING,
          () -> {
            List<Long> pids = pids(python.call("sbtest_orphans", "start_children", 0.0));
            // The call swallows Cancelled: whatever the pool tries first, only a kill ends it.
            assertThrows(
                CallTimeoutException.class,
                () ->
                    python.call(
                        "sbtest_orphans",
                        "hang",
                        List.of(60.0),
                        CallOptions.defaults().timeout(Duration.ofMillis(500))));
            // The caller is told at the deadline; the kill comes after the cancel grace (2 s).
            awaitAllGone(pids);
            assertEquals(4.0, python.call("math", "sqrt", 16), "the pool serves on");
          });
    }
  }

  @Test
  void aWorkerKilledByAnotherProcessStillTakesItsProcessesWithIt() {
    try (SnakeBridgeRuntime python = runtime("orphans-crash").poolSize(1).build()) {
      assertTimeoutPreemptively(
          Await.CEILING,
          () -> {
            List<Long> pids = pids(python.call("sbtest_orphans", "start_children", 0.0));
            CompletableFuture<Object> running =
                python.callAsync("time", "sleep", List.of(300), CallOptions.defaults());
            Await.value("the call running", python::poolStats, s -> s.busy() == 1);
            // SIGKILL from outside the JVM's knowledge: the worker can clean nothing up itself.
            ProcessHandle.of(pids.get(0)).orElseThrow().destroyForcibly();
            ExecutionException e = assertThrows(ExecutionException.class, running::get);
            assertTrue(e.getCause() instanceof WorkerCrashedException, e.getCause().toString());
            awaitAllGone(pids);
          });
    }
  }

  @Test
  void closeTakesTheWorkersProcessesWithThem() {
    assertTimeoutPreemptively(
        Await.CEILING,
        () -> {
          SnakeBridgeRuntime python = runtime("orphans-close").poolSize(1).build();
          List<Long> pids = pids(python.call("sbtest_orphans", "start_children", 0.0));
          python.close();
          awaitAllGone(pids);
        });
  }

  private static List<Long> pids(Object value) {
    List<Long> pids = new ArrayList<>();
    for (Object pid : (List<?>) value) {
      pids.add((Long) pid);
    }
    return pids;
  }

  /** Whether a process runs: on Linux a zombie (dead, not yet reaped by init) does not. */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until none of {@code pids} runs: they die with their worker, however it ends. */
  private static void awaitAllGone(List<Long> pids) {
    Await.until("the end of processes " + pids, () -> pids.stream().noneMatch(OrphansIT::running));
  }

  private static Map<String, List<Long>> readPids(Process child, String... keys)
      throws IOException {
    Map<String, List<Long>> lines = new HashMap<>();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line; lines.size() < keys.length && (line = out.readLine()) != null; ) {
      for (String key : keys) {
        if (line.startsWith(key + " ")) {
          List<Long> pids = new ArrayList<>();
          for (String pid : line.substring(key.length() + 1).trim().split(" ")) {
            pids.add(Long.parseLong(pid));
          }
          lines.put(key, pids);
        }
      }
    }
    if (lines.size() < keys.length) {
      fail("the child JVM ended without printing its pids");
    }
    return lines;
  }
}
