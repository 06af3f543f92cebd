package io.snakebridge.internal.codec;

import io.snakebridge.PyComplex;
import io.snakebridge.PyNone;
import io.snakebridge.PyTuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Finds the keys of a Java map (or elements of a set) that are distinct in Java but one key in
 * Python, where the dict or set the worker builds would silently keep only one of them.
 *
 * <p>Python compares numbers by value across types ({@code 1 == 1.0 == True == Decimal("1.00") ==
 * complex(1, 0)}, {@code 0.0 == -0.0}), bytes by content, aware datetimes and times by the instant
 * they stand for, and tuples item by item. Java's {@code equals} does none of that. Each key is
 * mapped to a canonical Java value whose {@code equals} is Python's {@code ==} for the types the
 * writer sends; keys whose canonical values are equal collide. A NaN is equal to nothing, as the
 * distinct float objects the worker unpickles are. References compare as themselves: the objects
 * they stand for are not known here.
 *
 * <p>Stateless.
 */
final class PythonKeys {
  /** Python's {@code None}: both Java {@code null} and {@link PyNone}. */
  private static final Object NONE = new Object();

  private PythonKeys() {}

  /**
   * Returns two keys of {@code keys} that are one key in Python, in the order met, or null when all
   * are distinct there.
   */
  static Object @Nullable [] collision(Iterable<?> keys) {
    if (sameSafeClass(keys)) {
      return null;
    }
    Map<Object, Object> seen = new HashMap<>();
    for (Object key : keys) {
      Object canonical = canonical(key);
      if (seen.containsKey(canonical)) {
        return new Object[] {seen.get(canonical), key};
      }
      seen.put(canonical, key);
    }
    return null;
  }

  /**
   * All keys of one class whose Java equality is already Python's: the usual maps of strings or of
   * longs pay one pass of class checks.
   */
  private static boolean sameSafeClass(Iterable<?> keys) {
    Class<?> first = null;
    for (Object key : keys) {
      if (key == null) {
        return false;
      }
      Class<?> type = key.getClass();
      if (first == null) {
        if (type != String.class
            && type != Long.class
            && type != Integer.class
            && type != UUID.class
            && type != LocalDate.class
            && type != LocalDateTime.class
            && type != LocalTime.class
            && type != Duration.class) {
          return false;
        }
        first = type;
      } else if (type != first) {
        return false;
      }
    }
    return true;
  }

  /** A value equal to another's exactly when the two keys are equal in Python. */
  static Object canonical(Object key) {
    if (key == null || key instanceof PyNone) {
      return NONE;
    }
    if (key instanceof String || key instanceof Long) {
      return key;
    }
    if (key instanceof Integer || key instanceof Short || key instanceof Byte) {
      return ((Number) key).longValue();
    }
    if (key instanceof Boolean) {
      return (Boolean) key ? 1L : 0L;
    }
    if (key instanceof Character) {
      return key.toString();
    }
    if (key instanceof Double || key instanceof Float) {
      return real(((Number) key).doubleValue());
    }
    if (key instanceof BigInteger) {
      return number(new BigDecimal((BigInteger) key));
    }
    if (key instanceof BigDecimal) {
      return number((BigDecimal) key);
    }
    if (key instanceof byte[]) {
      return ByteBuffer.wrap((byte[]) key);
    }
    if (key instanceof PyComplex) {
      PyComplex complex = (PyComplex) key;
      return complex.imag() == 0
          ? real(complex.real())
          : List.of(Complex.class, real(complex.real()), real(complex.imag()));
    }
    if (key instanceof OffsetDateTime) {
      return new AwareDateTime(((OffsetDateTime) key).toInstant());
    }
    if (key instanceof ZonedDateTime) {
      return new AwareDateTime(((ZonedDateTime) key).toInstant());
    }
    if (key instanceof Instant) {
      return new AwareDateTime((Instant) key);
    }
    if (key instanceof OffsetTime) {
      OffsetTime time = (OffsetTime) key;
      return new AwareTime(
          time.toLocalTime().toNanoOfDay() - time.getOffset().getTotalSeconds() * 1_000_000_000L);
    }
    if (key instanceof PyTuple) {
      PyTuple tuple = (PyTuple) key;
      List<Object> items = new ArrayList<>(tuple.size() + 1);
      items.add(PyTuple.class);
      for (int i = 0; i < tuple.size(); i++) {
        items.add(canonical(tuple.get(i)));
      }
      return items;
    }
    if (key instanceof Collection || key instanceof Map || key.getClass().isArray()) {
      return new Object(); // refused as unhashable later; its hashCode may not even end
    }
    return key;
  }

  private static Object real(double value) {
    if (Double.isNaN(value)) {
      return new Object(); // equal to nothing, itself included
    }
    if (Double.isInfinite(value)) {
      return value;
    }
    long whole = (long) value;
    if (whole == value && whole != Long.MAX_VALUE && whole != Long.MIN_VALUE) {
      return whole; // -0.0 too
    }
    return number(new BigDecimal(value));
  }

  /**
   * Numbers by exact value: a long when the value is a whole number that fits one, else the decimal
   * without trailing zeros (one form per value; nothing is expanded, whatever the exponent).
   */
  private static Object number(BigDecimal value) {
    BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    if (stripped.scale() <= 0 && (long) stripped.precision() - stripped.scale() <= 19) {
      try {
        return stripped.longValueExact();
      } catch (ArithmeticException beyondLong) {
        return stripped;
      }
    }
    return stripped;
  }

  /** Marks the canonical form of a complex with an imaginary part. */
  private static final class Complex {}

  private record AwareDateTime(Instant instant) {}

  /** Python compares aware times by their time of day minus their offset, not wrapped. */
  private record AwareTime(long utcNanos) {}
}
