package io.snakebridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pins a thread of this JVM and a child process to one CPU with {@code taskset}, so that a round
 * trip's two halves hand over on the same CPU instead of waking another one.
 *
 * <p>Why: on a virtual machine whose other vCPU is idle (halted), every cross-CPU wake-up costs a
 * trip through the hypervisor, tens of microseconds, which swamps what the software itself costs.
 * Measuring both ways shows both numbers. Linux only; {@link #available()} says whether it works
 * here. Stateless and thread-safe.
 */
final class CpuPinning {
  private static final String ALL_CPUS = startingCpus();

  private CpuPinning() {}

  static boolean available() {
    return Files.isSymbolicLink(Path.of("/proc/thread-self")) && runs(List.of("taskset", "-V"));
  }

  /** The Linux thread id of the calling thread. */
  static long currentThreadId() throws IOException {
    Path target = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
    return Long.parseLong(target.getFileName().toString());
  }

  /** Restricts one thread (a tid) to {@code cpus}, e.g. "0" or "0-1". */
  static void thread(long tid, String cpus) throws IOException {
    taskset(List.of("-p", "-c", cpus, Long.toString(tid)));
  }

  /** Restricts every thread of process {@code pid} to {@code cpus}. */
  static void process(long pid, String cpus) throws IOException {
    taskset(List.of("-a", "-p", "-c", cpus, Long.toString(pid)));
  }

  /**
   * The CPUs this JVM was allowed at start, for undoing a pin: the {@code Cpus_allowed_list} of the
   * process's first thread, which no pin here touches. Not {@code availableProcessors()}: it
   * follows the calling thread's affinity, so under a pin it would "undo" the pin to that one CPU,
   * and every thread and process started afterwards would inherit it.
   */
  static String allCpus() {
    return ALL_CPUS;
  }

  private static String startingCpus() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return line.substring("Cpus_allowed_list:".length()).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc unreadable: available() is false there anyway
    }
    return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
  }

  private static void taskset(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("taskset");
    command.addAll(args);
    if (!runs(command)) {
      throw new IOException("failed: " + String.join(" ", command));
    }
  }

  private static boolean runs(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
