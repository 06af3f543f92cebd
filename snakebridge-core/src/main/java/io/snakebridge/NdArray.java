package io.snakebridge;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A numpy {@code ndarray} by value: a dtype name, a shape and a Java primitive array holding the
 * elements in row-major (C) order.
 *
 * <p>Arrays cross the boundary as one bulk binary buffer next to the pickle, never element by
 * element. The dtype decides the Java array type:
 *
 * <table>
 *   <caption>dtypes and their Java arrays</caption>
 *   <tr><th>dtype</th><th>{@link #data()}</th></tr>
 *   <tr><td>{@code float64}</td><td>{@code double[]}</td></tr>
 *   <tr><td>{@code float32}</td><td>{@code float[]}</td></tr>
 *   <tr><td>{@code int64}, {@code uint64}</td><td>{@code long[]}</td></tr>
 *   <tr><td>{@code int32}, {@code uint32}</td><td>{@code int[]}</td></tr>
 *   <tr><td>{@code int16}, {@code uint16}</td><td>{@code short[]}</td></tr>
 *   <tr><td>{@code int8}, {@code uint8}</td><td>{@code byte[]}</td></tr>
 *   <tr><td>{@code bool}</td><td>{@code boolean[]}</td></tr>
 * </table>
 *
 * <p>Unsigned values keep their bits: a {@code uint8} of 255 is the {@code byte} -1 (use {@link
 * Byte#toUnsignedInt(byte)} and friends).
 *
 * <pre>{@code
 * NdArray vector = NdArray.of(new double[] {1, 2, 3});                  // float64, shape (3,)
 * NdArray table = NdArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});    // float64, shape (2, 3)
 * NdArray matrix = NdArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);   // the same, row-major
 * NdArray pixels = NdArray.of("uint8", new byte[] {0, -1}, 2);          // uint8 [0, 255]
 * double[] values = result.asDoubleArray();     // whatever the numeric dtype, when exact
 * }</pre>
 *
 * <p><b>The data array is shared, not copied</b>, in both directions: {@link #of} keeps the array
 * it is given and {@link #data()} returns it. An {@code NdArray} passed to Python is read when its
 * call is sent, so do not modify the array until the call has returned. Treated that way, an
 * instance is immutable and safe to share between threads.
 *
 * @since 0.1
 */
public final class NdArray {
  private final String dtype;
  private final long[] shape;
  private final Object data;

  private NdArray(String dtype, long[] shape, Object data) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /**
   * Returns an array of {@code primitiveArray}'s elements with the given shape, the dtype inferred
   * from the array type: {@code double[]} is {@code float64}, {@code float[]} {@code float32},
   * {@code long[]} {@code int64}, {@code int[]} {@code int32}, {@code short[]} {@code int16},
   * {@code byte[]} {@code int8} and {@code boolean[]} {@code bool}. An empty {@code shape} makes a
   * 0-dimensional array, which holds exactly one element: write it {@code of(data, new long[0])},
   * since {@code of(data)} with a {@code double[]} (or another primitive array type) is {@link
   * #of(double[])}, a 1-D array.
   *
   * @throws IllegalArgumentException if the array is not one of those types, a dimension is
   *     negative, or the shape's element count differs from the array's length
   */
  public static NdArray of(Object primitiveArray, long... shape) {
    Objects.requireNonNull(primitiveArray, "primitiveArray");
    return of(ElementType.forArray(primitiveArray).signedName, primitiveArray, shape);
  }

  /**
   * Returns an array of the given dtype; needed for the unsigned dtypes ({@code uint8}, {@code
   * uint16}, {@code uint32}, {@code uint64}), which share their Java array type with the signed
   * ones.
   *
   * @throws IllegalArgumentException if {@code dtype} is not in the table above, the array does not
   *     have the dtype's Java type, a dimension is negative, or the shape's element count differs
   *     from the array's length
   */
  public static NdArray of(String dtype, Object primitiveArray, long... shape) {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(primitiveArray, "primitiveArray");
    Objects.requireNonNull(shape, "shape");
    ElementType type = ElementType.forDtype(dtype);
    if (type.arrayClass != primitiveArray.getClass()) {
      throw new IllegalArgumentException(
          "dtype "
              + dtype
              + " needs a "
              + type.arrayClass.getTypeName()
              + ", not a "
              + primitiveArray.getClass().getTypeName());
    }
    long[] shapeCopy = shape.clone();
    long size = 1;
    for (long dimension : shapeCopy) {
      if (dimension < 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shapeCopy) + " has a negative dimension");
      }
      size = multiplySaturated(size, dimension);
    }
    int length = java.lang.reflect.Array.getLength(primitiveArray);
    if (size != length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shapeCopy)
              + " holds "
              + size
              + " elements but the array has "
              + length
              + (shapeCopy.length == 0
                  ? " (pass the shape, e.g. NdArray.of(data, " + length + "))"
                  : ""));
    }
    return new NdArray(dtype, shapeCopy, primitiveArray);
  }

  /**
   * Returns a 1-D {@code float64} array of {@code data}'s elements, shape {@code (data.length,)};
   * the array is kept, not copied.
   *
   * @since 0.2
   */
  public static NdArray of(double[] data) {
    return vector(data);
  }

  /**
   * Returns a 1-D {@code float32} array of {@code data}'s elements; see {@link #of(double[])}.
   *
   * @since 0.2
   */
  public static NdArray of(float[] data) {
    return vector(data);
  }

  /**
   * Returns a 1-D {@code int64} array of {@code data}'s elements; see {@link #of(double[])}.
   *
   * @since 0.2
   */
  public static NdArray of(long[] data) {
    return vector(data);
  }

  /**
   * Returns a 1-D {@code int32} array of {@code data}'s elements; see {@link #of(double[])}.
   *
   * @since 0.2
   */
  public static NdArray of(int[] data) {
    return vector(data);
  }

  /**
   * Returns a 1-D {@code int16} array of {@code data}'s elements; see {@link #of(double[])}.
   *
   * @since 0.2
   */
  public static NdArray of(short[] data) {
    return vector(data);
  }

  /**
   * Returns a 1-D {@code int8} array of {@code data}'s elements; see {@link #of(double[])}.
   *
   * @since 0.2
   */
  public static NdArray of(byte[] data) {
    return vector(data);
  }

  /**
   * Returns a 1-D {@code bool} array of {@code data}'s elements; see {@link #of(double[])}.
   *
   * @since 0.2
   */
  public static NdArray of(boolean[] data) {
    return vector(data);
  }

  /**
   * Returns a 2-D {@code float64} array of the rows' elements, shape {@code (rows.length,
   * rows[0].length)}, copied into one row-major array.
   *
   * @throws IllegalArgumentException when the rows differ in length (ragged) or the array would
   *     hold more elements than a Java array can
   * @throws NullPointerException when {@code rows} or one of its rows is null
   * @since 0.2
   */
  public static NdArray of(double[][] rows) {
    return matrix(rows, double[].class);
  }

  /**
   * Returns a 2-D {@code int64} array of the rows' elements; see {@link #of(double[][])}.
   *
   * @since 0.2
   */
  public static NdArray of(long[][] rows) {
    return matrix(rows, long[].class);
  }

  /**
   * Returns a 2-D {@code int32} array of the rows' elements; see {@link #of(double[][])}.
   *
   * @since 0.2
   */
  public static NdArray of(int[][] rows) {
    return matrix(rows, int[].class);
  }

  /**
   * Returns a 2-D {@code float32} array of the rows' elements; see {@link #of(double[][])}.
   *
   * @since 0.2
   */
  public static NdArray of(float[][] rows) {
    return matrix(rows, float[].class);
  }

  private static NdArray vector(Object data) {
    Objects.requireNonNull(data, "data");
    long length = java.lang.reflect.Array.getLength(data);
    return new NdArray(ElementType.forArray(data).signedName, new long[] {length}, data);
  }

  private static NdArray matrix(Object[] rows, Class<?> rowType) {
    Objects.requireNonNull(rows, "rows");
    int columns = 0;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null) {
        throw new NullPointerException("rows[" + i + "]");
      }
      int length = java.lang.reflect.Array.getLength(rows[i]);
      if (i == 0) {
        columns = length;
      } else if (length != columns) {
        throw new IllegalArgumentException(
            "ragged rows: rows["
                + i
                + "] has "
                + length
                + " elements, rows[0] has "
                + columns
                + "; an NdArray's rows are all as long");
      }
    }
    long size = (long) rows.length * columns;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          rows.length + " rows of " + columns + " elements are more than one Java array holds");
    }
    Object flat = java.lang.reflect.Array.newInstance(rowType.getComponentType(), (int) size);
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * columns, columns);
    }
    return new NdArray(
        ElementType.forArray(flat).signedName, new long[] {rows.length, columns}, flat);
  }

  private static long multiplySaturated(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return (high != 0 || low < 0) ? Long.MAX_VALUE : low;
  }

  /**
   * Returns numpy's name for the element type, e.g. {@code float64}, {@code uint8}, {@code bool}.
   */
  public String dtype() {
    return dtype;
  }

  /** Returns a copy of the dimensions, outermost first; empty for a 0-dimensional array. */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Returns the elements in row-major order, as the primitive array type of {@link #dtype()}. This
   * is the array itself, not a copy (see the class documentation).
   */
  public Object data() {
    return data;
  }

  /**
   * Returns the elements as doubles, in row-major order: the data array itself when the dtype is
   * {@code float64}, else a new array of the values converted ({@code bool} as 0 and 1, unsigned
   * dtypes by their unsigned value).
   *
   * @throws ConversionException when an element has no exact double, as an {@code int64} beyond
   *     2<sup>53</sup> that is not a multiple of a power of two may not; it names the element
   * @since 0.2
   */
  public double[] asDoubleArray() {
    return NdArrayValues.doubles(dtype, data);
  }

  /**
   * Returns the elements as longs, in row-major order: the data array itself when the dtype is
   * {@code int64}, else a new array of the values converted ({@code bool} as 0 and 1, unsigned
   * dtypes by their unsigned value, floats when they are whole numbers).
   *
   * @throws ConversionException when an element would lose information: a float with a fractional
   *     part, NaN, infinite or outside the range of {@code long}, or a {@code uint64} above {@link
   *     Long#MAX_VALUE}; it names the element
   * @since 0.2
   */
  public long[] asLongArray() {
    return NdArrayValues.longs(dtype, data);
  }

  /**
   * Returns a 2-D array's elements as rows of doubles ({@code result[row][column]}), converted as
   * {@link #asDoubleArray()} does; always new arrays.
   *
   * @throws IllegalStateException when the array is not 2-D
   * @throws ConversionException as {@link #asDoubleArray()}
   * @since 0.2
   */
  public double[][] toDoubleMatrix() {
    if (shape.length != 2) {
      throw new IllegalStateException(
          "toDoubleMatrix needs a 2-D array, not one of shape " + Arrays.toString(shape));
    }
    double[] values = asDoubleArray();
    int rows = (int) shape[0];
    int columns = (int) shape[1];
    double[][] matrix = new double[rows][];
    for (int i = 0; i < rows; i++) {
      matrix[i] = Arrays.copyOfRange(values, i * columns, (i + 1) * columns);
    }
    return matrix;
  }

  /** Returns the number of elements: the product of the shape. */
  public long size() {
    return java.lang.reflect.Array.getLength(data);
  }

  /**
   * Equal when dtype, shape and every element are equal; floats compare as in {@link
   * Arrays#equals(double[], double[])}, where NaN equals NaN.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof NdArray)) {
      return false;
    }
    NdArray other = (NdArray) o;
    return dtype.equals(other.dtype)
        && Arrays.equals(shape, other.shape)
        && Objects.deepEquals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + dataHashCode();
  }

  private int dataHashCode() {
    if (data instanceof double[]) {
      return Arrays.hashCode((double[]) data);
    } else if (data instanceof float[]) {
      return Arrays.hashCode((float[]) data);
    } else if (data instanceof long[]) {
      return Arrays.hashCode((long[]) data);
    } else if (data instanceof int[]) {
      return Arrays.hashCode((int[]) data);
    } else if (data instanceof short[]) {
      return Arrays.hashCode((short[]) data);
    } else if (data instanceof byte[]) {
      return Arrays.hashCode((byte[]) data);
    }
    return Arrays.hashCode((boolean[]) data);
  }

  /** Returns a summary such as {@code NdArray(float64, shape=(2, 3), [1.0, 2.0, 3.0, ...])}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("NdArray(").append(dtype).append(", shape=(");
    for (int i = 0; i < shape.length; i++) {
      out.append(i > 0 ? ", " : "").append(shape[i]);
    }
    out.append(shape.length == 1 ? ",), [" : "), [");
    int length = java.lang.reflect.Array.getLength(data);
    int shown = Math.min(length, 6);
    for (int i = 0; i < shown; i++) {
      out.append(i > 0 ? ", " : "").append(java.lang.reflect.Array.get(data, i));
    }
    return out.append(length > shown ? ", ...])" : "])").toString();
  }

  /** The dtypes with a by-value mapping, each with its Java array type. */
  private enum ElementType {
    FLOAT64(double[].class, "float64", null),
    FLOAT32(float[].class, "float32", null),
    INT64(long[].class, "int64", "uint64"),
    INT32(int[].class, "int32", "uint32"),
    INT16(short[].class, "int16", "uint16"),
    INT8(byte[].class, "int8", "uint8"),
    BOOL(boolean[].class, "bool", null);

    private static final ElementType[] ALL = values();

    final Class<?> arrayClass;
    final String signedName;
    final @Nullable String unsignedName;

    ElementType(Class<?> arrayClass, String signedName, @Nullable String unsignedName) {
      this.arrayClass = arrayClass;
      this.signedName = signedName;
      this.unsignedName = unsignedName;
    }

    static ElementType forArray(Object array) {
      for (ElementType type : ALL) {
        if (type.arrayClass == array.getClass()) {
          return type;
        }
      }
      throw new IllegalArgumentException(
          "an NdArray needs a double[], float[], long[], int[], "
              + "short[], byte[] or boolean[], not a "
              + array.getClass().getTypeName());
    }

    static ElementType forDtype(String dtype) {
      for (ElementType type : ALL) {
        if (dtype.equals(type.signedName) || dtype.equals(type.unsignedName)) {
          return type;
        }
      }
      throw new IllegalArgumentException(
          "unsupported dtype '"
              + dtype
              + "'; supported: float64, "
              + "float32, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool");
    }
  }
}
