package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a caller learns when the Python code raises. */
@ExtendWith(NoLeakedWorkers.class)
class PythonErrorsIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("errors").poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @Test
  void aKeyErrorIsALookupError() {
    PythonException e =
        assertThrows(
            PythonException.class, () -> python.call("operator", "getitem", Map.of(), "missing"));
    assertEquals("builtins.KeyError", e.pythonType());
    assertEquals("'missing'", e.pythonMessage());
    assertEquals("builtins.KeyError: 'missing'", e.getMessage());
    assertTrue(e.isInstance("builtins.LookupError"));
    assertTrue(e.isInstance("builtins.Exception"));
    assertFalse(e.isInstance("builtins.ValueError"));
    assertTrue(e.pythonTraceback().contains("KeyError: 'missing'"), e.pythonTraceback());
  }

  @Test
  void userExceptionsCarryTheirModuleFramesAndTraceback() {
    PythonException e =
        assertThrows(
            PythonException.class, () -> python.call("sbtest_helpers", "raise_shop_error"));
    assertEquals("sbtest_helpers.ShopError", e.pythonType());
    assertTrue(e.isInstance("builtins.LookupError"));
    StackTraceElement innermost = e.getStackTrace()[0];
    assertEquals("sbtest_helpers", innermost.getClassName());
    assertEquals("_inner_step", innermost.getMethodName());
    assertEquals("sbtest_helpers.py", innermost.getFileName());
    assertTrue(innermost.getLineNumber() > 0);
    assertEquals("raise_shop_error", e.getStackTrace()[1].getMethodName());
    assertTrue(
        Arrays.stream(e.getStackTrace())
            .anyMatch(frame -> frame.getClassName().equals(PythonErrorsIT.class.getName())),
        "the Java frames follow the Python ones");
    assertTrue(
        e.pythonTraceback().startsWith("Traceback (most recent call last):"), e.pythonTraceback());
    assertTrue(e.pythonTraceback().contains("in _inner_step"), e.pythonTraceback());
    assertFalse(
        e.pythonTraceback().contains("snakebridge_worker"), "the worker's own frames are left out");
  }

  @Test
  void raiseFromBecomesTheJavaCause() {
    PythonException e =
        assertThrows(PythonException.class, () -> python.call("sbtest_helpers", "raise_from"));
    assertEquals("builtins.ValueError: no price for apple", e.getMessage());
    PythonException cause = (PythonException) e.getCause();
    assertEquals("builtins.KeyError", cause.pythonType());
    assertEquals("'apple'", cause.pythonMessage());
    assertNull(cause.getCause());
  }

  @Test
  void anExceptionDuringHandlingHasItsContextAsCause() {
    PythonException e =
        assertThrows(PythonException.class, () -> python.call("sbtest_helpers", "raise_during"));
    assertEquals("builtins.RuntimeError", e.pythonType());
    assertEquals("builtins.ZeroDivisionError", ((PythonException) e.getCause()).pythonType());
  }

  @Test
  void missingModulesAndAttributesAreOrdinaryPythonErrors() {
    PythonException module =
        assertThrows(PythonException.class, () -> python.call("no_such_module_xyz", "f"));
    assertEquals("builtins.ModuleNotFoundError", module.pythonType());
    assertTrue(module.isInstance("builtins.ImportError"));
    assertTrue(module.pythonMessage().contains("no_such_module_xyz"), module.pythonMessage());

    PythonException attr =
        assertThrows(PythonException.class, () -> python.call("math", "no_such_function"));
    assertEquals("builtins.AttributeError", attr.pythonType());
    assertTrue(attr.pythonMessage().contains("no_such_function"), attr.pythonMessage());

    assertEquals(
        "builtins.AttributeError",
        assertThrows(PythonException.class, () -> python.getModuleAttr("math", "nope"))
            .pythonType());
  }

  @Test
  void theWrongNumberOfArgumentsIsATypeError() {
    PythonException e =
        assertThrows(
            PythonException.class,
            () -> python.call("math", "sqrt", List.of(1, 2), CallOptions.defaults()));
    assertEquals("builtins.TypeError", e.pythonType());
    PythonException kw =
        assertThrows(
            PythonException.class,
            () ->
                python.call(
                    "sbtest_helpers", "echo", List.of(1), CallOptions.defaults().kwarg("nope", 1)));
    assertTrue(kw.pythonMessage().contains("nope"), kw.pythonMessage());
  }

  @Test
  void theWorkerSurvivesItsErrors() {
    long pid = (Long) python.call("sbtest_helpers", "pid");
    for (int i = 0; i < 20; i++) {
      assertThrows(PythonException.class, () -> python.call("sbtest_helpers", "raise_from"));
    }
    assertEquals(pid, python.call("sbtest_helpers", "pid"));
  }
}
