package io.snakebridge.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.snakebridge.NdArray;
import io.snakebridge.PyFrozenSet;
import io.snakebridge.PyTuple;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deep comparison of decoded values with what a user should get: exact Java types (an {@code
 * ArrayList} is not a {@code PyTuple}, although {@code List.equals} says they are equal), doubles
 * bit for bit, byte arrays by content, dicts in order.
 */
final class ValueAssertions {
  private ValueAssertions() {}

  static void assertValue(Object expected, Object actual) {
    assertValue(expected, actual, "value");
  }

  /**
   * {@code expected} uses the decoded types; a {@code frozenset} is expected as {@link #frozen}.
   */
  static void assertValue(Object expected, Object actual, String path) {
    if (expected == null) {
      assertNull(actual, path);
    } else if (expected instanceof Double) {
      assertInstanceOf(Double.class, actual, path);
      assertEquals(
          Double.doubleToRawLongBits((Double) expected),
          Double.doubleToRawLongBits((Double) actual),
          path + ": " + expected + " vs " + actual);
    } else if (expected instanceof byte[]) {
      assertInstanceOf(byte[].class, actual, path);
      assertArrayEquals((byte[]) expected, (byte[]) actual, path);
    } else if (expected instanceof PyTuple) {
      assertInstanceOf(PyTuple.class, actual, path);
      assertElements((List<?>) expected, (List<?>) actual, path);
    } else if (expected instanceof List) {
      assertInstanceOf(ArrayList.class, actual, path);
      assertElements((List<?>) expected, (List<?>) actual, path);
    } else if (expected instanceof Map) {
      assertInstanceOf(LinkedHashMap.class, actual, path);
      assertEntries((Map<?, ?>) expected, (Map<?, ?>) actual, path);
    } else if (expected instanceof Frozen || expected instanceof PyFrozenSet) {
      Set<?> set = assertInstanceOf(PyFrozenSet.class, actual, path);
      assertThrows(
          UnsupportedOperationException.class, () -> set.remove(null), path + " is frozen");
      assertMembers(
          expected instanceof Frozen ? ((Frozen) expected).items : (Set<?>) expected, set, path);
    } else if (expected instanceof Set) {
      assertInstanceOf(LinkedHashSet.class, actual, path);
      assertMembers((Set<?>) expected, (Set<?>) actual, path);
    } else if (expected instanceof NdArray) {
      assertInstanceOf(NdArray.class, actual, path);
      assertEquals(expected, actual, path);
      assertEquals(
          ((NdArray) expected).data().getClass(), ((NdArray) actual).data().getClass(), path);
    } else {
      assertEquals(expected.getClass(), actual == null ? null : actual.getClass(), path);
      assertEquals(expected, actual, path);
    }
  }

  private static void assertElements(List<?> expected, List<?> actual, String path) {
    assertEquals(expected.size(), actual.size(), path + " size");
    for (int i = 0; i < expected.size(); i++) {
      assertValue(expected.get(i), actual.get(i), path + "[" + i + "]");
    }
  }

  private static void assertEntries(Map<?, ?> expected, Map<?, ?> actual, String path) {
    assertEquals(expected.size(), actual.size(), path + " size");
    Iterator<? extends Map.Entry<?, ?>> actualEntries = actual.entrySet().iterator();
    int i = 0;
    for (Map.Entry<?, ?> entry : expected.entrySet()) {
      Map.Entry<?, ?> actualEntry = actualEntries.next();
      assertValue(entry.getKey(), actualEntry.getKey(), path + "<key " + i + ">");
      assertValue(entry.getValue(), actualEntry.getValue(), path + "[" + entry.getKey() + "]");
      i++;
    }
  }

  /** Sets are compared without order: Python's iteration order is its own business. */
  private static void assertMembers(Set<?> expected, Set<?> actual, String path) {
    assertEquals(expected.size(), actual.size(), path + " size");
    for (Object member : expected) {
      boolean found = false;
      for (Object candidate : actual) {
        try {
          assertValue(member, candidate, path);
          found = true;
          break;
        } catch (AssertionError notThisOne) {
          // keep looking
        }
      }
      if (!found) {
        fail(path + " lacks " + member + ": " + actual);
      }
    }
  }

  /** Marks an expected {@code frozenset}: a {@code PyFrozenSet} of these items. */
  static Frozen frozen(Set<?> items) {
    return new Frozen(items);
  }

  static final class Frozen {
    final Set<?> items;

    Frozen(Set<?> items) {
      this.items = items;
    }

    @Override
    public String toString() {
      return "frozenset" + items;
    }
  }
}
