package io.snakebridge;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Python {@code datetime} with its {@code fold}: the value a datetime whose {@code fold} is 1
 * decodes to, since {@link LocalDateTime} and {@link OffsetDateTime} have no such field.
 *
 * <p>{@code fold} tells the two moments of a wall time apart that a clock shows twice, when it is
 * set back at the end of daylight saving time: 0 is the earlier, 1 the later (PEP 495). A datetime
 * whose {@code fold} is 0, the usual case, decodes to a {@code LocalDateTime} (naive) or {@code
 * OffsetDateTime} (aware) as before; one whose {@code fold} is 1 decodes to a {@code PyDateTime},
 * which goes back to Python with its fold. {@link #atZone(ZoneId)} reads the wall time in a zone as
 * Python's {@code zoneinfo} does, where {@code fold} does what {@link
 * ZonedDateTime#withLaterOffsetAtOverlap()} does in Java.
 *
 * <pre>{@code
 * // Python: datetime(2021, 11, 7, 1, 30, fold=1), the second 01:30 in New York that night
 * PyDateTime later = PyDateTime.of(LocalDateTime.of(2021, 11, 7, 1, 30), 1);
 * later.atZone(ZoneId.of("America/New_York"));   // 2021-11-07T01:30-05:00[America/New_York]
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param dateTime the date and wall time, to the microsecond as Python keeps it
 * @param offset the fixed UTC offset of an aware datetime, or {@code null} for a naive one
 * @param fold 0 or 1
 * @since 0.1
 */
public record PyDateTime(LocalDateTime dateTime, @Nullable ZoneOffset offset, int fold) {
  /**
   * @throws NullPointerException if {@code dateTime} is null
   * @throws IllegalArgumentException if {@code fold} is neither 0 nor 1
   */
  public PyDateTime {
    Objects.requireNonNull(dateTime, "dateTime");
    if (fold != 0 && fold != 1) {
      throw new IllegalArgumentException("fold must be 0 or 1, got " + fold);
    }
  }

  /** Returns a naive datetime: Python's {@code datetime(..., fold=fold)}. */
  public static PyDateTime of(LocalDateTime dateTime, int fold) {
    return new PyDateTime(dateTime, null, fold);
  }

  /** Returns an aware datetime with a fixed offset and the given fold. */
  public static PyDateTime of(OffsetDateTime dateTime, int fold) {
    return new PyDateTime(dateTime.toLocalDateTime(), dateTime.getOffset(), fold);
  }

  /** True if the datetime has an offset (is aware, in Python's terms). */
  public boolean isAware() {
    return offset != null;
  }

  /**
   * Returns the aware datetime as an {@code OffsetDateTime}; its offset already fixes the instant,
   * so the fold is not needed for it.
   *
   * @throws IllegalStateException if the datetime is naive
   */
  public OffsetDateTime toOffsetDateTime() {
    if (offset == null) {
      throw new IllegalStateException("a naive datetime has no offset: " + this);
    }
    return OffsetDateTime.of(dateTime, offset);
  }

  /**
   * Returns the wall time {@link #dateTime()} in {@code zone}, as Python's {@code
   * replace(tzinfo=ZoneInfo(zone))} reads it: where the zone's clock shows that time twice, fold 0
   * gives the earlier offset and fold 1 the later. A wall time the clock skips (in a gap) is moved
   * forward by the gap's length, which is Python's reading for fold 0 only. The {@link #offset()},
   * if any, is not used.
   */
  public ZonedDateTime atZone(ZoneId zone) {
    ZonedDateTime zoned = dateTime.atZone(zone);
    return fold == 1 ? zoned.withLaterOffsetAtOverlap() : zoned.withEarlierOffsetAtOverlap();
  }

  /** Returns the ISO form with the fold: {@code 2021-11-07T01:30 fold=1}. */
  @Override
  public String toString() {
    return (offset == null ? dateTime.toString() : dateTime.toString() + offset) + " fold=" + fold;
  }
}
