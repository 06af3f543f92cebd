package io.snakebridge.bench;

import java.util.Arrays;

/**
 * Recorded durations in nanoseconds: appended without allocation in the common case, sorted once
 * for percentiles (nearest rank). Not thread-safe: one instance per measuring thread, merged
 * afterwards with {@link #addAll}.
 */
final class Latencies {
  private long[] nanos = new long[1 << 16];
  private int count;
  private boolean sorted;

  void add(long durationNanos) {
    if (count == nanos.length) {
      nanos = Arrays.copyOf(nanos, count * 2);
    }
    nanos[count++] = durationNanos;
    sorted = false;
  }

  void addAll(Latencies other) {
    for (int i = 0; i < other.count; i++) {
      add(other.nanos[i]);
    }
  }

  int count() {
    return count;
  }

  /** The {@code p}-th percentile ({@code 0 < p <= 100}) by nearest rank, in nanoseconds. */
  long percentile(double p) {
    if (count == 0) {
      throw new IllegalStateException("no samples");
    }
    if (!sorted) {
      Arrays.sort(nanos, 0, count);
      sorted = true;
    }
    int rank = (int) Math.ceil(p / 100.0 * count);
    return nanos[Math.max(0, Math.min(count, rank) - 1)];
  }

  double p50Micros() {
    return percentile(50) / 1_000.0;
  }

  double p99Micros() {
    return percentile(99) / 1_000.0;
  }
}
