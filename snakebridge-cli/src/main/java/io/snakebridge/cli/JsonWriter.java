package io.snakebridge.cli;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyRef;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a value received from Python as compact, strict JSON (RFC 8259) on one line.
 *
 * <p>Mapping: None/bool/int as JSON literals and numbers; float in Python's shortest form, with NaN
 * and the infinities as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (JSON
 * has no such numbers); bytes as a base64 string; list, tuple and set as arrays; dict as an object
 * whose non-string keys become their JSON text ({@code 1} → {@code "1"}, {@code (1, 2)} → {@code
 * "[1,2]"}); Decimal as an exact number; UUID as a string; dates, times and timedeltas as ISO-8601
 * strings; complex as {@code {"real":..,"imag":..}}; a numpy array as {@code
 * {"dtype":..,"shape":[..],"data":[..]}} with the elements flat in row-major order. Anything else
 * is written as the string of its {@code toString()}. Stateless and thread-safe.
 */
final class JsonWriter {
  private JsonWriter() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    append(value, out);
    return out.toString();
  }

  /** A finite double in Python's shortest form; NaN and the infinities as JSON strings. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "\"NaN\"";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    }
    return FloatRepr.of(value);
  }

  private static void append(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String || value instanceof Character) {
      appendString(value.toString(), out);
    } else if (value instanceof Boolean
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof Double) {
      out.append(number((Double) value));
    } else if (value instanceof Float) {
      float f = (Float) value;
      out.append(Float.isFinite(f) ? FloatRepr.of(f) : number(f));
    } else if (value instanceof BigDecimal) {
      out.append(((BigDecimal) value).toString());
    } else if (value instanceof byte[]) {
      appendString(Base64.getEncoder().encodeToString((byte[]) value), out);
    } else if (value instanceof Collection) {
      appendArray((Collection<?>) value, out);
    } else if (value instanceof Map) {
      appendObject((Map<?, ?>) value, out);
    } else if (value instanceof PyComplex) {
      PyComplex c = (PyComplex) value;
      out.append("{\"real\":")
          .append(number(c.real()))
          .append(",\"imag\":")
          .append(number(c.imag()))
          .append('}');
    } else if (value instanceof NdArray) {
      appendNdArray((NdArray) value, out);
    } else if (value instanceof PyRef) {
      appendRef((PyRef) value, out);
    } else {
      appendString(isoText(value), out);
    }
  }

  /** A Python object that stayed in Python: its identity, its type and its {@code str()}. */
  private static void appendRef(PyRef ref, StringBuilder out) {
    out.append("{\"$ref\":");
    appendString(ref.refId(), out);
    out.append(",\"type\":");
    appendString(ref.typeName(), out);
    out.append(",\"str\":");
    String text;
    try {
      text = ref.str(); // toString() is the local PyRef[...] form since 0.2
    } catch (RuntimeException e) {
      text = ref.toString();
    }
    appendString(text, out);
    out.append('}');
  }

  private static void appendArray(Collection<?> items, StringBuilder out) {
    out.append('[');
    boolean first = true;
    for (Object item : items) {
      if (!first) {
        out.append(',');
      }
      first = false;
      append(item, out);
    }
    out.append(']');
  }

  private static void appendObject(Map<?, ?> map, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(keyText(entry.getKey()), out);
      out.append(':');
      append(entry.getValue(), out);
    }
    out.append('}');
  }

  /** A key's JSON text, or the text of the string it would be written as. */
  private static String keyText(Object key) {
    if (key instanceof String) {
      return (String) key;
    }
    String json = write(key);
    return json.startsWith("\"") ? String.valueOf(JsonReader.parse(json)) : json;
  }

  private static void appendNdArray(NdArray array, StringBuilder out) {
    out.append("{\"dtype\":");
    appendString(array.dtype(), out);
    out.append(",\"shape\":[");
    long[] shape = array.shape();
    for (int i = 0; i < shape.length; i++) {
      out.append(i > 0 ? "," : "").append(shape[i]);
    }
    out.append("],\"data\":[");
    int count = NdArrayElements.count(array);
    for (int i = 0; i < count; i++) {
      out.append(i > 0 ? "," : "").append(NdArrayElements.json(array, i));
    }
    out.append("]}");
  }

  private static String isoText(Object value) {
    if (value instanceof OffsetDateTime) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format((OffsetDateTime) value);
    } else if (value instanceof LocalDateTime) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format((LocalDateTime) value);
    } else if (value instanceof LocalDate) {
      return DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) value);
    } else if (value instanceof OffsetTime) {
      return DateTimeFormatter.ISO_OFFSET_TIME.format((OffsetTime) value);
    } else if (value instanceof LocalTime) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format((LocalTime) value);
    } else if (value instanceof Duration || value instanceof UUID) {
      return value.toString();
    }
    return String.valueOf(value);
  }

  private static void appendString(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20 || isLoneSurrogate(text, i)) {
            // A lone surrogate (Python's surrogatepass) has no UTF-8 form; the escape keeps it.
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
