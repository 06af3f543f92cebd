package io.snakebridge.internal.pool;

import java.util.concurrent.atomic.LongAdder;

/**
 * A pool's counters for {@link io.snakebridge.PoolStats}: striped adders, so counting a call never
 * contends.
 *
 * <p>Thread-safe.
 */
final class PoolCounters {
  final LongAdder calls = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder crashes = new LongAdder();
  final LongAdder restarts = new LongAdder();
  final LongAdder recycles = new LongAdder();
}
