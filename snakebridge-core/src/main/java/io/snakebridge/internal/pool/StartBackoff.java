package io.snakebridge.internal.pool;

import java.util.concurrent.TimeUnit;

/**
 * How soon a pool may start a worker again after starts failed: exponential back-off from {@link
 * #FIRST_DELAY_NANOS}, doubling per consecutive failure up to {@link #MAX_DELAY_NANOS}, reset by a
 * start that completes its handshake. A broken interpreter therefore costs one process start per
 * back-off period, never a spawn loop.
 *
 * <p>Not thread-safe: guarded by the pool lock.
 */
final class StartBackoff {
  /** The delay after the first failure. */
  static final long FIRST_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** The longest delay. */
  static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private int failures;
  private long nextAllowed;

  /** Records a failed start at {@code now}. */
  void failed(long now) {
    failures++;
    nextAllowed = now + delay(failures);
  }

  /** Records a start that completed its handshake. */
  void succeeded() {
    failures = 0;
  }

  /** Returns whether the last start failed and no start has succeeded since. */
  boolean failing() {
    return failures > 0;
  }

  /** Returns whether a start may begin at {@code now}. */
  boolean allows(long now) {
    return failures == 0 || now - nextAllowed >= 0;
  }

  /** Returns when a start may begin, for a pool whose last start failed. */
  long nextAllowed() {
    return nextAllowed;
  }

  /** The delay after {@code failures} consecutive failures (at least 1). */
  static long delay(int failures) {
    int doublings = Math.min(failures - 1, 20);
    return Math.min(MAX_DELAY_NANOS, FIRST_DELAY_NANOS << doublings);
  }
}
