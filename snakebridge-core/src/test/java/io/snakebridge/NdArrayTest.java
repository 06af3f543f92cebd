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
    IllegalArgumentException wrongType =
        assertThrows(IllegalArgumentException.class, () -> NdArray.of("uint8", new int[1], 1));
    assertTrue(
        wrongType.getMessage().contains("uint8") && wrongType.getMessage().contains("int[]"),
        wrongType.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class, () -> NdArray.of("complex128", new double[2], 1));
    assertTrue(unknown.getMessage().contains("complex128"), unknown.getMessage());
  }

  @Test
  void validatesShapeAgainstTheData() {
    IllegalArgumentException mismatch =
        assertThrows(IllegalArgumentException.class, () -> NdArray.of(new double[6], 2, 2));
    assertTrue(
        mismatch.getMessage().contains("[2, 2]") && mismatch.getMessage().contains("6"),
        mismatch.getMessage());
    IllegalArgumentException noShape =
        assertThrows(IllegalArgumentException.class, () -> NdArray.of((Object) new double[3]));
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
    assertEquals(
        "NdArray(float64, shape=(2, 3), [0.0, 0.0, 0.0, 0.0, 0.0, 0.0])",
        NdArray.of(new double[6], 2, 3).toString());
    assertEquals(
        "NdArray(uint8, shape=(8,), [0, 0, 0, 0, 0, 0, ...])",
        NdArray.of("uint8", new byte[8], 8).toString());
    assertEquals(
        "NdArray(bool, shape=(), [true])",
        NdArray.of(new boolean[] {true}, new long[0]).toString());
  }

  @Test
  void oneDimensionalArraysInferTheirShape() {
    double[] data = {1, 2, 3};
    NdArray doubles = NdArray.of(data);
    assertEquals("float64", doubles.dtype());
    assertArrayEquals(new long[] {3}, doubles.shape());
    assertSame(data, doubles.data());
    assertEquals(NdArray.of(data, 3), doubles);
    assertEquals("float32", NdArray.of(new float[2]).dtype());
    assertEquals("int64", NdArray.of(new long[2]).dtype());
    assertEquals("int32", NdArray.of(new int[2]).dtype());
    assertEquals("int16", NdArray.of(new short[2]).dtype());
    assertEquals("int8", NdArray.of(new byte[2]).dtype());
    assertEquals("bool", NdArray.of(new boolean[2]).dtype());
    assertArrayEquals(new long[] {0}, NdArray.of(new int[0]).shape());
    assertThrows(NullPointerException.class, () -> NdArray.of((double[]) null));
  }

  @Test
  void twoDimensionalArraysAreCopiedRowMajor() {
    NdArray matrix = NdArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertEquals(NdArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), matrix);
    assertEquals(
        NdArray.of(new long[] {1, 2, 3, 4}, 2, 2), NdArray.of(new long[][] {{1, 2}, {3, 4}}));
    assertEquals(NdArray.of(new int[] {7, 8}, 2, 1), NdArray.of(new int[][] {{7}, {8}}));
    assertEquals(NdArray.of(new float[] {1, 2}, 1, 2), NdArray.of(new float[][] {{1, 2}}));
    assertArrayEquals(new long[] {0, 0}, NdArray.of(new double[0][]).shape());
    assertArrayEquals(new long[] {2, 0}, NdArray.of(new double[2][0]).shape());

    IllegalArgumentException ragged =
        assertThrows(
            IllegalArgumentException.class, () -> NdArray.of(new double[][] {{1, 2}, {3}}));
    assertTrue(ragged.getMessage().contains("rows[1] has 1"), ragged.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NdArray.of(new int[][] {{1}, {}}));
    NullPointerException nullRow =
        assertThrows(NullPointerException.class, () -> NdArray.of(new long[][] {{1}, null}));
    assertEquals("rows[1]", nullRow.getMessage());
  }

  @Test
  void asDoubleArrayConvertsExactlyOrRefuses() {
    double[] data = {1.5, 2};
    assertSame(data, NdArray.of(data).asDoubleArray());
    assertArrayEquals(new double[] {1.5, -2}, NdArray.of(new float[] {1.5f, -2}).asDoubleArray());
    assertArrayEquals(
        new double[] {-3, 1L << 53, Long.MIN_VALUE},
        NdArray.of(new long[] {-3, 1L << 53, Long.MIN_VALUE}).asDoubleArray());
    assertArrayEquals(new double[] {-1, 7}, NdArray.of(new int[] {-1, 7}).asDoubleArray());
    assertArrayEquals(
        new double[] {255, 65535, 4294967295.0, 0x1p64 - 2048},
        new double[] {
          NdArray.of("uint8", new byte[] {-1}, 1).asDoubleArray()[0],
          NdArray.of("uint16", new short[] {-1}, 1).asDoubleArray()[0],
          NdArray.of("uint32", new int[] {-1}, 1).asDoubleArray()[0],
          NdArray.of("uint64", new long[] {-2048}, 1).asDoubleArray()[0]
        });
    assertArrayEquals(new double[] {1, 0}, NdArray.of(new boolean[] {true, false}).asDoubleArray());

    ConversionException inexact =
        assertThrows(
            ConversionException.class,
            () -> NdArray.of(new long[] {0, (1L << 53) + 1}).asDoubleArray());
    assertEquals("[1]", inexact.path());
    assertEquals("numpy.int64", inexact.pythonType());
    assertThrows(
        ConversionException.class, () -> NdArray.of(new long[] {Long.MAX_VALUE}).asDoubleArray());
    assertThrows(
        ConversionException.class, () -> NdArray.of("uint64", new long[] {-1}, 1).asDoubleArray());
  }

  @Test
  void asLongArrayConvertsExactlyOrRefuses() {
    long[] data = {1, 2};
    assertSame(data, NdArray.of(data).asLongArray());
    assertArrayEquals(
        new long[] {-2, 3, 1L << 62}, NdArray.of(new double[] {-2.0, 3.0, 0x1p62}).asLongArray());
    assertArrayEquals(new long[] {5}, NdArray.of(new float[] {5f}).asLongArray());
    assertArrayEquals(
        new long[] {255, -128},
        new long[] {
          NdArray.of("uint8", new byte[] {-1}, 1).asLongArray()[0],
          NdArray.of(new byte[] {-128}).asLongArray()[0]
        });
    assertArrayEquals(
        new long[] {4294967295L}, NdArray.of("uint32", new int[] {-1}, 1).asLongArray());
    assertArrayEquals(new long[] {0, 1}, NdArray.of(new boolean[] {false, true}).asLongArray());

    ConversionException fraction =
        assertThrows(
            ConversionException.class, () -> NdArray.of(new double[] {1, 2.5}).asLongArray());
    assertEquals("[1]", fraction.path());
    assertTrue(fraction.getMessage().contains("2.5"), fraction.getMessage());
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0x1p63, -0x1p64}) {
      assertThrows(
          ConversionException.class,
          () -> NdArray.of(new double[] {bad}).asLongArray(),
          Double.toString(bad));
    }
    assertArrayEquals(
        new long[] {Long.MIN_VALUE}, NdArray.of(new double[] {-0x1p63}).asLongArray());
    assertThrows(ConversionException.class, () -> NdArray.of(new float[] {0.5f}).asLongArray());
    assertThrows(
        ConversionException.class, () -> NdArray.of("uint64", new long[] {-1}, 1).asLongArray());
  }

  @Test
  void toDoubleMatrixNeedsTwoDimensions() {
    double[][] rows = NdArray.of(new int[][] {{1, 2}, {3, 4}, {5, 6}}).toDoubleMatrix();
    assertArrayEquals(new double[][] {{1, 2}, {3, 4}, {5, 6}}, rows);
    assertEquals(0, NdArray.of(new double[0][]).toDoubleMatrix().length);
    IllegalStateException flat =
        assertThrows(
            IllegalStateException.class, () -> NdArray.of(new double[] {1, 2}).toDoubleMatrix());
    assertTrue(flat.getMessage().contains("[2]"), flat.getMessage());
  }
}
