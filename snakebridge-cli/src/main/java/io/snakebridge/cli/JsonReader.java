package io.snakebridge.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A strict RFC 8259 JSON parser producing the values the library sends to Python.
 *
 * <p>Objects become {@link LinkedHashMap} (member order kept), arrays {@link ArrayList}, integers
 * {@link Long} or {@link BigInteger} beyond 64 bits, numbers with a fraction or exponent {@link
 * Double}, {@code true}/{@code false} {@link Boolean} and {@code null} null. Anything that is not
 * one complete JSON text fails with an {@link IllegalArgumentException} that gives the offset.
 *
 * <p>Not thread-safe; each instance parses one text. Use {@link #parse(String)}.
 */
final class JsonReader {
  /** Deeper input is refused rather than risking a {@link StackOverflowError}. */
  static final int MAX_DEPTH = 1_000;

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final String text;
  private int pos;

  private JsonReader(String text) {
    this.text = text;
  }

  /** Parses {@code text} as exactly one JSON value, surrounded by optional whitespace. */
  static @Nullable Object parse(String text) {
    JsonReader reader = new JsonReader(text);
    reader.skipWhitespace();
    Object value = reader.readValue(0);
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw reader.error("unexpected text after the value");
    }
    return value;
  }

  private @Nullable Object readValue(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return readObject(depth);
      case '[':
        return readArray(depth);
      case '"':
        return readString();
      case 't':
        return readLiteral("true", true);
      case 'f':
        return readLiteral("false", false);
      case 'n':
        return readLiteral("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, Object> readObject(int depth) {
    Map<String, Object> result = new LinkedHashMap<>();
    pos++; // '{'
    skipWhitespace();
    if (consume('}')) {
      return result;
    }
    while (true) {
      if (pos >= text.length() || text.charAt(pos) != '"') {
        throw error("expected a string key");
      }
      String key = readString();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      result.put(key, readValue(depth + 1));
      skipWhitespace();
      if (consume('}')) {
        return result;
      }
      expect(',');
      skipWhitespace();
    }
  }

  private List<Object> readArray(int depth) {
    List<Object> result = new ArrayList<>();
    pos++; // '['
    skipWhitespace();
    if (consume(']')) {
      return result;
    }
    while (true) {
      result.add(readValue(depth + 1));
      skipWhitespace();
      if (consume(']')) {
        return result;
      }
      expect(',');
      skipWhitespace();
    }
  }

  private String readString() {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      } else if (c == '\\') {
        out.append(readEscape());
      } else if (c < 0x20) {
        throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
      } else {
        out.append(c);
      }
    }
  }

  private char readEscape() {
    if (pos >= text.length()) {
      throw error("unterminated escape");
    }
    char c = text.charAt(pos++);
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        // Surrogate pairs arrive as two \\u escapes and are kept as the two chars they are.
        if (pos + 4 > text.length()) {
          throw error("truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(text.charAt(pos++), 16);
          if (digit < 0) {
            throw error("bad hex digit in \\u escape");
          }
          value = value * 16 + digit;
        }
        return (char) value;
      default:
        pos--;
        throw error("bad escape '\\" + c + "'");
    }
  }

  private Object readNumber() {
    int start = pos;
    consume('-');
    if (consume('0')) {
      // a leading zero stands alone
    } else if (!skipDigits()) {
      throw error("expected a digit");
    }
    boolean integral = true;
    if (consume('.')) {
      integral = false;
      if (!skipDigits()) {
        throw error("expected a digit after '.'");
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      integral = false;
      if (!consume('+')) {
        consume('-');
      }
      if (!skipDigits()) {
        throw error("expected a digit in the exponent");
      }
    }
    String number = text.substring(start, pos);
    if (!integral) {
      return Double.parseDouble(number);
    }
    BigInteger big = new BigInteger(number);
    boolean fits = big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0;
    return fits ? (Object) big.longValue() : big;
  }

  private boolean skipDigits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private @Nullable Object readLiteral(String literal, @Nullable Object value) {
    if (!text.startsWith(literal, pos)) {
      throw error("unexpected character '" + text.charAt(pos) + "'");
    }
    pos += literal.length();
    return value;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private boolean consume(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!consume(c)) {
      throw error(pos < text.length() ? "expected '" + c + "'" : "unexpected end of input");
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + message);
  }
}
