package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Opcodes.EMPTY_TUPLE;
import static io.snakebridge.internal.codec.Opcodes.MARK;
import static io.snakebridge.internal.codec.Opcodes.NEXT_BUFFER;
import static io.snakebridge.internal.codec.Opcodes.NONE;
import static io.snakebridge.internal.codec.Opcodes.REDUCE;
import static io.snakebridge.internal.codec.Opcodes.TUPLE;
import static io.snakebridge.internal.codec.Opcodes.TUPLE1;
import static io.snakebridge.internal.codec.Opcodes.TUPLE2;
import static io.snakebridge.internal.codec.Opcodes.TUPLE3;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyDateTime;
import io.snakebridge.PyNonFiniteDecimal;
import io.snakebridge.PyTime;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Writes the Java values that are not plain data as {@code sbw} globals applied to an argument
 * tuple (WIRE-PROTOCOL.md §3.3): {@code STACK_GLOBAL}, the arguments, {@code REDUCE}.
 *
 * <p>Values Python cannot hold exactly (nanoseconds, years outside 1..9999, durations beyond
 * 999,999,999 days) are refused, never rounded.
 */
final class SbwWriter {
  /** Python's {@code datetime.MINYEAR} and {@code MAXYEAR}. */
  private static final int MIN_YEAR = 1;

  private static final int MAX_YEAR = 9999;

  /** Python's {@code timedelta.max.days}. */
  private static final long MAX_DAYS = 999_999_999L;

  private static final long MIN_EPOCH_SECOND = LocalDate.of(MIN_YEAR, 1, 1).toEpochDay() * 86_400;
  private static final long MAX_EPOCH_SECOND =
      (LocalDate.of(MAX_YEAR, 12, 31).toEpochDay() + 1) * 86_400 - 1;

  /** A value of a mapped type that cannot cross exactly; the message is the reason. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  private SbwWriter() {}

  /** Writes {@code value} if its type maps to an {@code sbw} global; false if it does not. */
  static boolean write(PickleOutput out, Object value) {
    if (value instanceof OffsetDateTime) {
      writeDateTime(
          out, ((OffsetDateTime) value).toLocalDateTime(), ((OffsetDateTime) value).getOffset());
    } else if (value instanceof LocalDateTime) {
      writeDateTime(out, (LocalDateTime) value, null);
    } else if (value instanceof ZonedDateTime) {
      ZonedDateTime zoned = (ZonedDateTime) value;
      writeDateTime(out, zoned.toLocalDateTime(), zoned.getOffset());
    } else if (value instanceof PyDateTime) {
      PyDateTime folded = (PyDateTime) value;
      writeDateTime(out, folded.dateTime(), folded.offset(), folded.fold());
    } else if (value instanceof PyTime) {
      PyTime folded = (PyTime) value;
      writeTime(out, folded.time(), folded.offset(), folded.fold());
    } else if (value instanceof Instant) {
      writeInstant(out, (Instant) value);
    } else if (value instanceof LocalDate) {
      writeDate(out, (LocalDate) value);
    } else if (value instanceof LocalTime) {
      writeTime(out, (LocalTime) value, null);
    } else if (value instanceof OffsetTime) {
      writeTime(out, ((OffsetTime) value).toLocalTime(), ((OffsetTime) value).getOffset());
    } else if (value instanceof Duration) {
      writeDuration(out, (Duration) value);
    } else if (value instanceof BigDecimal) {
      out.raw(SbwGlobal.DECIMAL.reference);
      out.writeString(((BigDecimal) value).toString());
      out.op2(TUPLE1, REDUCE);
    } else if (value instanceof PyNonFiniteDecimal) {
      out.raw(SbwGlobal.DECIMAL.reference);
      out.writeString(value.toString());
      out.op2(TUPLE1, REDUCE);
    } else if (value instanceof UUID) {
      writeUuid(out, (UUID) value);
    } else if (value instanceof PyComplex) {
      out.raw(SbwGlobal.COMPLEX.reference);
      out.writeDouble(((PyComplex) value).real());
      out.writeDouble(((PyComplex) value).imag());
      out.op2(TUPLE2, REDUCE);
    } else {
      return false;
    }
    return true;
  }

  private static void writeDateTime(
      PickleOutput out, LocalDateTime dateTime, @Nullable ZoneOffset offset) {
    // fold 0: a LocalDateTime, OffsetDateTime, ZonedDateTime or Instant is the earlier of two
    // equal wall times, or fixes its instant by its offset (only a PyDateTime carries a fold)
    writeDateTime(out, dateTime, offset, 0);
  }

