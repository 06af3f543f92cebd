package io.snakebridge.internal.codec;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyDateTime;
import io.snakebridge.PyNonFiniteDecimal;
import io.snakebridge.PyTime;
import io.snakebridge.PyTuple;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Builds the Java value of an {@code sbw} global from its argument tuple (WIRE-PROTOCOL.md §3.3),
 * checking the exact argument shapes, and hands out the section's out-of-band buffers in order for
 * {@code NEXT_BUFFER}.
 */
final class SbwReader {
  /** Python's {@code timedelta.max.days}. */
  private static final long MAX_DAYS = 999_999_999L;

  /** Java's {@code ZoneOffset} range. */
  private static final int MAX_OFFSET_SECONDS = 18 * 3600;

  private final byte[] body;
  private final SectionLayout layout;
  private final PickleInput input;
  private final LiveObjects live;
  private final int maxDecimalDigits;
  private int buffersUsed;

  SbwReader(
      byte[] body,
      SectionLayout layout,
      PickleInput input,
      LiveObjects live,
      int maxDecimalDigits) {
    this.body = body;
    this.layout = layout;
    this.input = input;
    this.live = live;
    this.maxDecimalDigits = maxDecimalDigits;
  }

  StackOnly.BufferRef nextBuffer() {
    if (buffersUsed == layout.bufferCount) {
      throw input.error(
          "NEXT_BUFFER number "
              + (buffersUsed + 1)
              + " but the section has only "
              + layout.bufferCount
              + " buffers");
    }
    return new StackOnly.BufferRef(buffersUsed++);
  }

  void checkAllBuffersUsed() {
    if (buffersUsed != layout.bufferCount) {
      throw input.error(
          "the section has " + layout.bufferCount + " buffers but the pickle used " + buffersUsed);
    }
  }

  Object construct(SbwGlobal global, Object[] args) {
    try {
      switch (global) {
        case COMPLEX:
          arity(global, args, 2);
          return new PyComplex(float64(global, args, 0), float64(global, args, 1));
        case DATETIME:
          return dateTime(args);
        case DATE:
          arity(global, args, 3);
          return LocalDate.of(
              int32(global, args, 0), int32(global, args, 1), int32(global, args, 2));
        case TIME:
          return time(args);
        case TIMEDELTA:
          return timedelta(args);
        case DECIMAL:
          arity(global, args, 1);
          return decimal(arg(global, args, 0, String.class));
        case UUID:
          return uuid(args);
        case REF:
          return ref(args);
        case STREAM_REF:
          return streamRef(args);
        case CALLBACK:
          return callback(args);
        default:
          return ndarray(args);
      }
    } catch (DateTimeException | NumberFormatException e) {
      throw input.error(global + " arguments make no valid value: " + e.getMessage());
    }
  }

  /** A {@code BigDecimal}, or a {@code PyNonFiniteDecimal} for an infinity or a NaN. */
  private Object decimal(String text) {
    int start = text.startsWith("-") || text.startsWith("+") ? 1 : 0;
    if (start < text.length() && Character.isLetter(text.charAt(start))) {
      try {
        return PyNonFiniteDecimal.parse(text);
      } catch (IllegalArgumentException e) {
        throw input.error(SbwGlobal.DECIMAL + " arguments make no valid value: " + e.getMessage());
      }
    }
    return finiteDecimal(text);
  }

  private Object dateTime(Object[] args) {
    SbwGlobal global = SbwGlobal.DATETIME;
    arity(global, args, 9, 10);
    LocalDateTime local =
        LocalDateTime.of(
            int32(global, args, 0),
            int32(global, args, 1),
            int32(global, args, 2),
            int32(global, args, 3),
            int32(global, args, 4),
            int32(global, args, 5),
            micros(global, args, 6) * 1000 + nanos(global, args, 9));
    if (fold(global, args, 8) == 1) {
      return new PyDateTime(local, args[7] == null ? null : offset(global, args, 7), 1);
    }
    return args[7] == null ? local : OffsetDateTime.of(local, offset(global, args, 7));
  }

  private Object time(Object[] args) {
    SbwGlobal global = SbwGlobal.TIME;
    arity(global, args, 6);
    LocalTime local =
        LocalTime.of(
            int32(global, args, 0),
            int32(global, args, 1),
            int32(global, args, 2),
            micros(global, args, 3) * 1000);
    if (fold(global, args, 5) == 1) {
      return new PyTime(local, args[4] == null ? null : offset(global, args, 4), 1);
    }
    return args[4] == null ? local : OffsetTime.of(local, offset(global, args, 4));
  }

