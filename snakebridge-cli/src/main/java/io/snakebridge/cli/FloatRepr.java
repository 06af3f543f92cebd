package io.snakebridge.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)} for Java doubles and floats: the shortest decimal that reads back as
 * the same value, in fixed notation for decimal exponents from -4 to 15 and scientific notation
 * otherwise ({@code 4.0}, {@code 0.1}, {@code 1e+16}, {@code 1.5e-05}, {@code inf}, {@code nan}).
 *
 * <p>JDK 17's {@link Double#toString} is neither shortest in every case (JDK-4511638, fixed in 19)
 * nor Python's notation, so the digits are found here: the exact binary value rounded to 1, 2, ...
 * significant digits until one reads back unchanged. Stateless and thread-safe.
 */
final class FloatRepr {
  private FloatRepr() {}

  static String of(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return Double.doubleToRawLongBits(value) == 0 ? "0.0" : "-0.0";
    }
    BigDecimal exact = new BigDecimal(value);
    for (int digits = 1; digits < 17; digits++) {
      BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (rounded.doubleValue() == value) {
        return format(rounded);
      }
    }
    return format(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
  }

  /** Like {@code repr(numpy.float32(value))}: the shortest digits for a single-precision value. */
  static String of(float value) {
    if (Float.isNaN(value) || Float.isInfinite(value) || value == 0) {
      return of((double) value);
    }
    BigDecimal exact = new BigDecimal(value);
    for (int digits = 1; digits < 9; digits++) {
      BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (rounded.floatValue() == value) {
        return format(rounded);
      }
    }
    return format(exact.round(new MathContext(9, RoundingMode.HALF_EVEN)));
  }

  private static String format(BigDecimal rounded) {
    BigDecimal stripped = rounded.stripTrailingZeros();
    String digits = stripped.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - stripped.scale();
    StringBuilder out = new StringBuilder(24);
    if (stripped.signum() < 0) {
      out.append('-');
    }
    if (exponent < -4 || exponent >= 16) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append(exponent < 0 ? "e-" : "e+");
      int magnitude = Math.abs(exponent);
      if (magnitude < 10) {
        out.append('0');
      }
      out.append(magnitude);
    } else if (exponent < 0) {
      out.append("0.");
      out.append("0".repeat(-exponent - 1));
      out.append(digits);
    } else if (digits.length() <= exponent + 1) {
      out.append(digits).append("0".repeat(exponent + 1 - digits.length())).append(".0");
    } else {
      out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
    }
    return out.toString();
  }
}
