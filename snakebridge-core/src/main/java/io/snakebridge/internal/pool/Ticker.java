package io.snakebridge.internal.pool;

/**
 * A source of monotonic nanoseconds for deadlines, replaceable so tests need no sleeping.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {
  /** The JVM's monotonic clock, {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** Returns the current time in nanoseconds from an arbitrary origin. */
  long read();
}
