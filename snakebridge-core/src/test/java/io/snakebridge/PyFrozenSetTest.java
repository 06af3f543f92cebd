package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PyFrozenSetTest {

  @Test
  void equalsAndHashesLikeAnySet() {
    PyFrozenSet set = PyFrozenSet.of(1L, "a", null);
    Set<Object> plain = new HashSet<>(Arrays.asList("a", null, 1L));
    assertEquals(plain, set);
    assertEquals(set, plain);
    assertEquals(plain.hashCode(), set.hashCode());
    assertNotEquals(PyFrozenSet.of(1L, "a"), set);
    assertTrue(set.contains(null));
    Map<Object, String> byKey = new HashMap<>();
    byKey.put(PyFrozenSet.of(0L, 1L), "pair");
    assertEquals("pair", byKey.get(PyFrozenSet.of(1L, 0L)));
  }

  @Test
  void keepsFirstOccurrencesInOrderAndCopiesItsInput() {
    List<Object> items = new ArrayList<>(List.of(3L, 1L, 3L, 2L));
    PyFrozenSet set = PyFrozenSet.copyOf(items);
    items.clear();
    assertEquals(List.of(3L, 1L, 2L), new ArrayList<>(set));
    assertSame(set, PyFrozenSet.copyOf(set));
    assertSame(PyFrozenSet.of(), PyFrozenSet.copyOf(List.of()));
  }

  @Test
  void everyMutatorThrows() {
    PyFrozenSet set = PyFrozenSet.of(1L);
    assertThrows(UnsupportedOperationException.class, () -> set.add(2L));
    assertThrows(UnsupportedOperationException.class, () -> set.remove(5L));
    assertThrows(UnsupportedOperationException.class, () -> set.addAll(List.of()));
    assertThrows(UnsupportedOperationException.class, () -> set.removeAll(List.of()));
    assertThrows(UnsupportedOperationException.class, () -> set.retainAll(List.of()));
    assertThrows(UnsupportedOperationException.class, () -> set.removeIf(x -> false));
    assertThrows(UnsupportedOperationException.class, () -> PyFrozenSet.of().clear());
    assertThrows(
        UnsupportedOperationException.class,
        () -> {
          var iterator = set.iterator();
          iterator.next();
          iterator.remove();
        });
  }

  @Test
  void printsLikePython() {
    assertEquals("frozenset()", PyFrozenSet.of().toString());
    assertEquals("frozenset({1, 'a', None})", PyFrozenSet.of(1L, "a", null).toString());
  }

  @Test
  void rejectsNull() {
    assertThrows(NullPointerException.class, () -> PyFrozenSet.of((Object[]) null));
    assertThrows(NullPointerException.class, () -> PyFrozenSet.copyOf(null));
  }
}
