package io.snakebridge.internal.codec;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyDateTime;
import io.snakebridge.PyFrozenSet;
import io.snakebridge.PyNonFiniteDecimal;
import io.snakebridge.PyTime;
import io.snakebridge.PyTuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns the value notation of {@code testdata/golden/README.md} into Java values, in one of two
 * forms: what the Java encoder is given ({@link #argument}) and what the Java decoder must produce
 * ({@link #result}). They differ for {@code char} (a {@code Character} in, a {@code String} out).
 */
final class GoldenNotation {
  /** The notation stands for a Python value no Java argument becomes (the case is py2java). */
  static final class NoJavaForm extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoJavaForm(String what) {
      super(
          what
              + " has no Java argument form, so only Python can produce this case "
              + "(its direction should be py2java)");
    }
  }

  private final boolean asResult;

  private GoldenNotation(boolean asResult) {
    this.asResult = asResult;
  }

  static Object argument(Object notation) {
    return new GoldenNotation(false).convert(notation);
  }

  static Object result(Object notation) {
    return new GoldenNotation(true).convert(notation);
  }

  private Object convert(Object notation) {
    if (notation == null
        || notation instanceof Boolean
        || notation instanceof String
        || notation instanceof Long) {
      return notation;
    }
    if (notation instanceof BigInteger) {
      return notation;
    }
    if (!(notation instanceof Map) || ((Map<?, ?>) notation).isEmpty()) {
      throw new IllegalArgumentException("not a value in the golden notation: " + notation);
    }
    Map<?, ?> map = (Map<?, ?>) notation;
    Map.Entry<?, ?> entry = map.entrySet().iterator().next();
    for (Object key : map.keySet()) {
      // "fold" qualifies a datetime or time: fold 1 makes it a PyDateTime or PyTime.
      if (key != entry.getKey() && !key.equals("fold")) {
        throw new IllegalArgumentException("unexpected key '" + key + "' in " + notation);
      }
    }
    Object value = tagged((String) entry.getKey(), entry.getValue());
    return Long.valueOf(1).equals(map.get("fold")) ? folded(value) : value;
  }

  private Object tagged(String tag, Object body) {
    switch (tag) {
      case "int":
        {
          BigInteger value = new BigInteger((String) body);
          return asResult && value.bitLength() < 64 ? (Object) value.longValue() : value;
        }
      case "float":
        return parseFloat(body);
      case "float_bits":
        return Double.longBitsToDouble(Long.parseUnsignedLong((String) body, 16));
      case "bytes":
      case "bytearray":
        if (tag.equals("bytearray") && !asResult) {
          throw new NoJavaForm("a bytearray");
        }
        return Sections.unhex((String) body);
      case "list":
        return convertAll(body);
      case "tuple":
        return PyTuple.copyOf(convertAll(body));
      case "set":
        return new LinkedHashSet<>(convertAll(body));
      case "frozenset":
        return asResult
            ? ValueAssertions.frozen(new LinkedHashSet<>(convertAll(body)))
            : PyFrozenSet.copyOf(convertAll(body));
      case "dict":
        return dict(body);
      default:
        return special(tag, body);
    }
  }

  private Object special(String tag, Object body) {
    switch (tag) {
      case "complex":
        {
          List<?> parts = (List<?>) body;
          return new PyComplex(parseFloat(parts.get(0)), parseFloat(parts.get(1)));
        }
      case "datetime":
        {
          String text = (String) body;
          return hasOffset(text.substring(text.indexOf('T') + 1))
              ? OffsetDateTime.parse(text)
              : LocalDateTime.parse(text);
        }
      case "date":
        return LocalDate.parse((String) body);
      case "time":
        return hasOffset((String) body)
            ? OffsetTime.parse((String) body)
            : LocalTime.parse((String) body);
      case "timedelta":
        {
          List<?> fields = (List<?>) body;
          return Duration.ofSeconds(
              (Long) fields.get(0) * 86_400 + (Long) fields.get(1), (Long) fields.get(2) * 1_000);
        }
      case "decimal":
        {
          String text = (String) body;
          return text.matches("[-+]?[A-Za-z].*")
              ? PyNonFiniteDecimal.parse(text)
              : new BigDecimal(text);
        }
      case "uuid":
        return UUID.fromString((String) body);
      case "ndarray":
        return ndarray((Map<?, ?>) body);
      case "char":
        String text = (String) body;
        return asResult ? text : (Object) text.charAt(0);
      default:
        throw new IllegalArgumentException("unknown notation tag '" + tag + "'");
    }
  }

  private static Object folded(Object value) {
    if (value instanceof LocalDateTime) {
      return PyDateTime.of((LocalDateTime) value, 1);
    } else if (value instanceof OffsetDateTime) {
      return PyDateTime.of((OffsetDateTime) value, 1);
    } else if (value instanceof LocalTime) {
      return PyTime.of((LocalTime) value, 1);
    } else if (value instanceof OffsetTime) {
      return PyTime.of((OffsetTime) value, 1);
    }
    throw new IllegalArgumentException("fold on a " + value.getClass().getSimpleName());
  }

  private static boolean hasOffset(String time) {
    return time.indexOf('+') >= 0 || time.indexOf('-') >= 0 || time.endsWith("Z");
  }

  private static double parseFloat(Object body) {
    if (body instanceof Map) {
      Map<?, ?> tagged = (Map<?, ?>) body;
      if (tagged.containsKey("float_bits")) {
        return Double.longBitsToDouble(
            Long.parseUnsignedLong((String) tagged.get("float_bits"), 16));
      }
      return parseFloat(tagged.get("float"));
    }
    if (body instanceof Number) {
      return ((Number) body).doubleValue();
    }
    switch ((String) body) {
      case "nan":
        return Double.NaN;
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble((String) body);
    }
  }

  private List<Object> convertAll(Object body) {
    List<Object> items = new ArrayList<>();
    for (Object item : (List<?>) body) {
      items.add(convert(item));
    }
    return items;
  }

  private Map<Object, Object> dict(Object body) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (Object pair : (List<?>) body) {
      List<?> keyAndValue = (List<?>) pair;
      map.put(convert(keyAndValue.get(0)), convert(keyAndValue.get(1)));
    }
    return map;
  }

  private static NdArray ndarray(Map<?, ?> body) {
    String dtype = (String) body.get("dtype");
    List<?> dimensions = (List<?>) body.get("shape");
    long[] shape = new long[dimensions.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = (Long) dimensions.get(i);
    }
    byte[] bytes = Sections.unhex((String) body.get("data"));
    Object data =
        NdArrayData.read(
            dtype, bytes, 0, bytes.length, bytes.length / Math.max(1, NdArrayData.itemSize(dtype)));
    if (data == null) {
      throw new IllegalArgumentException(
          "ndarray notation with dtype " + dtype + " and " + bytes.length + " bytes of data");
    }
    return NdArray.of(dtype, data, shape);
  }
}
