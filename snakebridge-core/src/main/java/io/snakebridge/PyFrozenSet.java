package io.snakebridge;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Python {@code frozenset}: an unmodifiable set of values that may contain {@code null} (Python's
 * {@code None}), iterated in the order its elements were given.
 *
 * <p>A frozenset returned by Python decodes to a {@code PyFrozenSet}, and a {@code PyFrozenSet}
 * passed as an argument reaches Python as a {@code frozenset} (any other {@link Set}, including
 * {@code Set.of(...)} and {@code Collections.unmodifiableSet(...)}, becomes a {@code set}). Like a
 * {@link PyTuple}, and unlike other sets, it may be a dict key or a set element, as in Python. It
 * equals and hashes like any {@code Set} with the same elements, so {@code PyFrozenSet.of(1L,
 * 2L).equals(Set.of(2L, 1L))} is true; {@link #toString()} reads like Python's {@code repr}: {@code
 * frozenset({1, 2})}, {@code frozenset()}.
 *
 * <pre>{@code
 * Map<Object, Object> byTeam = new LinkedHashMap<>();
 * byTeam.put(PyFrozenSet.of("ann", "bob"), 3L);   // a frozenset is a valid dict key in Python
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe, provided the elements themselves are not mutated.
 *
 * @since 0.1
 */
public final class PyFrozenSet extends AbstractSet<Object> {
  private static final PyFrozenSet EMPTY = new PyFrozenSet(Collections.emptySet());

  private final Set<Object> items;

  private PyFrozenSet(Set<Object> items) {
    this.items = items;
  }

  /**
   * Returns a frozenset of {@code items}; a repeated element is kept once, at its first place, as
   * Python's {@code frozenset([...])} does. The elements themselves are not copied.
   *
   * @throws NullPointerException if {@code items} is null (a {@code null} element is allowed)
   */
  public static PyFrozenSet of(Object... items) {
    Objects.requireNonNull(items, "items");
    return copyOf(Arrays.asList(items));
  }

  /**
   * Returns a frozenset of the elements of {@code items}, in iteration order, each kept once.
   *
   * @throws NullPointerException if {@code items} is null
   */
  public static PyFrozenSet copyOf(Collection<?> items) {
    Objects.requireNonNull(items, "items");
    if (items instanceof PyFrozenSet) {
      return (PyFrozenSet) items;
    }
    if (items.isEmpty()) {
      return EMPTY;
    }
    return new PyFrozenSet(Collections.unmodifiableSet(new LinkedHashSet<>(items)));
  }

  @Override
  public Iterator<Object> iterator() {
    return items.iterator();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public boolean contains(Object o) {
    return items.contains(o);
  }

  // Every mutator throws, found or not, as Collections.unmodifiableSet's do; add and the
  // iterator's remove already throw in AbstractSet.
  @Override
  public boolean remove(Object o) {
    throw new UnsupportedOperationException("a PyFrozenSet is immutable");
  }

  @Override
  public boolean addAll(Collection<?> c) {
    throw new UnsupportedOperationException("a PyFrozenSet is immutable");
  }

  @Override
  public boolean removeAll(Collection<?> c) {
    throw new UnsupportedOperationException("a PyFrozenSet is immutable");
  }

  @Override
  public boolean retainAll(Collection<?> c) {
    throw new UnsupportedOperationException("a PyFrozenSet is immutable");
  }

  @Override
  public boolean removeIf(Predicate<? super Object> filter) {
    throw new UnsupportedOperationException("a PyFrozenSet is immutable");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("a PyFrozenSet is immutable");
  }

  /**
   * Returns the set as Python prints it: {@code frozenset({1, 'a', None})}, {@code frozenset()}.
   */
  @Override
  public String toString() {
    if (items.isEmpty()) {
      return "frozenset()";
    }
    StringBuilder out = new StringBuilder(12 + 8 * items.size()).append("frozenset({");
    boolean first = true;
    for (Object item : items) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      PyTuple.appendRepr(out, item);
    }
    return out.append("})").toString();
  }
}
