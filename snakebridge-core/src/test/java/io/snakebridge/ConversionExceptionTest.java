package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConversionExceptionTest {

  @Test
  void messageStatesTypeAndPath() {
    ConversionException e =
        new ConversionException(
            "no Python mapping for this type", "java.util.Optional", null, "args[1][\"key\"]");
    assertEquals(
        "no Python mapping for this type (Java type java.util.Optional, at " + "args[1][\"key\"])",
        e.getMessage());
    assertEquals("java.util.Optional", e.javaType());
    assertNull(e.pythonType());
    assertEquals("args[1][\"key\"]", e.path());
    assertInstanceOf(SnakeBridgeException.class, e);
  }

  @Test
  void pythonSideWithCause() {
    IllegalStateException cause = new IllegalStateException("x");
    ConversionException e =
        new ConversionException(
            "a value of type pathlib.PosixPath has no " + "Java mapping",
            null,
            "pathlib.PosixPath",
            null,
            cause);
    assertEquals(
        "a value of type pathlib.PosixPath has no Java mapping (Python type "
            + "pathlib.PosixPath)",
        e.getMessage());
    assertSame(cause, e.getCause());
  }

  @Test
  void longPathsAreShortenedInTheMessageOnly() {
    String path = "args" + "[0]".repeat(1000);
    ConversionException e = new ConversionException("too deep", "java.util.List", null, path);
    assertEquals(path, e.path());
    assertTrue(e.getMessage().length() < 400, e.getMessage());
    assertTrue(e.getMessage().contains("..."), e.getMessage());
  }
}
