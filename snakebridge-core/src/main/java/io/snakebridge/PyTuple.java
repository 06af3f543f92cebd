package io.snakebridge;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A Python {@code tuple}: an unmodifiable, ordered list of values that may contain {@code null}
 * (Python's {@code None}).
 *
 * <p>A tuple returned by Python decodes to a {@code PyTuple}, and a {@code PyTuple} passed as an
 * argument reaches Python as a {@code tuple} (any other {@link java.util.List} becomes a {@code
 * list}). It equals and hashes like any {@code List} with the same elements, so {@code
 * PyTuple.of(1L, 2L).equals(List.of(1L, 2L))} is true; {@link #toString()} reads like Python's
 * {@code repr}: {@code (1, 2)}, {@code ('a',)}, {@code ()}.
 *
 * <pre>{@code
 * Map<Object, Object> byPoint = new LinkedHashMap<>();
 * byPoint.put(PyTuple.of(0L, 1L), "origin row");   // a tuple is a valid dict key in Python
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe, provided the elements themselves are not mutated.
 *
 * @since 0.1
 */
public final class PyTuple extends AbstractList<Object> implements RandomAccess {
  private static final PyTuple EMPTY = new PyTuple(new Object[0]);

  private final Object[] items;

  private PyTuple(Object[] items) {
    this.items = items;
  }

  /**
   * Returns a tuple of {@code items}, in order. The array is copied; its elements are not.
   *
   * @throws NullPointerException if {@code items} is null (a {@code null} element is allowed)
   */
  public static PyTuple of(Object... items) {
    Objects.requireNonNull(items, "items");
    return items.length == 0 ? EMPTY : new PyTuple(items.clone());
  }

  /**
   * Returns a tuple of the elements of {@code items}, in iteration order.
   *
   * @throws NullPointerException if {@code items} is null
   */
  public static PyTuple copyOf(Collection<?> items) {
    Objects.requireNonNull(items, "items");
    if (items instanceof PyTuple) {
      return (PyTuple) items;
    }
    Object[] copy = items.toArray();
    return copy.length == 0 ? EMPTY : new PyTuple(copy);
  }

  @Override
  public Object get(int index) {
    Objects.checkIndex(index, items.length);
    return items[index];
  }

  @Override
  public int size() {
    return items.length;
  }

  @Override
  public Object[] toArray() {
    return items.clone();
  }

  @Override
  public int indexOf(Object o) {
    for (int i = 0; i < items.length; i++) {
      if (Objects.equals(o, items[i])) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean contains(Object o) {
    return indexOf(o) >= 0;
  }

  /**
   * Returns the tuple as Python prints it: {@code (1, 'a', None)}, with a trailing comma for one
   * element.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(2 + 8 * items.length).append('(');
    for (int i = 0; i < items.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      appendRepr(out, items[i]);
    }
    if (items.length == 1) {
      out.append(',');
    }
    return out.append(')').toString();
  }

  /**
   * Appends {@code item} roughly as Python's {@code repr} shows it (shared with {@link
   * PyFrozenSet}).
   */
  static void appendRepr(StringBuilder out, Object item) {
    if (item == null) {
      out.append("None");
    } else if (item instanceof Boolean) {
      out.append((Boolean) item ? "True" : "False");
    } else if (item instanceof String || item instanceof Character) {
      out.append('\'');
      String text = item.toString();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\'' || c == '\\') {
          out.append('\\');
        }
        out.append(c);
      }
      out.append('\'');
    } else if (item instanceof byte[]) {
      out.append("b<").append(((byte[]) item).length).append(" bytes>");
    } else if (item.getClass().isArray()) {
      out.append(item.getClass().getComponentType().getName())
          .append('[')
          .append(java.lang.reflect.Array.getLength(item))
          .append(']');
    } else {
      out.append(item);
    }
  }

  // Same results as AbstractList's (Arrays.hashCode is List.hashCode's formula), without iterators.
  @Override
  public boolean equals(Object o) {
    if (o instanceof PyTuple) {
      return Arrays.equals(items, ((PyTuple) o).items);
    }
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(items);
  }
}
