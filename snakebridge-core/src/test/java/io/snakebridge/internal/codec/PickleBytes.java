package io.snakebridge.internal.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds pickles and value sections byte by byte, for inputs the Java writer never produces:
 * CPython's opcodes (memo, FRAME, APPEND...) and malformed sections the reader must refuse.
 */
final class PickleBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Starts a pickle with {@code PROTO 5}. */
  static PickleBytes proto() {
    return new PickleBytes().op(Opcodes.PROTO, 5);
  }

  static PickleBytes empty() {
    return new PickleBytes();
  }

  /** Appends raw bytes: opcodes and their arguments. */
  PickleBytes op(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  PickleBytes u32(long value) {
    return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
  }

  PickleBytes u64(long value) {
    return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
  }

  PickleBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  PickleBytes str(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return op(Opcodes.SHORT_BINUNICODE, utf8.length).raw(utf8);
  }

  PickleBytes int1(int value) {
    return op(Opcodes.BININT1, value);
  }

  PickleBytes global(String module, String name) {
    return str(module).str(name).op(Opcodes.STACK_GLOBAL);
  }

  PickleBytes stop() {
    return op(Opcodes.STOP);
  }

  byte[] pickle() {
    return out.toByteArray();
  }

  /** Wraps this pickle in a canonical value section with the given out-of-band buffers. */
  byte[] section(byte[]... buffers) {
    return sectionOf(pickle(), buffers);
  }

  static byte[] sectionOf(byte[] pickle, byte[]... buffers) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ByteBuffer head = ByteBuffer.allocate(8 + 8 * buffers.length);
    head.putInt(pickle.length).putInt(buffers.length);
    for (byte[] buffer : buffers) {
      head.putLong(buffer.length);
    }
    body.writeBytes(head.array());
    body.writeBytes(pickle);
    pad(body);
    for (int i = 0; i < buffers.length; i++) {
      body.writeBytes(buffers[i]);
      if (i + 1 < buffers.length) {
        pad(body);
      }
    }
    return body.toByteArray();
  }

  private static void pad(ByteArrayOutputStream body) {
    while (body.size() % 64 != 0) {
      body.write(0);
    }
  }
}
