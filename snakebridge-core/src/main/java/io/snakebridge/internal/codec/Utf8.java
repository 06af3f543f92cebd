package io.snakebridge.internal.codec;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 with Python's {@code surrogatepass}: a lone surrogate {@code char} is written as its own
 * three-byte sequence ({@code ED A0..BF xx}) instead of being replaced, so any Java {@code String}
 * survives a round trip through Python, and any Python {@code str} reaches Java.
 *
 * <p>Valid surrogate pairs become one four-byte sequence, as in standard UTF-8. Malformed input
 * (which a correct peer never sends) decodes to U+FFFD, as {@link String#String(byte[],
 * java.nio.charset.Charset)} does.
 */
final class Utf8 {
  /** Strings up to this many chars have at most 255 UTF-8 bytes (three per char). */
  static final int MAX_CHARS_FOR_SHORT = 85;

  private Utf8() {}

  static boolean hasSurrogate(String value) {
    for (int i = 0, n = value.length(); i < n; i++) {
      if (Character.isSurrogate(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  static long encodedLength(String value) {
    long length = 0;
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (isPairAt(value, i, n)) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }

  /**
   * Writes {@code value} at {@code out[position]}, which has room for 3 bytes per char; returns the
   * end.
   */
  static int encode(String value, byte[] out, int position) {
    int p = position;
    int n = value.length();
    int i = 0;
    for (char c; i < n && (c = value.charAt(i)) < 0x80; i++) {
      out[p++] = (byte) c;
    }
    for (; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | (c >> 6));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (isPairAt(value, i, n)) {
        int codePoint = Character.toCodePoint(c, value.charAt(++i));
        out[p++] = (byte) (0xF0 | (codePoint >> 18));
        out[p++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
        out[p++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (codePoint & 0x3F));
      } else {
        out[p++] = (byte) (0xE0 | (c >> 12));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return p;
  }

  private static boolean isPairAt(String value, int i, int n) {
    return Character.isHighSurrogate(value.charAt(i))
        && i + 1 < n
        && Character.isLowSurrogate(value.charAt(i + 1));
  }

  static String decode(byte[] in, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end - 1; i++) {
      if (in[i] == (byte) 0xED && (in[i + 1] & 0xE0) == 0xA0) {
        return decodeWithSurrogates(in, offset, end);
      }
    }
    return new String(in, offset, length, StandardCharsets.UTF_8);
  }

  private static String decodeWithSurrogates(byte[] in, int offset, int end) {
    char[] out = new char[end - offset];
    int n = 0;
    int i = offset;
    while (i < end) {
      int b0 = in[i] & 0xFF;
      int need =
          b0 < 0x80 ? 0 : b0 < 0xC2 ? -1 : b0 < 0xE0 ? 1 : b0 < 0xF0 ? 2 : b0 < 0xF5 ? 3 : -1;
      int codePoint = need == 1 ? b0 & 0x1F : need == 2 ? b0 & 0x0F : b0 & 0x07;
      if (need == 0) {
        out[n++] = (char) b0;
        i++;
        continue;
      }
      int j = i + 1;
      for (int k = 0; k < need && j < end && (in[j] & 0xC0) == 0x80; k++, j++) {
        codePoint = (codePoint << 6) | (in[j] & 0x3F);
      }
      if (need < 0 || j - i - 1 != need || !shortest(need, codePoint)) {
        out[n++] = '\uFFFD';
        i++;
        continue;
      }
      if (codePoint >= 0x10000) {
        out[n++] = Character.highSurrogate(codePoint);
        out[n++] = Character.lowSurrogate(codePoint);
      } else {
        out[n++] = (char) codePoint;
      }
      i = j;
    }
    return new String(out, 0, n);
  }

  private static boolean shortest(int continuationBytes, int codePoint) {
    switch (continuationBytes) {
      case 1:
        return codePoint >= 0x80;
      case 2:
        return codePoint >= 0x800;
      default:
        return codePoint >= 0x10000 && codePoint <= 0x10FFFF;
    }
  }
}
