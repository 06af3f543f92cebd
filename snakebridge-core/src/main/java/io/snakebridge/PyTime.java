package io.snakebridge;

import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Python {@code time} with its {@code fold}: the value a time whose {@code fold} is 1 decodes to,
 * since {@link LocalTime} and {@link OffsetTime} have no such field.
 *
 * <p>A time whose {@code fold} is 0, the usual case, decodes to a {@code LocalTime} (naive) or an
 * {@code OffsetTime} (aware); one whose {@code fold} is 1 (the later of two equal wall times, see
 * {@link PyDateTime}) decodes to a {@code PyTime}, which goes back to Python with its fold.
 *
 * <pre>{@code
 * PyTime later = PyTime.of(LocalTime.of(1, 30), 1);   // Python: time(1, 30, fold=1)
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param time the wall time, to the microsecond as Python keeps it
 * @param offset the fixed UTC offset of an aware time, or {@code null} for a naive one
 * @param fold 0 or 1
 * @since 0.1
 */
public record PyTime(LocalTime time, @Nullable ZoneOffset offset, int fold) {
  /**
   * @throws NullPointerException if {@code time} is null
   * @throws IllegalArgumentException if {@code fold} is neither 0 nor 1
   */
  public PyTime {
    Objects.requireNonNull(time, "time");
    if (fold != 0 && fold != 1) {
      throw new IllegalArgumentException("fold must be 0 or 1, got " + fold);
    }
  }

  /** Returns a naive time: Python's {@code time(..., fold=fold)}. */
  public static PyTime of(LocalTime time, int fold) {
    return new PyTime(time, null, fold);
  }

  /** Returns an aware time with a fixed offset and the given fold. */
  public static PyTime of(OffsetTime time, int fold) {
    return new PyTime(time.toLocalTime(), time.getOffset(), fold);
  }

  /** True if the time has an offset (is aware, in Python's terms). */
  public boolean isAware() {
    return offset != null;
  }

  /** Returns the ISO form with the fold: {@code 01:30 fold=1}. */
  @Override
  public String toString() {
    return (offset == null ? time.toString() : time.toString() + offset) + " fold=" + fold;
  }
}
