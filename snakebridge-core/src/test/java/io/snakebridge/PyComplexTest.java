package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class PyComplexTest {

  @Test
  void comparesPartsBitwiseLikeRecordsDo() {
    assertEquals(new PyComplex(Double.NaN, 1), new PyComplex(Double.NaN, 1));
    assertNotEquals(new PyComplex(0.0, 1), new PyComplex(-0.0, 1));
  }

  @Test
  void printsLikePython() {
    assertEquals("(1-2.5j)", new PyComplex(1, -2.5).toString());
    assertEquals("3j", new PyComplex(0, 3).toString());
    assertEquals("(-0+1j)", new PyComplex(-0.0, 1).toString());
    assertEquals("(1-0j)", new PyComplex(1, -0.0).toString());
    assertEquals("(nan+infj)", new PyComplex(Double.NaN, Double.POSITIVE_INFINITY).toString());
  }
}
