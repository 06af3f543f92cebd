package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected texts are what CPython 3.11's repr() prints for the same doubles. */
class FloatReprTest {
  @ParameterizedTest
  @CsvSource({
    "4.0, 4.0",
    "0.1, 0.1",
    "1e16, 1e+16",
    "1e15, 1000000000000000.0",
    "0.0001, 0.0001",
    "0.00001, 1e-05",
    "1.5e-5, 1.5e-05",
    "123456789012345680.0, 1.2345678901234568e+17",
    "2.675, 2.675",
    "0.3333333333333333, 0.3333333333333333",
    "4.9e-324, 5e-324",
    "1.7976931348623157e308, 1.7976931348623157e+308",
    "2.82879384806159e17, 2.82879384806159e+17",
    "1e22, 1e+22",
    "1e23, 1e+23",
    "-1.25e-7, -1.25e-07",
    "100.0, 100.0",
    "12345.678, 12345.678",
    "-3.0, -3.0",
  })
  void matchesPythonRepr(double value, String expected) {
    assertEquals(expected, FloatRepr.of(value));
  }

  @Test
  void specialValues() {
    assertEquals("nan", FloatRepr.of(Double.NaN));
    assertEquals("inf", FloatRepr.of(Double.POSITIVE_INFINITY));
    assertEquals("-inf", FloatRepr.of(Double.NEGATIVE_INFINITY));
    assertEquals("0.0", FloatRepr.of(0.0));
    assertEquals("-0.0", FloatRepr.of(-0.0));
  }

  @Test
  void singlePrecisionUsesItsOwnShortestDigits() {
    assertEquals("0.1", FloatRepr.of(0.1f));
    assertEquals("0.10000000149011612", FloatRepr.of((double) 0.1f));
    assertEquals("16777216.0", FloatRepr.of(16777216f));
    assertEquals("3.4028235e+38", FloatRepr.of(Float.MAX_VALUE));
    assertEquals("-0.0", FloatRepr.of(-0.0f));
  }
}
