package io.snakebridge.cli;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyRef;
import io.snakebridge.PyTuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Renders values received from Python the way Python's {@code print()} shows them: {@link #str} for
 * the value itself (a string as is, a date as {@code 2024-01-02}) and {@link #repr} for everything
 * inside a container ({@code ['a', 1, None]}).
 *
 * <p>The one deliberate difference: numpy arrays print as {@code array([1.0, 2.0], dtype=float64)}
 * (elements in {@code repr} form, the dtype always named; more than 1,000 elements are summarised
 * with {@code ...} as numpy does), not numpy's own column layout. Stateless and thread-safe.
 */
final class PythonText {
  /**
   * Arrays larger than this print only their first and last three items per axis, as numpy does.
   */
  static final int SUMMARY_THRESHOLD = 1_000;

  private PythonText() {}

  /** Python's {@code str(value)}. */
  static String str(Object value) {
    if (value instanceof String) {
      return (String) value;
    }
    String text = PythonTimes.str(value);
    if (text != null) {
      return text;
    }
    if (value instanceof BigDecimal) {
      return value.toString(); // Java and Python both follow the decimal spec's to-sci-string
    }
    if (value instanceof UUID) {
      return value.toString();
    }
    if (value instanceof PyRef) {
      return strOf((PyRef) value);
    }
    return repr(value);
  }

  /** Python's {@code repr(value)}. */
  static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    appendRepr(value, out);
    return out.toString();
  }

  private static void appendRepr(Object value, StringBuilder out) {
    if (value == null) {
      out.append("None");
    } else if (value instanceof String) {
      PythonStrings.appendStringRepr((String) value, out);
    } else if (value instanceof Character) {
      PythonStrings.appendStringRepr(value.toString(), out);
    } else if (value instanceof Boolean) {
      out.append((Boolean) value ? "True" : "False");
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof Double) {
      out.append(FloatRepr.of((Double) value));
    } else if (value instanceof Float) {
      out.append(FloatRepr.of(((Float) value).doubleValue()));
    } else if (value instanceof byte[]) {
      PythonStrings.appendBytesRepr((byte[]) value, out);
    } else if (value instanceof PyTuple) {
      List<?> items = (List<?>) value;
      out.append('(');
      appendItems(items.iterator(), out);
      out.append(items.size() == 1 ? ",)" : ")");
    } else if (value instanceof List) {
      out.append('[');
      appendItems(((List<?>) value).iterator(), out);
      out.append(']');
    } else if (value instanceof Map) {
      appendMap((Map<?, ?>) value, out);
    } else if (value instanceof Set) {
      Set<?> set = (Set<?>) value;
      if (set.isEmpty()) {
        out.append("set()");
      } else {
        out.append('{');
        appendItems(set.iterator(), out);
        out.append('}');
      }
    } else if (value instanceof PyComplex) {
      appendComplex((PyComplex) value, out);
    } else if (value instanceof BigDecimal) {
      out.append("Decimal('").append(value).append("')");
    } else if (value instanceof UUID) {
      out.append("UUID('").append(value).append("')");
    } else if (value instanceof NdArray) {
      appendArray((NdArray) value, out);
    } else if (value instanceof PyRef) {
      out.append(reprOf((PyRef) value));
    } else {
      String time = PythonTimes.repr(value);
      out.append(time != null ? time : value.toString());
    }
  }

  /** Python's {@code str()} of an object that stayed in Python; its Java form if that fails. */
  private static String strOf(PyRef ref) {
    try {
      return ref.str();
    } catch (RuntimeException e) {
      return ref.toString();
    }
  }

  /**
   * Python's own {@code repr()} of an object that stayed in Python; its Java form if that fails.
   */
  private static String reprOf(PyRef ref) {
    try {
      return ref.repr();
    } catch (RuntimeException e) {
      return ref.toString();
    }
  }

  private static void appendItems(Iterator<?> items, StringBuilder out) {
    boolean first = true;
    while (items.hasNext()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      appendRepr(items.next(), out);
    }
  }

  private static void appendMap(Map<?, ?> map, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      appendRepr(entry.getKey(), out);
      out.append(": ");
      appendRepr(entry.getValue(), out);
    }
    out.append('}');
  }

  /** {@code 2j}, {@code (1+2j)}, {@code (1.5-0j)}: Python drops ".0" from each part. */
  private static void appendComplex(PyComplex value, StringBuilder out) {
    String imag = complexPart(value.imag()) + "j";
    if (value.real() == 0 && Double.doubleToRawLongBits(value.real()) == 0) {
      out.append(imag);
      return;
    }
    out.append('(').append(complexPart(value.real()));
    if (!imag.startsWith("-")) {
      out.append('+');
    }
    out.append(imag).append(')');
  }

  private static String complexPart(double part) {
    String text = FloatRepr.of(part);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }

  private static void appendArray(NdArray array, StringBuilder out) {
    long[] shape = array.shape();
    out.append("array(");
    if (shape.length == 0) {
      out.append(NdArrayElements.repr(array, 0));
    } else {
      boolean summarise = NdArrayElements.count(array) > SUMMARY_THRESHOLD;
      appendAxis(array, shape, 0, 0, summarise, out);
    }
    out.append(", dtype=").append(array.dtype()).append(')');
  }

  private static void appendAxis(
      NdArray array, long[] shape, int axis, long offset, boolean summarise, StringBuilder out) {
    long length = shape[axis];
    long stride = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      stride *= shape[i];
    }
    out.append('[');
    for (long i = 0; i < length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      if (summarise && length > 6 && i == 3) {
        out.append("...");
        i = length - 4; // the loop's increment lands on the first of the last three
        continue;
      }
      long start = offset + i * stride;
      if (axis == shape.length - 1) {
        out.append(NdArrayElements.repr(array, Math.toIntExact(start)));
      } else {
        appendAxis(array, shape, axis + 1, start, summarise, out);
      }
    }
    out.append(']');
  }
}
