package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PyNonFiniteDecimalTest {

  @Test
  void parsesAsPythonsDecimalAndPrintsAsItsStr() {
    // Python: str(Decimal(text)) for each text
    String[][] cases = {
      {"inf", "Infinity"},
      {"+Infinity", "Infinity"},
      {"-INF", "-Infinity"},
      {"nan", "NaN"},
      {"-NaN", "-NaN"},
      {"NaN0", "NaN"},
      {"nan007", "NaN7"},
      {"snan", "sNaN"},
      {"-sNaN12", "-sNaN12"}
    };
    for (String[] textAndStr : cases) {
      assertEquals(
          textAndStr[1], PyNonFiniteDecimal.parse(textAndStr[0]).toString(), textAndStr[0]);
    }
    assertEquals(PyNonFiniteDecimal.POSITIVE_INFINITY, PyNonFiniteDecimal.parse("inf"));
    assertEquals(PyNonFiniteDecimal.NAN, PyNonFiniteDecimal.parse("NaN"));
    assertEquals(PyNonFiniteDecimal.NAN.hashCode(), PyNonFiniteDecimal.parse("nan").hashCode());
    assertNotEquals(PyNonFiniteDecimal.NAN, PyNonFiniteDecimal.parse("-NaN"));
  }

  @Test
  void refusesEverythingElse() {
    for (String text : new String[] {"", "1", "1E+5", "-", "nan?", "infinit", "NaN-1", "sNaN 1"}) {
      assertThrows(IllegalArgumentException.class, () -> PyNonFiniteDecimal.parse(text), text);
    }
    assertThrows(NullPointerException.class, () -> PyNonFiniteDecimal.parse(null));
  }

  @Test
  void tellsWhatItIs() {
    PyNonFiniteDecimal signalling = PyNonFiniteDecimal.parse("-sNaN3");
    assertTrue(signalling.isNaN());
    assertTrue(signalling.isSignaling());
    assertTrue(signalling.isNegative());
    assertFalse(signalling.isInfinite());
    assertTrue(Double.isNaN(signalling.doubleValue()));
    assertTrue(PyNonFiniteDecimal.NEGATIVE_INFINITY.isInfinite());
    assertEquals(Double.NEGATIVE_INFINITY, PyNonFiniteDecimal.NEGATIVE_INFINITY.doubleValue());
    assertFalse(PyNonFiniteDecimal.NAN.isSignaling());
  }
}
