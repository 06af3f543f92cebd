package io.snakebridge;

/**
 * A Python {@code complex} number: a pair of IEEE 754 doubles.
 *
 * <p>Both parts cross the boundary bit for bit, including NaN payloads and {@code -0.0}. As with
 * every record, {@link #equals(Object)} compares the parts with {@link Double#compare}, so {@code
 * NaN} equals {@code NaN} and {@code 0.0} does not equal {@code -0.0}.
 *
 * <pre>{@code
 * PyComplex z = new PyComplex(1.0, -2.5);   // Python: (1-2.5j)
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param real the real part
 * @param imag the imaginary part
 * @since 0.1
 */
public record PyComplex(double real, double imag) {
  /** Returns the number roughly as Python prints it, e.g. {@code (1-2.5j)} or {@code 3j}. */
  @Override
  public String toString() {
    String imagText = part(imag) + "j";
    if (Double.doubleToRawLongBits(real) == 0L) {
      return imagText;
    }
    return "(" + part(real) + (imagText.startsWith("-") ? "" : "+") + imagText + ")";
  }

  private static String part(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return Double.doubleToRawLongBits(value) == 0L ? "0" : "-0";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e16) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
