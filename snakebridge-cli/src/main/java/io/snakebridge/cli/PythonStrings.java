package io.snakebridge.cli;

/**
 * Python's {@code repr} of {@code str} and {@code bytes}: single quotes unless the text holds a
 * single quote and no double quote, backslash escapes for the quote, backslash, {@code \t \n \r},
 * and {@code \xNN} or Python's four- and eight-digit {@code u}/{@code U} escapes for characters
 * Python does not consider printable (controls, format characters, separators other than the space,
 * unassigned and private code points, lone surrogates). Stateless and thread-safe.
 */
final class PythonStrings {
  private PythonStrings() {}

  static void appendStringRepr(String text, StringBuilder out) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      i += Character.charCount(codePoint);
      if (codePoint == quote || codePoint == '\\') {
        out.append('\\').appendCodePoint(codePoint);
      } else if (codePoint == '\t') {
        out.append("\\t");
      } else if (codePoint == '\n') {
        out.append("\\n");
      } else if (codePoint == '\r') {
        out.append("\\r");
      } else if (isPrintable(codePoint)) {
        out.appendCodePoint(codePoint);
      } else if (codePoint < 0x100) {
        out.append("\\x").append(hex(codePoint, 2));
      } else if (codePoint < 0x10000) {
        out.append("\\u").append(hex(codePoint, 4));
      } else {
        out.append("\\U").append(hex(codePoint, 8));
      }
    }
    out.append(quote);
  }

  static void appendBytesRepr(byte[] bytes, StringBuilder out) {
    boolean hasSingle = false;
    boolean hasDouble = false;
    for (byte b : bytes) {
      hasSingle |= b == '\'';
      hasDouble |= b == '"';
    }
    char quote = hasSingle && !hasDouble ? '"' : '\'';
    out.append('b').append(quote);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c == quote || c == '\\') {
        out.append('\\').append((char) c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c < 0x20 || c >= 0x7f) {
        out.append("\\x").append(hex(c, 2));
      } else {
        out.append((char) c);
      }
    }
    out.append(quote);
  }

  /** Python's {@code str.isprintable()} for one code point. */
  static boolean isPrintable(int codePoint) {
    if (codePoint < 0x7f) {
      return codePoint >= 0x20;
    }
    switch (Character.getType(codePoint)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SPACE_SEPARATOR:
        return false;
      default:
        return true;
    }
  }

  private static String hex(int value, int width) {
    String digits = Integer.toHexString(value);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }
}
