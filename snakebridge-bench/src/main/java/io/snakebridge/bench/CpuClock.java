package io.snakebridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time actually used, as opposed to wall time: the calling thread's (from the JVM) and child
 * processes' (the sum of {@code /proc/<pid>/task/* /schedstat}, Linux only, in nanoseconds).
 * Splitting a round trip into Java CPU, Python CPU and the rest (waiting for wake-ups) is what
 * tells where its time goes. Stateless and thread-safe.
 */
final class CpuClock {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CpuClock() {}

  /** The current thread's CPU time in nanoseconds, or -1 where the JVM cannot tell. */
  static long currentThread() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
  }

  /**
   * CPU time used so far by all child processes of this JVM (the Python workers and echo processes
   * alive at the time), or -1 where unknown.
   */
  static long children() {
    long[] pids = ProcessHandle.current().children().mapToLong(ProcessHandle::pid).toArray();
    long total = 0;
    for (long pid : pids) {
      long used = process(pid);
      if (used < 0) {
        return -1;
      }
      total += used;
    }
    return total;
  }

  /** CPU time used so far by all threads of process {@code pid}, or -1 where unknown. */
  static long process(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long total = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        String schedstat = Files.readString(thread.resolve("schedstat"));
        total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
      }
      return total;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
