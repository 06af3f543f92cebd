package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyTupleTest {

  @Test
  void equalsAndHashesLikeAnyList() {
    PyTuple tuple = PyTuple.of(1L, "a", null);
    List<Object> list = Arrays.asList(1L, "a", null);
    assertEquals(list, tuple);
    assertEquals(tuple, list);
    assertEquals(list.hashCode(), tuple.hashCode());
    assertEquals(PyTuple.of(1L, "a", null), tuple);
    assertNotEquals(PyTuple.of(1L, "a"), tuple);
    Map<Object, String> byKey = new HashMap<>();
    byKey.put(PyTuple.of(0L, 1L), "cell");
    assertEquals("cell", byKey.get(PyTuple.of(0L, 1L)));
  }

  @Test
  void isUnmodifiableAndCopiesItsInput() {
    Object[] items = {1L, 2L};
    PyTuple tuple = PyTuple.of(items);
    items[0] = 99L;
    assertEquals(1L, tuple.get(0));
    assertThrows(UnsupportedOperationException.class, () -> tuple.add(3L));
    assertThrows(UnsupportedOperationException.class, () -> tuple.set(0, 3L));
    assertThrows(UnsupportedOperationException.class, () -> tuple.remove(0));
    Object[] copy = tuple.toArray();
    copy[0] = 5L;
    assertEquals(1L, tuple.get(0));
    assertThrows(IndexOutOfBoundsException.class, () -> tuple.get(2));
  }

  @Test
  void copyOfAndEmpty() {
    List<Object> source = new ArrayList<>(List.of("x", "y"));
    PyTuple copy = PyTuple.copyOf(source);
    source.clear();
    assertEquals(List.of("x", "y"), copy);
    assertSame(copy, PyTuple.copyOf(copy));
    assertSame(PyTuple.of(), PyTuple.copyOf(List.of()));
    assertEquals(0, PyTuple.of().size());
    assertNull(PyTuple.of((Object) null).get(0));
    assertThrows(NullPointerException.class, () -> PyTuple.of((Object[]) null));
  }

  @Test
  void printsLikePython() {
    assertEquals("()", PyTuple.of().toString());
    assertEquals("(1,)", PyTuple.of(1L).toString());
    assertEquals("(1, 2)", PyTuple.of(1L, 2L).toString());
    assertEquals(
        "('it\\'s', None, True, (2.5,))",
        PyTuple.of("it's", null, true, PyTuple.of(2.5)).toString());
    assertEquals("(b<3 bytes>,)", PyTuple.of((Object) new byte[3]).toString());
  }
}
