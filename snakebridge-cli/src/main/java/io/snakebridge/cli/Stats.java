package io.snakebridge.cli;

import io.snakebridge.PoolStats;
import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code snakebridge stats}: starts a fresh runtime's pool of {@code --size} workers, waits until
 * every one of them is ready (or none can start), and prints the pool's statistics: a quick check
 * that a machine can run a pool of that size, and how long it takes to start.
 *
 * <p>Exit status 0 when every worker started, 1 with the reason otherwise.
 */
final class Stats {
  private static final String LABEL = "%-19s %s%n";

  /** How long the command waits for the whole pool beyond the first worker. */
  private static final long FULL_POOL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private Stats() {}

  static int run(CommandLine line, PrintStream out) {
    long start = System.nanoTime();
    SnakeBridgeRuntime opened;
    try {
      opened = line.openRuntime(); // eager: returns with a worker ready, or throws why not
    } catch (SnakeBridgeException | IllegalArgumentException | IllegalStateException e) {
      return failed(e, out);
    }
    try (SnakeBridgeRuntime runtime = opened) {
      PythonInfo info;
      try {
        info = runtime.pythonInfo();
      } catch (SnakeBridgeException | IllegalArgumentException | IllegalStateException e) {
        return failed(e, out);
      }
      long firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      PoolStats stats = awaitFullPool(runtime, line.size());
      long allMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("pool", stats.pool());
      report.put("size", stats.size());
      report.put("busy", stats.busy());
      report.put("idle", stats.idle());
      report.put("starting", stats.starting());
      report.put("waiting", stats.waiting());
      report.put("calls", stats.calls());
      report.put("failures", stats.failures());
      report.put("timeouts", stats.timeouts());
      report.put("crashes", stats.crashes());
      report.put("restarts", stats.restarts());
      report.put("recycles", stats.recycles());
      report.put("first ready ms", firstMillis);
      report.put("all ready ms", allMillis);
      report.put("python", info.executable() + " (" + info.version() + ")");
      if (line.json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        report.forEach((key, value) -> json.put(key.replace(' ', '_'), value));
        out.println(JsonWriter.write(json));
      } else {
        report.forEach((key, value) -> out.printf(LABEL, key, value));
      }
      return stats.idle() + stats.busy() == stats.size() ? Main.OK : Main.FAILED;
    }
  }

  /** Waits until every worker is ready, or nothing is starting any more. */
  private static PoolStats awaitFullPool(SnakeBridgeRuntime runtime, int size) {
    long end = System.nanoTime() + FULL_POOL_WAIT_NANOS;
    PoolStats stats = runtime.poolStats();
    while (stats.idle() + stats.busy() < size && System.nanoTime() < end) {
      if (stats.starting() == 0 && stats.crashes() > 0) {
        break; // starts failed; the back-off holds the next ones
      }
      try {
        TimeUnit.MILLISECONDS.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      stats = runtime.poolStats();
    }
    return stats;
  }

  /** A duration as people write it: 5s, 500ms, 2m. */
  static String text(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }

  private static int failed(RuntimeException e, PrintStream out) {
    out.printf(LABEL, "pool", "FAILED: " + e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      out.printf(LABEL, "", "caused by: " + cause);
    }
    PythonChoice.hint(e).ifPresent(hint -> out.printf(LABEL, "", hint));
    return Main.FAILED;
  }
}
