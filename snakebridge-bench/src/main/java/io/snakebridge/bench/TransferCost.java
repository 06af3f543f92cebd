package io.snakebridge.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the time of the bulk transfers goes, summed over a batch of them: the measuring thread's
 * CPU, the Python processes' CPU, the JVM's garbage collection time and its minor page faults. It
 * is written next to rows (4c) and (4d), so that a run in which a transfer is slow says on which
 * side the time went (BENCHMARKS.md, "Bulk data"). Counters that cannot be read are -1.
 *
 * @param javaCpuNanos CPU time of the measuring thread
 * @param pythonCpuNanos CPU time of the JVM's child processes
 * @param gcMillis collection time of all of the JVM's collectors
 * @param jvmMinorFaults minor page faults of the JVM process
 */
record TransferCost(long javaCpuNanos, long pythonCpuNanos, long gcMillis, long jvmMinorFaults) {
  /** The counters now. */
  static TransferCost now() {
    long gc = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      long time = collector.getCollectionTime();
      gc = time < 0 || gc < 0 ? -1 : gc + time;
    }
    return new TransferCost(CpuClock.currentThread(), CpuClock.children(), gc, minorFaults());
  }

  /** What was spent between {@code before} and this snapshot; -1 where either is unknown. */
  TransferCost since(TransferCost before) {
    return new TransferCost(
        delta(javaCpuNanos, before.javaCpuNanos),
        delta(pythonCpuNanos, before.pythonCpuNanos),
        delta(gcMillis, before.gcMillis),
        delta(jvmMinorFaults, before.jvmMinorFaults));
  }

  /** One detail line for {@code id}, per transfer of the {@code transfers} made. */
  String describe(String id, int transfers) {
    return String.format(
        Locale.ROOT,
        "%s per transfer (mean of %d, warm-up included): Java "
            + "caller thread CPU %s ms, Python processes CPU %s ms, JVM garbage collection %s ms, "
            + "JVM minor page faults %s",
        id,
        transfers,
        perTransfer(javaCpuNanos / 1e6, transfers),
        perTransfer(pythonCpuNanos / 1e6, transfers),
        perTransfer((double) gcMillis, transfers),
        jvmMinorFaults < 0 ? "unknown" : Report.count((double) jvmMinorFaults / transfers));
  }

  private static String perTransfer(double total, int transfers) {
    return total < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", total / transfers);
  }

  private static long delta(long after, long before) {
    return after < 0 || before < 0 ? -1 : after - before;
  }

  /** Field 10 of /proc/self/stat (minflt), or -1 where there is none. */
  private static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[7]); // fields after the name start at field 3 (state)
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
