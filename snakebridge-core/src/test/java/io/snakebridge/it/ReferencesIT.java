package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.ConversionException;
import io.snakebridge.PyRef;
import io.snakebridge.PyTuple;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionMismatchException;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Values with no by-value mapping come back as references (inventory §10 rows 4, 21-32). */
@ExtendWith(NoLeakedWorkers.class)
class ReferencesIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("refs").poolSize(2).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void objectsWithoutAMappingComeBackAsReferences() throws Exception {
    PyRef path = (PyRef) python.call("pathlib", "Path", "/tmp", "x.txt");
    assertEquals("pathlib.PosixPath", path.typeName());
    assertEquals("pathlib", path.module());
    assertEquals(python.currentSession(), path.sessionId());
    assertEquals("/tmp/x.txt", path.str());
    assertEquals("PosixPath('/tmp/x.txt')", path.repr());
    assertEquals("x.txt", python.getAttr(path, "name"));
    PyRef csv = (PyRef) python.callMethod(path, "with_suffix", ".csv");
    assertEquals(".csv", python.getAttr(csv, "suffix"));

    PyRef pathClass = (PyRef) python.getModuleAttr("pathlib", "Path");
    assertEquals("builtins.type", pathClass.typeName());

    PyRef point = (PyRef) python.call("sbtest_objects", "make_point", 3, 4);
    assertEquals("sbtest_objects.Point", point.typeName());
    assertEquals(25L, python.callMethod(point, "norm2"));
    python.setAttr(point, "x", 0);
    assertEquals(0L, python.getAttr(point, "x"));
    assertEquals("Point(x=0, y=4)", point.str());

