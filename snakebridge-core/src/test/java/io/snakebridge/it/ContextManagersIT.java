package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Python context managers driven by {@code with} blocks (inventory §10 row 51). */
@ExtendWith(NoLeakedWorkers.class)
class ContextManagersIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("with").poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void anOpenFileIsClosedWhenTheBlockEnds() throws Exception {
    Path file = ItEnvironment.workDir().resolve("with.txt");
    PyRef handle = (PyRef) python.call("builtins", "open", file.toString(), "w");
    Long written = python.with(handle, f -> (Long) python.callMethod((PyRef) f, "write", "hi"));
    assertEquals(2L, written);
    assertEquals(true, python.getAttr(handle, "closed"));
    assertEquals("hi", Files.readString(file));
  }

  @Test
  void exitSeesTheBodysExceptionWhichIsRethrown() {
    PyRef recorder =
        python.callClass("sbtest_objects", "Recorder", List.of(), CallOptions.defaults());
    IllegalStateException thrown = new IllegalStateException("disk full");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                python.with(
                    recorder,
                    value -> {
                      assertEquals(recorder, value, "__enter__ returned self");
                      throw thrown;
                    }));
    assertSame(thrown, e);
    assertEquals(
        List.of(
            "enter",
            "exit JavaError java.lang.IllegalStateException: disk full"
                + " java_type=java.lang.IllegalStateException"),
        python.getAttr(recorder, "events"));
  }

  @Test
  void aManagerThatReturnsTrueSuppressesTheException() {
    PyRef recorder =
        python.callClass("sbtest_objects", "Recorder", List.of(true), CallOptions.defaults());
    assertNull(
        python.with(
            recorder,
            value -> {
              throw new IllegalArgumentException("swallowed");
            }));
    assertEquals(2, ((List<?>) python.getAttr(recorder, "events")).size());
    PyRef plain = python.callClass("sbtest_objects", "Recorder", List.of(), CallOptions.defaults());
    assertEquals("fine", python.with(plain, value -> "fine"));
    assertEquals(List.of("enter", "exit ok"), python.getAttr(plain, "events"));
  }

  @Test
  void aGeneratorBasedManagerRollsBackOnTheJavaException() {
    PyRef events = (PyRef) python.call("collections", "deque");
    PyRef transaction = (PyRef) python.call("sbtest_objects", "transaction", events);
    assertThrows(
        UnsupportedOperationException.class,
        () ->
            python.with(
                transaction,
                tx -> {
                  assertEquals("tx", tx);
                  throw new UnsupportedOperationException("abort");
                }));
    assertEquals(
        List.of("begin", "rollback java.lang.UnsupportedOperationException"),
        python.call("builtins", "list", events));
    PyRef committed = (PyRef) python.call("collections", "deque");
    python.with((PyRef) python.call("sbtest_objects", "transaction", committed), tx -> tx);
    assertEquals(List.of("begin", "commit"), python.call("builtins", "list", committed));
  }
}
