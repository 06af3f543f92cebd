package io.snakebridge.internal.codec;

import io.snakebridge.PyCallable;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Java functional interfaces that cross to Python as callables (WIRE-PROTOCOL.md §5.4), and the
 * name each is announced with. The first match wins, in this order, for an object that implements
 * several.
 */
public final class Functions {
  private Functions() {}

  /**
   * Returns {@code PyCallable}, {@code Function}, {@code BiFunction}, {@code Supplier} or {@code
   * Runnable} for a value Python may call, or null for any other value.
   */
  public static @Nullable String kind(Object value) {
    if (value instanceof PyCallable) {
      return "PyCallable";
    } else if (value instanceof Function) {
      return "Function";
    } else if (value instanceof BiFunction) {
      return "BiFunction";
    } else if (value instanceof Supplier) {
      return "Supplier";
    } else if (value instanceof Runnable) {
      return "Runnable";
    }
    return null;
  }
}
