package io.snakebridge;

import java.util.Locale;
import java.util.Objects;

/**
 * A Python {@code decimal.Decimal} that is not finite: an infinity or a NaN, which {@link
 * java.math.BigDecimal} cannot hold.
 *
 * <p>A finite {@code Decimal} decodes to a {@code BigDecimal}; {@code Decimal('Infinity')}, {@code
 * Decimal('-Infinity')}, {@code Decimal('NaN')} and the signalling {@code Decimal('sNaN')} (with
 * their sign and any diagnostic digits, as in {@code NaN123}) decode to a {@code
 * PyNonFiniteDecimal}, which goes back to Python as that very {@code Decimal}. It is not a {@code
 * Number}, so it never passes silently for a number in Java arithmetic; {@link #doubleValue()}
 * gives the nearest {@code double} where one is wanted.
 *
 * <pre>{@code
 * Object total = python.call("mymodule", "total");       // Decimal('NaN') in Python
 * if (total instanceof PyNonFiniteDecimal d && d.isNaN()) { ... }
 * python.call("mymodule", "store", PyNonFiniteDecimal.POSITIVE_INFINITY);   // Decimal('Infinity')
 * }</pre>
 *
 * <p>Two instances are equal if Python prints them the same ({@link #toString()}), so, unlike in
 * Python, a NaN equals itself, as {@code Double.NaN} does with {@code Double.equals}. Instances are
 * immutable and thread-safe.
 *
 * @since 0.1
 */
public final class PyNonFiniteDecimal {
  /** {@code Decimal('Infinity')}. */
  public static final PyNonFiniteDecimal POSITIVE_INFINITY = new PyNonFiniteDecimal("Infinity");

  /** {@code Decimal('-Infinity')}. */
  public static final PyNonFiniteDecimal NEGATIVE_INFINITY = new PyNonFiniteDecimal("-Infinity");

  /** {@code Decimal('NaN')}, the quiet NaN. */
  public static final PyNonFiniteDecimal NAN = new PyNonFiniteDecimal("NaN");

  /** Python's {@code str()} of the value: {@code [-](Infinity|NaN[digits]|sNaN[digits])}. */
  private final String text;

  private PyNonFiniteDecimal(String text) {
    this.text = text;
  }

  /**
   * Returns the value {@code text} stands for, read as Python's {@code Decimal(text)} reads a
   * non-finite value: an optional sign, then {@code Infinity}, {@code Inf}, {@code NaN} or {@code
   * sNaN} in any case, a NaN optionally followed by its diagnostic digits.
   *
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is not such a value (a finite number included:
   *     that is a {@code BigDecimal})
   */
  public static PyNonFiniteDecimal parse(String text) {
    Objects.requireNonNull(text, "text");
    String rest = text;
    boolean negative = false;
    if (rest.startsWith("-") || rest.startsWith("+")) {
      negative = rest.charAt(0) == '-';
      rest = rest.substring(1);
    }
    String lower = rest.toLowerCase(Locale.ROOT);
    String body;
    if (lower.equals("inf") || lower.equals("infinity")) {
      body = "Infinity";
    } else if (lower.startsWith("nan")) {
      body = "NaN" + payload(text, rest.substring(3));
    } else if (lower.startsWith("snan")) {
      body = "sNaN" + payload(text, rest.substring(4));
    } else {
      throw new IllegalArgumentException("not an infinity or NaN: '" + text + "'");
    }
    return new PyNonFiniteDecimal(negative ? "-" + body : body);
  }

  /** The diagnostic digits without leading zeros ("" for none or only zeros). */
  private static String payload(String text, String digits) {
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("not an infinity or NaN: '" + text + "'");
      }
    }
    int start = 0;
    while (start < digits.length() && digits.charAt(start) == '0') {
      start++;
    }
    return digits.substring(start);
  }

  /** True for {@code Infinity} and {@code -Infinity}. */
  public boolean isInfinite() {
    return text.endsWith("Infinity");
  }

  /** True for a quiet or signalling NaN. */
  public boolean isNaN() {
    return !isInfinite();
  }

  /** True for a signalling NaN ({@code sNaN}), which Python refuses to compute with. */
  public boolean isSignaling() {
    return text.startsWith("sNaN") || text.startsWith("-sNaN");
  }

  /** True if the sign is negative: {@code -Infinity}, {@code -NaN}, {@code -sNaN}. */
  public boolean isNegative() {
    return text.startsWith("-");
  }

  /**
   * Returns {@code Double.POSITIVE_INFINITY}, {@code Double.NEGATIVE_INFINITY} or {@code
   * Double.NaN}; a NaN's sign, digits and signalling are not kept.
   */
  public double doubleValue() {
    if (isNaN()) {
      return Double.NaN;
    }
    return isNegative() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PyNonFiniteDecimal && ((PyNonFiniteDecimal) o).text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** Returns the value as Python's {@code str()} prints it: {@code -Infinity}, {@code NaN12}. */
  @Override
  public String toString() {
    return text;
  }
}
