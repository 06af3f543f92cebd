package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snakebridge.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * After the JVM is SIGKILLed, no worker survives even when it cannot run a line of Python: one
 * inside a C call that holds the GIL, and one stopped by SIGSTOP, both with processes of their own.
 * Only the worker's watchdog process can act then (process.py).
 */
@ExtendWith(NoLeakedWorkers.class)
@EnabledOnOs(OS.LINUX) // the watchdog is Linux only; /proc tells a zombie from the living
class StuckWorkersIT {

  @Test
  void afterSigkillOfTheJvmAStuckAndAStoppedWorkerDieWithTheirProcesses() throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                StuckWorkersMain.class.getName(),
                ItEnvironment.python(),
                ItEnvironment.cacheDir().toString(),
                ItEnvironment.workDir().resolve("stuck-workers.pids").toString(),
                ItEnvironment.helpers().toString(),
                UserForksIT.modules().toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process child = builder.start();
    try {
      Map<String, List<Long>> lines = readPids(child, "HOLDING", "IDLE");
      List<Long> holding = lines.get("HOLDING");
      List<Long> stopped = lines.get("IDLE");
      assertEquals(3, holding.size(), holding.toString());
      assertEquals(3, stopped.size(), stopped.toString());
      ItEnvironment.signal(stopped.get(0), "STOP");
      List<Long> all = new ArrayList<>(holding);
      all.addAll(stopped);
      for (long pid : all) {
        assertTrue(running(pid), "process " + pid + " runs before the JVM is killed");
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      Await.value(
          "every process gone; all: " + all,
          () -> all.stream().filter(StuckWorkersIT::running).collect(Collectors.toList()),
          List::isEmpty);
    } finally {
      child.destroyForcibly();
    }
  }

  /** Whether a process runs: a zombie (dead, not yet reaped by init) does not. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<String, List<Long>> readPids(Process child, String... keys) throws Exception {
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
