package io.snakebridge.bench;

import io.snakebridge.EventListener;
import io.snakebridge.PoolOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.PyRef;
import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak: a million small calls from a few threads on a small pool, sampling the JVM's heap
 * (after a full GC) and each worker's resident memory every tenth of the run, to show that neither
 * grows with the number of calls. Not part of the benchmark table and never run by tests: {@code
 * snakebridge-bench/run soak [--total n] [--threads n] [--workers n] [--python exe]}.
 *
 * <p>Each thread calls {@code operator.add} and, every 100th call, makes an object in Python
 * ({@code collections.OrderedDict}, a reference), calls a method on it and releases it, so the
 * reference and session paths are soaked too.
 */
final class Soak {
  private static final int SAMPLES = 10;

  /** Growth above this between the first and the last sample fails the soak. */
  private static final long GROWTH_LIMIT_BYTES = 16L << 20;

  private Soak() {}

  static void main(List<String> args) throws Exception {
    long total = 1_000_000;
    int threads = 4;
    int workers = 2;
    String python = BenchOptions.parse(List.of()).python();
    for (int i = 0; i + 1 < args.size(); i += 2) {
      String value = args.get(i + 1);
      switch (args.get(i)) {
        case "--total":
          total = Long.parseLong(value);
          break;
        case "--threads":
          threads = Integer.parseInt(value);
          break;
        case "--workers":
          workers = Integer.parseInt(value);
          break;
        case "--python":
          python = value;
          break;
        default:
          throw new IllegalArgumentException("unknown soak option: " + args.get(i));
      }
    }
    Map<String, Long> pids = new ConcurrentHashMap<>();
    EventListener tracker =
        new EventListener() {
          @Override
          public void workerReady(String pool, String workerId, PythonInfo info) {
            pids.put(workerId, info.pid());
          }

          @Override
          public void workerExited(String pool, String workerId, ExitReason reason) {
            pids.remove(workerId);
          }
        };
    try (SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("soak")
            .eagerStart(true)
            .eventListener(tracker)
            .pool("default", PoolOptions.builder().python(python).size(workers).build())
            .build()) {
      runtime.pythonInfo();
      run(runtime, total, threads, pids);
    }
  }

  private static void run(
      SnakeBridgeRuntime runtime, long total, int threads, Map<String, Long> pids)
      throws InterruptedException {
    long perSample = total / SAMPLES;
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> rows = new ArrayList<>();
    long[] heap = new long[SAMPLES + 1];
    long[] rss = new long[SAMPLES + 1];
    heap[0] = usedHeapAfterGc();
    rss[0] = resident(pids);
    rows.add(row(0, heap[0], rss[0], 0, 0));
    long start = System.nanoTime();
    for (int sample = 1; sample <= SAMPLES; sample++) {
      long sampleStart = System.nanoTime();
      List<Thread> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long calls = perSample / threads + (t < perSample % threads ? 1 : 0);
        Thread thread =
            new Thread(
                () -> {
                  for (long i = 0; i < calls; i++) {
                    try {
                      if (i % 100 == 99) {
                        PyRef dict = runtime.callClass("collections", "OrderedDict");
                        runtime.callMethod(dict, "__len__");
                        runtime.releaseRef(dict);
                      } else if (!Long.valueOf(i + 1)
                          .equals(runtime.call("operator", "add", i, 1))) {
                        failed.incrementAndGet();
                      }
                      done.incrementAndGet();
                    } catch (RuntimeException e) {
                      failed.incrementAndGet();
                    }
                  }
                },
                "soak-" + t);
        thread.start();
        running.add(thread);
      }
      for (Thread thread : running) {
        thread.join();
      }
      double seconds = (System.nanoTime() - sampleStart) / 1e9;
      heap[sample] = usedHeapAfterGc();
      rss[sample] = resident(pids);
      rows.add(row(done.get(), heap[sample], rss[sample], perSample / seconds, failed.get()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PoolStats stats = runtime.poolStats();
    // The first sample after warm-up is the baseline: class loading and JIT happen in the first.
    long heapGrowth = heap[SAMPLES] - heap[1];
    long rssGrowth = rss[SAMPLES] - rss[1];
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Soak: %,d calls (every 100th makes, uses and releases a"
                + " reference) from %d threads on %d workers in %.1f s (%,.0f calls/s)%n%n",
            done.get(),
            threads,
            stats.size(),
            seconds,
            done.get() / seconds));
    out.append(
        "| calls | JVM heap after GC (MiB) | workers' RSS, total (MiB) | calls/s"
            + " | failed |\n");
    out.append("|---:|---:|---:|---:|---:|\n");
    rows.forEach(out::append);
    out.append(
        String.format(
            Locale.ROOT,
            "%nFrom the first sample to the last: heap %+.1f MiB,"
                + " workers' RSS %+.1f MiB (limit %d MiB each): %s%n",
            heapGrowth / 1048576.0,
            rssGrowth / 1048576.0,
            GROWTH_LIMIT_BYTES >> 20,
            heapGrowth < GROWTH_LIMIT_BYTES && rssGrowth < GROWTH_LIMIT_BYTES && failed.get() == 0
                ? "flat"
                : "GROWING OR FAILING"));
    out.append(stats).append('\n');
    System.out.print(out);
  }

  private static String row(long calls, long heap, long rss, double rate, long failed) {
    return String.format(
        Locale.ROOT,
        "| %,d | %.1f | %.1f | %s | %d |%n",
        calls,
        heap / 1048576.0,
        rss / 1048576.0,
        rate == 0 ? "" : String.format(Locale.ROOT, "%,.0f", rate),
        failed);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** The summed VmRSS of the pool's workers, from /proc (0 where it cannot be read). */
  private static long resident(Map<String, Long> pids) {
    long total = 0;
    for (long pid : pids.values()) {
      try {
        for (String line :
            Files.readAllLines(
                Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.ISO_8859_1)) {
          if (line.startsWith("VmRSS:")) {
            total += Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
          }
        }
      } catch (java.io.IOException | RuntimeException gone) {
        // not Linux, or the worker was just replaced
      }
    }
    return total;
  }
}
