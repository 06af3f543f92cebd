package io.snakebridge.it;

import static io.snakebridge.CallOptions.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.EventListener;
import io.snakebridge.PyHandle;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.StreamRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Operations on the object itself: {@code PyRef}'s and {@code StreamRef}'s own methods. */
@ExtendWith(NoLeakedWorkers.class)
class ObjectOperationsIT {
  private static final List<String> CALLS = new CopyOnWriteArrayList<>();
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.runtime("objects")
            .poolSize(1)
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(String pool, String target) {
                    CALLS.add(target);
                  }
                })
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  /**
   * A typed wrapper as the code generator writes one: a final class over {@code
   * sbtest_objects.Shelf}, usable wherever a {@code PyRef} is.
   */
  static final class Shelf extends PyHandle {
    private Shelf(PyRef ref) {
      super(ref);
    }

    static Shelf wrap(PyRef ref) {
      return new Shelf(ref);
    }

    static Shelf create(SnakeBridgeRuntime runtime, Object... items) {
      return wrap(runtime.callClass("sbtest_objects", "Shelf", items));
    }

    long add(Object... more) {
      return (Long) call(more);
    }

    @SuppressWarnings("unchecked")
    List<Object> items() {
      return (List<Object>) getAttr("items");
    }
  }

  @Test
  void dictsAndListsAreReadAndWrittenThroughTheirReference() {
    PyRef ordered = python.callClass("collections", "OrderedDict");
    ordered.setItem("b", 2);
    ordered.setItem("a", List.of(1, 2));
    assertEquals(2L, ordered.getItem("b"));
    assertEquals(List.of(1L, 2L), ordered.getItem("a"));
    assertEquals("OrderedDict([('b', 2), ('a', [1, 2])])", ordered.repr());
    ordered.callMethod("move_to_end", kw("last", false), "a");
    assertEquals(List.of("a", "b"), python.call("builtins", "list", ordered));
    PythonException missing = assertThrows(PythonException.class, () -> ordered.getItem("z"));
    assertTrue(missing.isInstance("builtins.KeyError"), missing.pythonType());

    PyRef list = (PyRef) python.call("collections", "deque", List.of(1, 2, 3));
    list.setItem(0, "first");
    assertEquals("first", list.getItem(0));
    assertEquals(3L, list.getItem(-1));
    assertEquals("deque(['first', 2, 3])", list.str());
  }

  @Test
  void callsTheObjectItselfAndItsAttributes() {
    PyRef shelf = python.callClass("sbtest_objects", "Shelf", 1, 2);
    assertEquals(3L, shelf.call(3));
    assertEquals(5L, shelf.call(kw("front", true), 0, List.of(9)));
    assertEquals(List.of(0L, List.of(9L), 1L, 2L, 3L), shelf.getAttr("items"));
    assertEquals(List.of(9L), shelf.getItem(1));
    shelf.setAttr("label", "top");
    assertEquals("top: 0, [9], 1, 2, 3", shelf.str());
    assertEquals("Shelf([0, [9], 1, 2, 3], label='top')", shelf.repr());
    assertEquals(5L, shelf.callMethod("__call__"));

    PyRef sorted = (PyRef) python.getModuleAttr("builtins", "sorted");
    assertEquals(List.of(3L, 2L, 1L), sorted.call(kw("reverse", true), List.of(2, 3, 1)));
    PythonException notCallable =
        assertThrows(
            PythonException.class, () -> python.callClass("collections", "OrderedDict").call());
    assertTrue(
        notCallable.isInstance("builtins.AttributeError")
            || notCallable.isInstance("builtins.TypeError"),
        notCallable.pythonType());
  }

  @Test
  void toStringIsLocalAndMakesNoCall() {
    PyRef shelf = python.callClass("sbtest_objects", "Shelf", 1);
    long callsBefore = python.poolStats().calls();
    int eventsBefore = CALLS.size();
    String text = shelf.toString();
    String logged = "value " + shelf + " " + List.of(shelf);
    assertEquals("PyRef[sbtest_objects.Shelf " + shelf.refId() + "]", text);
    assertTrue(logged.contains(text), logged);
    assertEquals(eventsBefore, CALLS.size(), "toString() started a call: " + CALLS);
    assertEquals(callsBefore, python.poolStats().calls());
    assertEquals("shelf: 1", shelf.str());
    assertEquals(eventsBefore + 1, CALLS.size(), "str() is a call");
  }

  @Test
  void releaseIsIdempotentAndEndsTheReference() {
    PyRef shelf = python.callClass("sbtest_objects", "Shelf");
    shelf.release();
    shelf.release();
    assertThrows(ReferenceNotFoundException.class, () -> shelf.getAttr("items"));
    assertThrows(ReferenceNotFoundException.class, shelf::str);
    assertTrue(shelf.toString().startsWith("PyRef[sbtest_objects.Shelf "), shelf.toString());
  }

  @Test
  void aHandleGoesWhereverAReferenceGoes() {
    Shelf shelf = Shelf.create(python, "a", "b");
    assertEquals(3L, shelf.add("c"));
    assertEquals(List.of("a", "b", "c"), shelf.items());
    PyRef ref = shelf.ref();
    assertNotSame(ref, shelf);
    assertEquals(ref, shelf);
    assertEquals(shelf, ref);
    assertEquals(ref.hashCode(), shelf.hashCode());
    assertEquals("sbtest_objects.Shelf", shelf.typeName());
    assertEquals(ref.refId(), shelf.refId());

    // As an argument, alone and inside containers: Python receives the live object.
    assertEquals("a", python.call("operator", "getitem", shelf, 0));
    List<?> received =
        (List<?>) python.call("sbtest_objects", "arguments", List.of(shelf), Map.of("key", shelf));
    assertSame(
        ref,
        ((List<?>) ((List<?>) received.get(0)).get(0)).get(0),
        "the runtime's own reference comes back");
    assertSame(ref, ((Map<?, ?>) ((List<?>) received.get(0)).get(1)).get("key"));
    // As the target of the runtime's methods and of its own operations.
    assertEquals("b", python.callMethod(shelf, "__getitem__", 1));
    assertEquals(List.of("a", "b", "c"), python.getAttr(shelf, "items"));
    shelf.setItem(0, "z");
    assertEquals("z", ref.getItem(0));
    assertEquals(shelf, Shelf.wrap(shelf).ref(), "wrapping a handle wraps its reference");
    assertSame(ref, Shelf.wrap(shelf).ref());

    shelf.release();
    assertThrows(ReferenceNotFoundException.class, () -> ref.getAttr("items"));
  }

  @Test
  void aHandleOfAnotherRuntimeIsRefused() {
    try (SnakeBridgeRuntime other = ItEnvironment.runtime("objects-other").poolSize(1).build()) {
      Shelf foreign = Shelf.create(other, 1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> python.callMethod(foreign, "__len__"));
      assertTrue(e.getMessage().contains("objects-other"), e.getMessage());
      assertEquals(1L, foreign.callMethod("__len__"), "its own operations use its runtime");
    }
  }

  @Test
  void streamReferencesTakeTheirItemsThemselves() {
    PyRef range = (PyRef) python.call("builtins", "range", 3);
    StreamRef items = (StreamRef) python.call("builtins", "iter", range);
    assertEquals(OptionalLong.of(3), items.len());
    assertEquals(Optional.of(0L), items.next());
    assertEquals(OptionalLong.of(2), items.len());
    items.close();
    items.close();
    assertThrows(ReferenceNotFoundException.class, items::next);

    StreamRef counter = (StreamRef) python.call("itertools", "count", 1);
    assertEquals(Optional.of(1L), counter.next());
    assertFalse(counter.len().isPresent(), "count has no len");
    assertEquals(Optional.of(2L), counter.next());
    counter.close();
    assertInstanceOf(StreamRef.class, python.call("builtins", "iter", List.of()));
  }
}
