package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every worker the runtime talks to must do alike, run against the scripted fake ({@link
 * ScriptedWorkerContractTest}) and a real Python worker ({@link RealWorkerContractIT}), as gRPC's
 * {@code AbstractTransportTest} runs against every transport. A behaviour the fake gets wrong fails
 * here next to the real worker's answer, so the unit tests that rely on the fake keep testing the
 * real protocol.
 *
 * <p>The calls use only the standard library: the fake scripts exactly these functions.
 */
abstract class WorkerContract {
  /** A runtime of one worker, over the implementation under test. */
  protected abstract SnakeBridgeRuntime newRuntime();

  protected SnakeBridgeRuntime python;

  @BeforeEach
  void start() {
    python = newRuntime();
  }

  @AfterEach
  void stop() {
    python.close();
  }

  @Test
  void aCallReturnsTheFunctionsResult() {
    assertEquals(3L, python.call("builtins", "len", "abc"));
  }

  @Test
  void anExceptionRaisedInPythonArrivesAsPythonException() {
    PythonException e =
        assertThrows(PythonException.class, () -> python.call("builtins", "int", "not a number"));
    assertEquals("builtins.ValueError", e.pythonType());
    assertEquals(3L, python.call("builtins", "len", "abc"), "the worker serves on");
  }

  @Test
  void aCallPastItsTimeoutIsCancelledAndTheNextCallIsServed() {
    CallOptions shortly = CallOptions.defaults().timeout(Duration.ofMillis(300));
    assertThrows(
        CallTimeoutException.class, () -> python.call("time", "sleep", List.of(3600), shortly));
    assertEquals(3L, python.call("builtins", "len", "abc"));
  }

  @Test
  void anObjectStaysInPythonBehindAReferenceUntilReleased() {
    PyRef object = python.callClass("builtins", "object");
    assertEquals("builtins.object", object.typeName());
    Object text = python.callMethod(object, "__str__");
    assertTrue(((String) text).startsWith("<object object at "), String.valueOf(text));
    object.release();
    assertThrows(ReferenceNotFoundException.class, () -> python.callMethod(object, "__str__"));
    assertEquals(3L, python.call("builtins", "len", "abc"), "the worker serves on");
  }

  @Test
  void pythonCallsAJavaFunctionPassedAsAnArgument() {
    Function<String, Integer> length = String::length;
    assertEquals(
        "bb",
        python.call(
            "builtins", "max", List.of(List.of("a", "bb", "c")), CallOptions.kw("key", length)));
  }
}
