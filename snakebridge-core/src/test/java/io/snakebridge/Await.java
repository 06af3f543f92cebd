package io.snakebridge;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits in tests for something to happen. A test waits for the event it expects, never for a fixed
 * time, and fails only when the event has not come after {@link #CEILING}: a bound that catches a
 * hang, never a slow machine (the suite passes with two busy loops beside it on two cores). Speed
 * is measured by the benchmarks, not asserted here.
 *
 * <p>Polls with a short, growing pause (1 ms to 20 ms). An interrupt while waiting fails the test
 * with the interrupt flag restored. Static methods only; thread-safe.
 */
public final class Await {
  /** How long a test waits for an event before it takes it for a hang. */
  public static final Duration CEILING = Duration.ofSeconds(60);

  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private Await() {}

  /** Waits until {@code condition} holds; fails naming {@code what} after {@link #CEILING}. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, condition, CEILING);
  }

  /** Waits until {@code condition} holds; fails naming {@code what} after {@code ceiling}. */
  public static void until(String what, BooleanSupplier condition, Duration ceiling) {
    value(what, condition::getAsBoolean, Boolean::booleanValue, ceiling);
  }

  /**
   * Reads {@code probe} until {@code done} accepts its value, and returns that value; fails after
   * {@link #CEILING} with {@code what} and the last value read.
   */
  public static <T> T value(String what, Supplier<T> probe, Predicate<? super T> done) {
    return value(what, probe, done, CEILING);
  }

  /** As {@link #value(String, Supplier, Predicate)}, with its own ceiling. */
  public static <T> T value(
      String what, Supplier<T> probe, Predicate<? super T> done, Duration ceiling) {
    long start = System.nanoTime();
    long pause = TimeUnit.MILLISECONDS.toNanos(1);
    while (true) {
      T value = probe.get();
      if (done.test(value)) {
        return value;
      }
      if (System.nanoTime() - start > ceiling.toNanos()) {
        String last = value instanceof Boolean ? "" : "; last seen: " + value;
        throw new AssertionError(
            "still waiting after " + ceiling.toSeconds() + " s for " + what + last);
      }
      try {
        TimeUnit.NANOSECONDS.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }
}