    Path file = Files.writeString(ItEnvironment.workDir().resolve("refs.txt"), "one\ntwo\n");
    PyRef handle = (PyRef) python.call("builtins", "open", file.toString());
    assertEquals("_io.TextIOWrapper", handle.typeName());
    assertEquals("one\n", python.callMethod(handle, "readline"));
    python.callMethod(handle, "close");
    assertEquals(true, python.getAttr(handle, "closed"));
  }

  @Test
  void compiledPatternsAndTheirMatchesAreUsableReferences() {
    PyRef pattern = (PyRef) python.call("re", "compile", "(a+)(b)");
    assertEquals("re.Pattern", pattern.typeName());
    assertEquals("(a+)(b)", python.getAttr(pattern, "pattern"));
    PyRef match = (PyRef) python.callMethod(pattern, "match", "aaab");
    assertEquals("re.Match", match.typeName());
    assertEquals(PyTuple.of("aaa", "b"), python.callMethod(match, "groups"));
    assertEquals(null, python.callMethod(pattern, "match", "xyz"), "None is a value");
  }

  @Test
  void aContainerKeepsItsShapeAndOnlyTheLeafIsAReference() {
    Map<?, ?> conn = (Map<?, ?>) python.call("sbtest_objects", "dict_with_socket");
    assertEquals("conn", conn.get("name"));
    assertEquals(0L, conn.get("port"));
    PyRef socket = (PyRef) conn.get("sock");
    assertEquals("socket.socket", socket.typeName());
    python.callMethod(socket, "close");

    Map<?, ?> all = (Map<?, ?>) python.call("sbtest_objects", "leaves_everywhere");
    PyRef thing = (PyRef) ((List<?>) all.get("list")).get(1);
    assertEquals("builtins.object", thing.typeName());
    assertSame(thing, ((PyTuple) all.get("tuple")).get(0));
    assertEquals(Set.of(thing), all.get("set"));
    assertEquals(Set.of(thing), all.get("frozenset"));
    Map<?, ?> deep = (Map<?, ?>) ((List<?>) ((Map<?, ?>) all.get("deep")).get("a")).get(0);
    assertSame(thing, ((PyTuple) deep.get("b")).get(0));
    assertNotEquals(thing, all.get("other"));

    List<?> twice = (List<?>) python.call("sbtest_objects", "same_twice");
    assertSame(twice.get(0), twice.get(1), "one object, one reference");
    assertNotEquals(twice.get(0), twice.get(2));
  }

  @Test
  void theSameObjectReturnedByTwoCallsIsTheSameReference() {
    PyRef pattern = (PyRef) python.call("re", "compile", "x+");
    PyRef again = (PyRef) python.call("sbtest_helpers", "echo", pattern);
    assertSame(pattern, again);
    assertEquals(pattern.hashCode(), again.hashCode());
  }

  @Test
  void dictSubclassesCrossByValue() {
    assertEquals(Map.of("a", 2L, "b", 1L), python.call("sbtest_objects", "counter", "aba"));
    assertEquals(Map.of("a", 2L, "b", 1L), python.call("collections", "Counter", "aba"));
  }

  @Test
  void cyclesAndExcessiveNestingFailThatCallOnly() {
    ConversionException cycle =
        assertThrows(ConversionException.class, () -> python.call("sbtest_helpers", "cyclic_list"));
    assertTrue(cycle.getMessage().contains("cannot be represented"), cycle.getMessage());
    assertThrows(ConversionException.class, () -> python.call("sbtest_objects", "deep", 2000));
    assertEquals(4.0, python.call("math", "sqrt", 16), "the worker stays in service");
  }

  @Test
  void aGeneratorCrossesAsAReference() {
    PyRef numbers = (PyRef) python.call("sbtest_objects", "numbers");
    assertEquals("builtins.generator", numbers.typeName());
    assertEquals(List.of(0L, 1L, 2L), python.call("builtins", "list", numbers));
  }

  @Test
  void referencesWorkAsArgumentsAndWithBuiltins() {
    PyRef counts =
        python.callClass("collections", "deque", List.of(List.of(1, 2, 3)), CallOptions.defaults());
    assertEquals(3L, python.call("builtins", "len", counts));
    assertEquals(List.of(1L, 2L, 3L), python.call("builtins", "list", counts));
    assertEquals(
        true,
        python.call(
            "builtins", "isinstance", counts, python.getModuleAttr("collections", "deque")));
  }

  @Test
  void aReleasedReferenceIsNotFoundAndReleasingTwiceIsFine() {
    PyRef pattern = (PyRef) python.call("re", "compile", "released");
    python.releaseRef(pattern);
    python.releaseRef(pattern);
    ReferenceNotFoundException e =
        assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(pattern, "pattern"));
    assertEquals(pattern.refId(), e.refId());
    assertEquals(pattern.sessionId(), e.sessionId());
    assertTrue(pattern.toString().startsWith("PyRef[re.Pattern "), pattern.toString());
  }

  @Test
  void aReferenceUsedUnderAnotherSessionIsAMismatch() {
    PyRef pattern = (PyRef) python.call("re", "compile", "mine");
    SessionMismatchException e =
        assertThrows(
            SessionMismatchException.class,
            () ->
                python.callMethod(
                    pattern,
                    "match",
                    List.of("mine"),
                    CallOptions.defaults().sessionId("someone-else")));
    assertEquals(pattern.sessionId(), e.sessionId());
    assertEquals("someone-else", e.callSessionId());
  }

  @Test
  void maxRefsAndTtlAreEnforcedPerSessionInTheWorker() throws Exception {
    SessionOptions small = SessionOptions.defaults().maxRefs(2);
    PyRef outside = (PyRef) python.call("re", "compile", "outside");
    SessionContext.withSession(
        small,
        () -> {
          PyRef first = (PyRef) python.call("re", "compile", "a");
          PyRef second = (PyRef) python.call("re", "compile", "b");
          PyRef third = (PyRef) python.call("re", "compile", "c");
          assertThrows(
              ReferenceNotFoundException.class,
              () -> python.getAttr(first, "pattern"),
              "the least recently used reference of the session was evicted");
          assertEquals("b", python.getAttr(second, "pattern"));
          assertEquals("c", python.getAttr(third, "pattern"));
        });
    assertEquals("outside", python.getAttr(outside, "pattern"), "other sessions keep theirs");

    SessionContext.withSession(
        SessionOptions.defaults().ttl(Duration.ofMillis(300)),
        () -> {
          PyRef shortLived = (PyRef) python.call("re", "compile", "ttl");
          assertEquals("ttl", python.getAttr(shortLived, "pattern"));
          sleep(900);
          assertThrows(
              ReferenceNotFoundException.class,
              () -> python.getAttr(shortLived, "pattern"),
              "expired after its time to live");
        });
  }

  @Test
  void callClassReturnsAnInstance() {
    PyRef point =
        python.callClass("sbtest_objects", "Point", List.of(1, 2), CallOptions.defaults());
    assertEquals(5L, python.callMethod(point, "norm2"));
    PyRef counter =
        python.callClass("collections", "Counter", List.of("aba"), CallOptions.defaults());
    assertEquals("collections.Counter", counter.typeName(), "an instance stays in Python");
    assertEquals(2L, python.call("operator", "getitem", counter, "a"));
    assertEquals(Map.of("a", 2L, "b", 1L), python.call("builtins", "dict", counter));
    assertInstanceOf(
        PyRef.class,
        python
            .callClassAsync("sbtest_objects", "Point", List.of(1, 2), CallOptions.defaults())
            .join());
    assertFalse(point.equals(null));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
