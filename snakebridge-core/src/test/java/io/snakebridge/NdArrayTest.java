package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NdArrayTest {

  @Test
  void infersTheDtypeFromTheArrayType() {
    assertEquals("float64", NdArray.of(new double[1], 1).dtype());
    assertEquals("float32", NdArray.of(new float[1], 1).dtype());
    assertEquals("int64", NdArray.of(new long[1], 1).dtype());
    assertEquals("int32", NdArray.of(new int[1], 1).dtype());
    assertEquals("int16", NdArray.of(new short[1], 1).dtype());
    assertEquals("int8", NdArray.of(new byte[1], 1).dtype());
    assertEquals("bool", NdArray.of(new boolean[1], 1).dtype());
  }

  @Test
  void unsignedDtypesShareTheSignedArrayTypes() {
    assertEquals("uint8", NdArray.of("uint8", new byte[] {-1}, 1).dtype());
    assertEquals("uint16", NdArray.of("uint16", new short[1], 1).dtype());
    assertEquals("uint32", NdArray.of("uint32", new int[1], 1).dtype());
    assertEquals("uint64", NdArray.of("uint64", new long[1], 1).dtype());
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () ->
        NdArray.of("uint8", new int[1], 1));
    assertTrue(wrongType.getMessage().contains("uint8") && wrongType.getMessage().contains("int[]"),
        wrongType.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
        NdArray.of("complex128", new double[2], 1));
    assertTrue(unknown.getMessage().contains("complex128"), unknown.getMessage());
  }

  @Test
  void validatesShapeAgainstTheData() {
    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class, () ->
        NdArray.of(new double[6], 2, 2));
    assertTrue(mismatch.getMessage().contains("[2, 2]") && mismatch.getMessage().contains("6"),
        mismatch.getMessage());
    IllegalArgumentException noShape = assertThrows(IllegalArgumentException.class, () ->
        NdArray.of((Object) new double[3]));
    assertTrue(noShape.getMessage().contains("NdArray.of(data, 3)"), noShape.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NdArray.of(new int[0], -1));
    assertThrows(IllegalArgumentException.class, () -> NdArray.of(new int[0], Long.MAX_VALUE, 2));
    assertThrows(IllegalArgumentException.class, () -> NdArray.of(new char[1], 1));
    assertThrows(IllegalArgumentException.class, () -> NdArray.of(new Double[1], 1));
    assertThrows(NullPointerException.class, () -> NdArray.of((Object) null, 1));
    assertEquals(0, NdArray.of(new int[0], 0, Long.MAX_VALUE).size());
    assertEquals(1, NdArray.of(new double[] {4.0}, new long[0]).size(), "0-dimensional");
  }

  @Test
  void sharesDataButCopiesTheShape() {
    double[] data = {1, 2, 3, 4, 5, 6};
    long[] shape = {2, 3};
    NdArray array = NdArray.of(data, shape);
    assertSame(data, array.data());
    shape[0] = 6;
    assertArrayEquals(new long[] {2, 3}, array.shape());
    array.shape()[0] = 9;
    assertArrayEquals(new long[] {2, 3}, array.shape());
    assertEquals(6, array.size());
  }

  @Test
  void equalsByContent() {
    NdArray a = NdArray.of(new double[] {1, Double.NaN}, 2);
    assertEquals(a, NdArray.of(new double[] {1, Double.NaN}, 2));
    assertEquals(a.hashCode(), NdArray.of(new double[] {1, Double.NaN}, 2).hashCode());
    assertNotEquals(a, NdArray.of(new double[] {1, Double.NaN}, 1, 2));
    assertNotEquals(NdArray.of(new byte[] {1}, 1), NdArray.of("uint8", new byte[] {1}, 1));
    assertNotEquals(a, NdArray.of(new double[] {1, 2}, 2));
  }

  @Test
  void summarises() {
    assertEquals("NdArray(float64, shape=(2, 3), [0.0, 0.0, 0.0, 0.0, 0.0, 0.0])",
        NdArray.of(new double[6], 2, 3).toString());
    assertEquals("NdArray(uint8, shape=(8,), [0, 0, 0, 0, 0, 0, ...])",
        NdArray.of("uint8", new byte[8], 8).toString());
    assertEquals("NdArray(bool, shape=(), [true])", NdArray.of(new boolean[] {true}, new long[0]).toString());
  }
}
