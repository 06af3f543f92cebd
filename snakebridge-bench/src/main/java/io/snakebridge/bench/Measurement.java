package io.snakebridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Timing loops: warm up for a while, then time every operation with {@link System#nanoTime} into a
 * {@link Latencies} until both a minimum count and a minimum duration are reached. Consecutive
 * operations share a timestamp (one {@code nanoTime} per operation), so nothing between two
 * operations goes unmeasured. Progress goes to stderr; the report is built from the results.
 */
final class Measurement {
  /** Something to time; called many times in a row from one thread. */
  interface Action {
    void run() throws Exception;
  }

  /**
   * Per-operation latencies, the overall rate, and the CPU time per operation of the measuring
   * threads and of the Python processes (NaN where the platform cannot tell).
   */
  record Run(
      Latencies latencies, double callsPerSecond, double javaCpuMicros, double pythonCpuMicros) {
    double meanMicros() {
      return 1e6 / callsPerSecond;
    }

    double p50Micros() {
      return latencies.p50Micros();
    }

    double p99Micros() {
      return latencies.p99Micros();
    }
  }

  private final long warmupNanos;
  private final long measureNanos;
  private final int minCalls;

  Measurement(BenchOptions options) {
    this.warmupNanos = (long) (options.warmupSeconds() * 1e9);
    this.measureNanos = (long) (options.seconds() * 1e9);
    this.minCalls = options.calls();
  }

  /**
   * One thread, back to back: latencies, calls per second, and the CPU time per call of this thread
   * and of the JVM's child processes (the Python side).
   */
  Run latency(String name, Action action) throws Exception {
    System.err.println("[bench] " + name);
    long warmEnd = System.nanoTime() + warmupNanos;
    while (System.nanoTime() < warmEnd) {
      action.run();
    }
    Latencies latencies = new Latencies();
    long javaCpu = CpuClock.currentThread();
    long pythonCpu = CpuClock.children();
    long start = System.nanoTime();
    long deadline = start + measureNanos;
    long last = start;
    while (latencies.count() < minCalls || last < deadline) {
      action.run();
      long now = System.nanoTime();
      latencies.add(now - last);
      last = now;
    }
    int calls = latencies.count();
    javaCpu = CpuClock.currentThread() - javaCpu;
    pythonCpu = CpuClock.children() - pythonCpu;
    Run run =
        new Run(
            latencies,
            calls / ((last - start) / 1e9),
            perCallMicros(javaCpu, calls),
            perCallMicros(pythonCpu, calls));
    log(run);
    return run;
  }

  /**
   * {@code threads} threads, each running its own action back to back for the same window after a
   * common warm-up: merged latencies and the total rate.
   */
  Run parallel(String name, int threads, IntFunction<Action> actions) throws Exception {
    System.err.println("[bench] " + name);
    long measureStart = System.nanoTime() + 100_000_000L + warmupNanos;
    long measureEnd = measureStart + measureNanos;
    Latencies[] perThread = new Latencies[threads];
    long[] ends = new long[threads];
    long[] javaCpu = new long[threads];
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Action action = actions.apply(t);
      Thread thread =
          new Thread(
              () -> {
                try {
                  while (System.nanoTime() < measureStart) {
                    action.run();
                  }
                  Latencies latencies = new Latencies();
                  long cpu = CpuClock.currentThread();
                  long last = System.nanoTime();
                  while (last < measureEnd) {
                    action.run();
                    long now = System.nanoTime();
                    latencies.add(now - last);
                    last = now;
                  }
                  javaCpu[index] = CpuClock.currentThread() - cpu;
                  perThread[index] = latencies;
                  ends[index] = last;
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                }
              },
              "bench-" + t);
      workers.add(thread);
      thread.start();
    }
    long pythonCpu = sleepUntil(measureStart) ? CpuClock.children() : -1;
    if (sleepUntil(measureEnd) && pythonCpu >= 0) {
      pythonCpu = CpuClock.children() - pythonCpu;
    }
    for (Thread thread : workers) {
      thread.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    Latencies merged = new Latencies();
    long end = measureEnd;
    long javaCpuTotal = 0;
    for (int t = 0; t < threads; t++) {
      merged.addAll(perThread[t]);
      end = Math.max(end, ends[t]);
      javaCpuTotal = javaCpu[t] < 0 || javaCpuTotal < 0 ? -1 : javaCpuTotal + javaCpu[t];
    }
    int calls = merged.count();
    Run run =
        new Run(
            merged,
            calls / ((end - measureStart) / 1e9),
            perCallMicros(javaCpuTotal, calls),
            perCallMicros(pythonCpu, calls));
    log(run);
    return run;
  }

  /** Large operations: a few warm-ups, then at least {@code minRuns} and {@code minSeconds}. */
  Latencies transfers(String name, int warmups, int minRuns, double minSeconds, Action action)
      throws Exception {
    System.err.println("[bench] " + name);
    for (int i = 0; i < warmups; i++) {
      action.run();
    }
    Latencies latencies = new Latencies();
    long deadline = System.nanoTime() + (long) (minSeconds * 1e9);
    long last = System.nanoTime();
    while (latencies.count() < minRuns || last < deadline) {
      action.run();
      long now = System.nanoTime();
      latencies.add(now - last);
      last = now;
    }
    System.err.printf(
        Locale.ROOT,
        "[bench]   %d runs, p50 %.1f ms%n",
        latencies.count(),
        latencies.percentile(50) / 1e6);
    return latencies;
  }

  /** Sleeps until {@code nanoTime} reaches {@code when}; false if interrupted (flag restored). */
  private static boolean sleepUntil(long when) {
    long remaining;
    while ((remaining = when - System.nanoTime()) > 0) {
      try {
        Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static double perCallMicros(long cpuNanos, int calls) {
    return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e3 / calls;
  }

  private static void log(Run run) {
    System.err.printf(
        Locale.ROOT,
        "[bench]   %,d calls, p50 %.1f µs, p99 %.1f µs, %,.0f/s%n",
        run.latencies().count(),
        run.p50Micros(),
        run.p99Micros(),
        run.callsPerSecond());
  }
}
