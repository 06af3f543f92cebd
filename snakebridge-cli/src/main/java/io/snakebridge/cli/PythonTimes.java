package io.snakebridge.cli;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * Python's {@code str} and {@code repr} of {@code datetime}, {@code date}, {@code time} and {@code
 * timedelta} values as the library hands them to Java ({@link OffsetDateTime} and {@link
 * LocalDateTime}, {@link LocalDate}, {@link LocalTime} and {@link OffsetTime}, {@link Duration}).
 * Both methods return null for any other value. Stateless and thread-safe.
 */
final class PythonTimes {
  private static final long SECONDS_PER_DAY = 86_400;

  private PythonTimes() {}

  /** {@code 2024-01-02 03:04:05+00:00}, {@code 03:04:05.000001}, {@code 1 day, 0:00:01}. */
  static @Nullable String str(Object value) {
    if (value instanceof OffsetDateTime) {
      OffsetDateTime t = (OffsetDateTime) value;
      return date(t.toLocalDate()) + " " + time(t.toLocalTime()) + offset(t.getOffset());
    } else if (value instanceof LocalDateTime) {
      LocalDateTime t = (LocalDateTime) value;
      return date(t.toLocalDate()) + " " + time(t.toLocalTime());
    } else if (value instanceof LocalDate) {
      return date((LocalDate) value);
    } else if (value instanceof OffsetTime) {
      OffsetTime t = (OffsetTime) value;
      return time(t.toLocalTime()) + offset(t.getOffset());
    } else if (value instanceof LocalTime) {
      return time((LocalTime) value);
    } else if (value instanceof Duration) {
      return timedeltaStr((Duration) value);
    }
    return null;
  }

  /** {@code datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)} and friends. */
  static @Nullable String repr(Object value) {
    if (value instanceof OffsetDateTime) {
      OffsetDateTime t = (OffsetDateTime) value;
      return dateTimeRepr(t.toLocalDateTime(), t.getOffset());
    } else if (value instanceof LocalDateTime) {
      return dateTimeRepr((LocalDateTime) value, null);
    } else if (value instanceof LocalDate) {
      LocalDate d = (LocalDate) value;
      return "datetime.date("
          + d.getYear()
          + ", "
          + d.getMonthValue()
          + ", "
          + d.getDayOfMonth()
          + ")";
    } else if (value instanceof OffsetTime) {
      OffsetTime t = (OffsetTime) value;
      return timeRepr(t.toLocalTime(), t.getOffset());
    } else if (value instanceof LocalTime) {
      return timeRepr((LocalTime) value, null);
    } else if (value instanceof Duration) {
      return timedeltaRepr((Duration) value);
    }
    return null;
  }

  private static String dateTimeRepr(LocalDateTime t, @Nullable ZoneOffset offset) {
    StringBuilder out = new StringBuilder("datetime.datetime(");
    out.append(t.getYear())
        .append(", ")
        .append(t.getMonthValue())
        .append(", ")
        .append(t.getDayOfMonth())
        .append(", ")
        .append(t.getHour())
        .append(", ")
        .append(t.getMinute());
    int micros = t.getNano() / 1000;
    if (t.getSecond() != 0 || micros != 0) {
      out.append(", ").append(t.getSecond());
    }
    if (micros != 0) {
      out.append(", ").append(micros);
    }
    return appendTzinfo(out, offset);
  }

  private static String timeRepr(LocalTime t, @Nullable ZoneOffset offset) {
    StringBuilder out = new StringBuilder("datetime.time(");
    out.append(t.getHour()).append(", ").append(t.getMinute());
    int micros = t.getNano() / 1000;
    if (t.getSecond() != 0 || micros != 0) {
      out.append(", ").append(t.getSecond());
    }
    if (micros != 0) {
      out.append(", ").append(micros);
    }
    return appendTzinfo(out, offset);
  }

  private static String appendTzinfo(StringBuilder out, @Nullable ZoneOffset offset) {
    if (offset != null) {
      out.append(", tzinfo=");
      int seconds = offset.getTotalSeconds();
      if (seconds == 0) {
        out.append("datetime.timezone.utc");
      } else {
        out.append("datetime.timezone(")
            .append(timedeltaRepr(Duration.ofSeconds(seconds)))
            .append(')');
      }
    }
    return out.append(')').toString();
  }

  /** {@code datetime.timedelta(days=-1, seconds=86399)}, {@code datetime.timedelta(0)}. */
  static String timedeltaRepr(Duration duration) {
    long days = Math.floorDiv(duration.getSeconds(), SECONDS_PER_DAY);
    long seconds = Math.floorMod(duration.getSeconds(), SECONDS_PER_DAY);
    int micros = duration.getNano() / 1000;
    StringBuilder args = new StringBuilder();
    if (days != 0) {
      args.append("days=").append(days);
    }
    if (seconds != 0) {
      args.append(args.length() > 0 ? ", " : "").append("seconds=").append(seconds);
    }
    if (micros != 0) {
      args.append(args.length() > 0 ? ", " : "").append("microseconds=").append(micros);
    }
    return "datetime.timedelta(" + (args.length() > 0 ? args : "0") + ")";
  }

  private static String timedeltaStr(Duration duration) {
    long days = Math.floorDiv(duration.getSeconds(), SECONDS_PER_DAY);
    long seconds = Math.floorMod(duration.getSeconds(), SECONDS_PER_DAY);
    int micros = duration.getNano() / 1000;
    String text = String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    if (days != 0) {
      text = days + (Math.abs(days) != 1 ? " days, " : " day, ") + text;
    }
    return micros != 0 ? text + String.format(".%06d", micros) : text;
  }

  private static String date(LocalDate d) {
    return String.format("%04d-%02d-%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
  }

  private static String time(LocalTime t) {
    String text = String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
    int micros = t.getNano() / 1000;
    return micros != 0 ? text + String.format(".%06d", micros) : text;
  }

  /** Python's isoformat offset: {@code +05:30}, {@code -08:00}, {@code +00:00:30}. */
  private static String offset(ZoneOffset offset) {
    int total = offset.getTotalSeconds();
    int abs = Math.abs(total);
    String text = String.format("%s%02d:%02d", total < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
    return abs % 60 != 0 ? text + String.format(":%02d", abs % 60) : text;
  }
}