  private static void writeDateTime(
      PickleOutput out, LocalDateTime dateTime, @Nullable ZoneOffset offset, int fold) {
    checkYear(dateTime.getYear());
    int micros = micros(dateTime.getNano());
    out.raw(SbwGlobal.DATETIME.reference);
    out.op(MARK);
    out.writeLong(dateTime.getYear());
    out.writeLong(dateTime.getMonthValue());
    out.writeLong(dateTime.getDayOfMonth());
    out.writeLong(dateTime.getHour());
    out.writeLong(dateTime.getMinute());
    out.writeLong(dateTime.getSecond());
    out.writeLong(micros);
    writeOffset(out, offset);
    out.writeLong(fold);
    out.op2(TUPLE, REDUCE);
  }

  private static void writeInstant(PickleOutput out, Instant instant) {
    if (instant.getEpochSecond() < MIN_EPOCH_SECOND
        || instant.getEpochSecond() > MAX_EPOCH_SECOND) {
      throw new Refused(
          "instant "
              + instant
              + " is outside Python's datetime range (years "
              + MIN_YEAR
              + " to "
              + MAX_YEAR
              + ")");
    }
    writeDateTime(
        out,
        LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
        ZoneOffset.UTC);
  }

  private static void writeDate(PickleOutput out, LocalDate date) {
    checkYear(date.getYear());
    out.raw(SbwGlobal.DATE.reference);
    out.writeLong(date.getYear());
    out.writeLong(date.getMonthValue());
    out.writeLong(date.getDayOfMonth());
    out.op2(TUPLE3, REDUCE);
  }

  private static void writeTime(PickleOutput out, LocalTime time, @Nullable ZoneOffset offset) {
    writeTime(out, time, offset, 0);
  }

  private static void writeTime(
      PickleOutput out, LocalTime time, @Nullable ZoneOffset offset, int fold) {
    int micros = micros(time.getNano());
    out.raw(SbwGlobal.TIME.reference);
    out.op(MARK);
    out.writeLong(time.getHour());
    out.writeLong(time.getMinute());
    out.writeLong(time.getSecond());
    out.writeLong(micros);
    writeOffset(out, offset);
    out.writeLong(fold);
    out.op2(TUPLE, REDUCE);
  }

  private static void writeOffset(PickleOutput out, @Nullable ZoneOffset offset) {
    if (offset == null) {
      out.op(NONE);
    } else {
      out.writeLong(offset.getTotalSeconds());
    }
  }

  private static void writeDuration(PickleOutput out, Duration duration) {
    int micros = micros(duration.getNano());
    // Python keeps 0 <= seconds < 86400 and 0 <= microseconds < 10**6, the days carrying the
    // sign; Duration's seconds are already floored, with a non-negative nano part.
    long days = Math.floorDiv(duration.getSeconds(), 86_400L);
    long seconds = Math.floorMod(duration.getSeconds(), 86_400L);
    if (days > MAX_DAYS || days < -MAX_DAYS) {
      throw new Refused(
          "duration "
              + duration
              + " is outside Python's timedelta range (|days| <= "
              + MAX_DAYS
              + ")");
    }
    out.raw(SbwGlobal.TIMEDELTA.reference);
    out.writeLong(days);
    out.writeLong(seconds);
    out.writeLong(micros);
    out.op2(TUPLE3, REDUCE);
  }

  private static void writeUuid(PickleOutput out, UUID uuid) {
    byte[] bytes = new byte[16];
    long high = uuid.getMostSignificantBits();
    long low = uuid.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    out.raw(SbwGlobal.UUID.reference);
    out.writeBytes(bytes);
    out.op2(TUPLE1, REDUCE);
  }

  /** Writes {@code sbw.ndarray(dtype, shape, NEXT_BUFFER)}; the caller registers the buffer. */
  static OutOfBandBuffer writeNdArray(PickleOutput out, NdArray array) {
    out.raw(SbwGlobal.NDARRAY.reference);
    out.writeString(array.dtype());
    long[] shape = array.shape();
    if (shape.length == 0) {
      out.op(EMPTY_TUPLE);
    } else {
      if (shape.length > 3) {
        out.op(MARK);
      }
      for (long dimension : shape) {
        out.writeLong(dimension);
      }
      out.op(shape.length <= 3 ? TUPLE1 - 1 + shape.length : TUPLE);
    }
    out.op(NEXT_BUFFER);
    out.op2(TUPLE3, REDUCE);
    return new OutOfBandBuffer(array.data());
  }

  private static void checkYear(int year) {
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new Refused(
          "year " + year + " is outside Python's range " + MIN_YEAR + ".." + MAX_YEAR);
    }
  }

  private static int micros(int nanos) {
    if (nanos % 1000 != 0) {
      throw new Refused(
          "the value has sub-microsecond precision ("
              + nanos
              + " ns in its second); Python holds microseconds, and values are never rounded");
    }
    return nanos / 1000;
  }
}