  private Duration timedelta(Object[] args) {
    SbwGlobal global = SbwGlobal.TIMEDELTA;
    arity(global, args, 3, 4);
    long days = arg(global, args, 0, Long.class);
    long seconds = arg(global, args, 1, Long.class);
    long micros = arg(global, args, 2, Long.class);
    if (Math.abs(days) > MAX_DAYS
        || seconds < 0
        || seconds >= 86_400
        || micros < 0
        || micros >= 1_000_000) {
      throw input.error(
          global
              + " arguments ("
              + days
              + ", "
              + seconds
              + ", "
              + micros
              + ") are not normalised as Python's timedelta");
    }
    return Duration.ofSeconds(days * 86_400 + seconds, micros * 1000 + nanos(global, args, 3));
  }

  /**
   * A decimal Python holds but Java cannot (an exponent beyond BigDecimal's int scale, more digits
   * than the limit, whose parsing would take quadratic time) is the value's problem, not the
   * sender's: the call fails, the worker stays.
   */
  private BigDecimal finiteDecimal(String text) {
    int digits = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == 'E' || c == 'e') {
        break;
      }
      if (c >= '0' && c <= '9' && ++digits > maxDecimalDigits) {
        throw input.unrepresentable(
            "sbw.decimal has more than "
                + maxDecimalDigits
                + " digits, the limit of the reader (maxDecimalDigits)");
      }
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      if (digits > 0 && (text.indexOf('E') >= 0 || text.indexOf('e') >= 0)) {
        throw input.unrepresentable(
            "sbw.decimal "
                + (text.length() <= 60
                    ? text
                    : text.substring(0, 30) + "..." + text.substring(text.length() - 25))
                + " is beyond what Java's BigDecimal holds ("
                + e.getMessage()
                + ")");
      }
      throw e;
    }
  }

  private UUID uuid(Object[] args) {
    arity(SbwGlobal.UUID, args, 1);
    byte[] bytes = arg(SbwGlobal.UUID, args, 0, byte[].class);
    if (bytes.length != 16) {
      throw input.error("sbw.uuid needs 16 bytes, got " + bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong());
  }

  private NdArray ndarray(Object[] args) {
    SbwGlobal global = SbwGlobal.NDARRAY;
    arity(global, args, 3);
    String dtype = arg(global, args, 0, String.class);
    PyTuple shapeTuple = arg(global, args, 1, PyTuple.class);
    StackOnly.BufferRef buffer = arg(global, args, 2, StackOnly.BufferRef.class);
    long[] shape = new long[shapeTuple.size()];
    long size = 1;
    for (int i = 0; i < shape.length; i++) {
      Object dimension = shapeTuple.get(i);
      if (!(dimension instanceof Long) || (Long) dimension < 0) {
        throw input.error(
            "sbw.ndarray shape must hold non-negative ints, not "
                + PickleDecoder.typeName(dimension)
                + " "
                + (dimension instanceof Long ? dimension : ""));
      }
      shape[i] = (Long) dimension;
      size =
          Math.multiplyHigh(size, shape[i]) == 0 && size * shape[i] >= 0
              ? size * shape[i]
              : Long.MAX_VALUE; // saturates: a later 0 still gives 0
    }
    int start = layout.bufferStarts[buffer.index];
    int length = layout.bufferLengths[buffer.index];
    Object data = NdArrayData.read(dtype, body, start, length, size);
    if (data == null) {
      throw input.error(
          "sbw.ndarray of dtype '"
              + dtype
              + "' and shape "
              + shapeTuple
              + " does not match buffer "
              + buffer.index
              + " of "
              + length
              + " bytes"
              + (NdArrayData.itemSize(dtype) == 0 ? " (unsupported dtype)" : ""));
    }
    return NdArray.of(dtype, data, shape);
  }

  /** Four arguments from a worker, two (no type) towards one (§5.2). */
  private Object ref(Object[] args) {
    SbwGlobal global = SbwGlobal.REF;
    if (args.length != 2 && args.length != 4) {
      throw input.error(global + " takes 2 or 4 arguments, got " + args.length);
    }
    String refId = arg(global, args, 0, String.class);
    String sessionId = arg(global, args, 1, String.class);
    String typeName = args.length == 4 ? arg(global, args, 2, String.class) : null;
    String module = args.length == 4 ? arg(global, args, 3, String.class) : null;
    return readRef(refId, sessionId, typeName, module, false);
  }

  /** Only a worker writes {@code sbw.stream_ref}, always with four arguments (§6.1). */
  private Object streamRef(Object[] args) {
    SbwGlobal global = SbwGlobal.STREAM_REF;
    arity(global, args, 4);
    return readRef(
        arg(global, args, 0, String.class),
        arg(global, args, 1, String.class),
        arg(global, args, 2, String.class),
        arg(global, args, 3, String.class),
        true);
  }

  private Object readRef(
      String refId,
      String sessionId,
      @Nullable String typeName,
      @Nullable String module,
      boolean stream) {
    try {
      return live.readRef(refId, sessionId, typeName, module, stream);
    } catch (UnsupportedOperationException unexpected) {
      throw input.error(unexpected.getMessage());
    }
  }

  private Object callback(Object[] args) {
    SbwGlobal global = SbwGlobal.CALLBACK;
    arity(global, args, 2);
    long id = arg(global, args, 0, Long.class);
    String name = arg(global, args, 1, String.class);
    try {
      return live.readCallback(id, name);
    } catch (UnsupportedOperationException unexpected) {
      throw input.error(unexpected.getMessage());
    }
  }

  // ---- argument checks -------------------------------------------------------------------

  /** Accepts {@code expected} arguments, or one more: an optional last one. */
  private void arity(SbwGlobal global, Object[] args, int expected, int withOptional) {
    if (args.length != expected && args.length != withOptional) {
      throw input.error(
          global + " takes " + expected + " or " + withOptional + " arguments, got " + args.length);
    }
  }

  /**
   * The optional nanoseconds below the microsecond at {@code index} (a pandas or numpy time,
   * WIRE-PROTOCOL.md §3.3), 0 when absent.
   */
  private int nanos(SbwGlobal global, Object[] args, int index) {
    if (args.length <= index) {
      return 0;
    }
    int value = int32(global, args, index);
    if (value < 0 || value > 999) {
      throw input.error(global + " nanosecond " + value + " is out of range");
    }
    return value;
  }

  private void arity(SbwGlobal global, Object[] args, int expected) {
    if (args.length != expected) {
      throw input.error(global + " takes " + expected + " arguments, got " + args.length);
    }
  }

  private <T> T arg(SbwGlobal global, Object[] args, int index, Class<T> type) {
    Object value = args[index];
    if (!type.isInstance(value)) {
      throw input.error(
          global
              + " argument "
              + index
              + " must be a "
              + type.getSimpleName()
              + ", got "
              + PickleDecoder.typeName(value));
    }
    return type.cast(value);
  }

  private double float64(SbwGlobal global, Object[] args, int index) {
    return arg(global, args, index, Double.class);
  }

  private int int32(SbwGlobal global, Object[] args, int index) {
    long value = arg(global, args, index, Long.class);
    if (value != (int) value) {
      throw input.error(global + " argument " + index + " is out of range: " + value);
    }
    return (int) value;
  }

  private int micros(SbwGlobal global, Object[] args, int index) {
    int value = int32(global, args, index);
    if (value < 0 || value > 999_999) {
      throw input.error(global + " microsecond " + value + " is out of range");
    }
    return value;
  }

  /** Python's {@code fold}: 1 makes the value a {@code PyDateTime} or {@code PyTime}. */
  private int fold(SbwGlobal global, Object[] args, int index) {
    int value = int32(global, args, index);
    if (value != 0 && value != 1) {
      throw input.error(global + " fold must be 0 or 1, got " + value);
    }
    return value;
  }

  /** Python allows offsets up to ±23:59:59, Java's ZoneOffset ±18:00: the value's problem. */
  private ZoneOffset offset(SbwGlobal global, Object[] args, int index) {
    int seconds = int32(global, args, index);
    long magnitude = Math.abs((long) seconds);
    if (magnitude > MAX_OFFSET_SECONDS && magnitude < 86_400) {
      throw input.unrepresentable(
          global
              + " UTC offset of "
              + seconds
              + " seconds is beyond"
              + " ±18:00, the range of Java's ZoneOffset");
    }
    return ZoneOffset.ofTotalSeconds(seconds); // a day or more: not a Python offset at all
  }
}
