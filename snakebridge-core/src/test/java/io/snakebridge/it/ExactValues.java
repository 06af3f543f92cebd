package io.snakebridge.it;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyFrozenSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exact comparison of decoded values, as a user would check a round trip: the same Java classes (an
 * {@code ArrayList} is not a {@code PyTuple}, a {@code LinkedHashSet} not a {@code PyFrozenSet}),
 * doubles bit for bit (NaN payloads, {@code -0.0}), {@code byte[]} by content, maps in order, sets
 * in any order.
 */
final class ExactValues {
  private ExactValues() {}

  /** Null if {@code back} is exactly {@code sent}, else where and how they differ. */
  static String difference(Object sent, Object back) {
    return difference(sent, back, "value");
  }

  private static String difference(Object sent, Object back, String path) {
    if (sent == null || back == null) {
      return sent == back ? null : path + ": " + describe(sent) + " came back as " + describe(back);
    }
    if (sent.getClass() != back.getClass()) {
      return path + ": " + describe(sent) + " came back as " + describe(back);
    }
    boolean same;
    if (sent instanceof Double) {
      same = bits((Double) sent) == bits((Double) back);
    } else if (sent instanceof PyComplex) {
      PyComplex a = (PyComplex) sent;
      PyComplex b = (PyComplex) back;
      same = bits(a.real()) == bits(b.real()) && bits(a.imag()) == bits(b.imag());
    } else if (sent instanceof byte[]) {
      same = Arrays.equals((byte[]) sent, (byte[]) back);
    } else if (sent instanceof List) {
      return elements((List<?>) sent, (List<?>) back, path);
    } else if (sent instanceof Map) {
      return entries((Map<?, ?>) sent, (Map<?, ?>) back, path);
    } else if (sent instanceof LinkedHashSet || sent instanceof PyFrozenSet) {
      return members((java.util.Set<?>) sent, (java.util.Set<?>) back, path);
    } else if (sent instanceof NdArray) {
      same =
          sent.equals(back)
              && ((NdArray) sent).data().getClass() == ((NdArray) back).data().getClass();
    } else {
      same = sent.equals(back);
    }
    return same ? null : path + ": " + describe(sent) + " came back as " + describe(back);
  }

  private static long bits(double value) {
    return Double.doubleToRawLongBits(value);
  }

  private static String elements(List<?> sent, List<?> back, String path) {
    if (sent.size() != back.size()) {
      return path + ": " + sent.size() + " items came back as " + back.size();
    }
    for (int i = 0; i < sent.size(); i++) {
      String found = difference(sent.get(i), back.get(i), path + "[" + i + "]");
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String entries(Map<?, ?> sent, Map<?, ?> back, String path) {
    if (sent.size() != back.size()) {
      return path + ": " + sent.size() + " entries came back as " + back.size();
    }
    Iterator<? extends Map.Entry<?, ?>> backEntries = back.entrySet().iterator();
    int i = 0;
    for (Map.Entry<?, ?> entry : sent.entrySet()) {
      Map.Entry<?, ?> other = backEntries.next();
      String found = difference(entry.getKey(), other.getKey(), path + "<key " + i + ">");
      if (found == null) {
        found = difference(entry.getValue(), other.getValue(), path + "[" + i + "]");
      }
      if (found != null) {
        return found;
      }
      i++;
    }
    return null;
  }

  /** Python decides a set's order, so members are matched in any order. */
  private static String members(java.util.Set<?> sent, java.util.Set<?> back, String path) {
    if (sent.size() != back.size()) {
      return path + ": " + sent.size() + " elements came back as " + back.size();
    }
    List<Object> unmatched = new ArrayList<>(back);
    for (Object member : sent) {
      Iterator<Object> candidates = unmatched.iterator();
      boolean found = false;
      while (!found && candidates.hasNext()) {
        if (difference(member, candidates.next(), path) == null) {
          candidates.remove();
          found = true;
        }
      }
      if (!found) {
        return path + ": element " + describe(member) + " is missing from " + describe(back);
      }
    }
    return null;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    String text =
        value instanceof byte[] ? Arrays.toString((byte[]) value) : Objects.toString(value);
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return value.getClass().getSimpleName() + " " + text;
  }
}
