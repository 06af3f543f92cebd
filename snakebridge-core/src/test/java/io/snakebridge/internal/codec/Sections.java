package io.snakebridge.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Encodes and decodes whole value sections for tests, with the default limits. */
final class Sections {
  static final ValueWriter WRITER = new ValueWriter(CodecLimits.DEFAULT);
  static final ValueReader READER = new ValueReader(CodecLimits.DEFAULT);

  private Sections() {}

  /** Returns the body {@code encoded} writes, checking it against {@code bodyLength()}. */
  static byte[] bytes(EncodedValue encoded) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      encoded.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(encoded.bodyLength(), out.size(), "bodyLength() must match the bytes written");
    return out.toByteArray();
  }

  static byte[] encode(Object value) {
    return bytes(WRITER.encode(value, "value"));
  }

  static Object decode(byte[] body) {
    return READER.decode(body, 0, body.length);
  }

  static Object roundTrip(Object value) {
    return decode(encode(value));
  }

  /** Returns the pickle part of a value section. */
  static byte[] pickleOf(byte[] body) {
    ByteBuffer head = ByteBuffer.wrap(body);
    int pickleLength = head.getInt(0);
    int bufferCount = head.getInt(4);
    int start = 8 + 8 * bufferCount;
    return Arrays.copyOfRange(body, start, start + pickleLength);
  }

  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }

  static byte[] unhex(String hex) {
    String clean = hex.replaceAll("\\s+", "");
    byte[] bytes = new byte[clean.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
