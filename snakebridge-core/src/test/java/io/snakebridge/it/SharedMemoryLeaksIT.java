package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.Await;
import io.snakebridge.NdArray;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared-memory lane leaves nothing behind: its arenas have no name in any folder, and once
 * their worker is gone, however it went, no process maps or holds them any more.
 */
@ExtendWith(NoLeakedWorkers.class)
class SharedMemoryLeaksIT {
  private static Path numpy;

  @BeforeAll
  static void needsNumpyAndProc() {
    Optional<Path> numpyPython = ItEnvironment.numpyPython();
    assumeTrue(numpyPython.isPresent(), "no Python with numpy (snakebridge.test.numpyPython)");
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
    numpy = numpyPython.get();
  }

  @Test
  void aWorkerKilledWithSigkillLeavesNoArenaMappedOrOpen() {
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("shm-kill").python(numpy.toString()).poolSize(1).build()) {
      NdArray array = (NdArray) python.call("sbtest_shm", "filled", "float64", 1 << 20, 1);
      python.call("sbtest_helpers", "echo", array);
      long pid = (Long) python.call("sbtest_helpers", "pid");
      List<Long> inodes = inodes((List<?>) python.call("sbtest_shm", "arena_identity"));
      assertTrue(heldAnywhere(inodes), "the arenas are mapped while the worker lives");
      assertFalse(namedInDevShm(), "the arenas never have a name in /dev/shm");
      ItEnvironment.signal(pid, "KILL");
      Await.until(
          "no process holding worker " + pid + "'s arenas " + inodes,
          () -> {
            System.gc(); // this JVM's mappings go with their buffers, once collected
            return !heldAnywhere(inodes);
          });
      assertFalse(namedInDevShm());
    }
  }

  @Test
  void afterSigkillOfTheJvmNoProcessHoldsTheArenas() throws Exception {
    List<String> command =
        List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "-cp",
            System.getProperty("java.class.path"),
            SharedMemoryMain.class.getName(),
            numpy.toString(),
            ItEnvironment.cacheDir().toString(),
            ItEnvironment.helpers().toString());
    Process child =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String line = workerLine(child);
      String[] fields = line.split(" ");
      long pid = Long.parseLong(fields[1]);
      List<Long> inodes = List.of(Long.parseLong(fields[2]), Long.parseLong(fields[3]));
      assertTrue(heldAnywhere(inodes), "the arenas are mapped while the JVM lives");
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
      assertTrue(child.waitFor(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
      Await.until(
          "the end of worker " + pid,
          () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
      Await.until("no process holding the arenas " + inodes, () -> !heldAnywhere(inodes));
      assertFalse(namedInDevShm());
    } finally {
      child.destroyForcibly();
    }
  }

  private static String workerLine(Process child) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("WORKER ")) {
        return line;
      }
    }
    throw new AssertionError("the child JVM ended without its WORKER line");
  }

  private static List<Long> inodes(List<?> arenas) {
    List<Long> inodes = new ArrayList<>();
    for (Object arena : arenas) {
      inodes.add((Long) ((List<?>) arena).get(1));
    }
    assertEquals(2, inodes.size());
    return inodes;
  }

  /** Whether any process maps a snakebridge memfd of one of these inodes, or has it open. */
  private static boolean heldAnywhere(List<Long> inodes) {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .anyMatch(p -> maps(p, inodes) || opens(p, inodes));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean maps(Path process, List<Long> inodes) {
    try (Stream<String> lines = Files.lines(process.resolve("maps"))) {
      return lines
          .filter(l -> l.contains("/memfd:snakebridge"))
          .map(l -> l.trim().split("\\s+"))
          .anyMatch(f -> f.length > 4 && inodes.contains(Long.parseLong(f[4])));
    } catch (IOException | RuntimeException e) {
      return false; // the process ended meanwhile, or is not ours to read
    }
  }

  private static boolean opens(Path process, List<Long> inodes) {
    try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
      return fds.anyMatch(
          fd -> {
            try {
              return Files.readSymbolicLink(fd).toString().startsWith("/memfd:snakebridge")
                  && inodes.contains(((Number) Files.getAttribute(fd, "unix:ino")).longValue());
            } catch (IOException | RuntimeException e) {
              return false;
            }
          });
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean namedInDevShm() {
    Path shm = Path.of("/dev/shm");
    if (!Files.isDirectory(shm)) {
      return false;
    }
    try (Stream<Path> files = Files.list(shm)) {
      return files.anyMatch(f -> f.getFileName().toString().contains("snakebridge"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
