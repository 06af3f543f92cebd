package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Opcodes.SHORT_BINUNICODE;
import static io.snakebridge.internal.codec.Opcodes.STACK_GLOBAL;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The globals of module {@code sbw} (WIRE-PROTOCOL.md §3.3, §5.2, §5.4, §6.1), the only callables a
 * value section may name. On the reader's stack a {@code SbwGlobal} stands for the callable between
 * {@code STACK_GLOBAL} and {@code REDUCE}; it can never become part of a decoded value.
 */
enum SbwGlobal implements StackOnly {
  COMPLEX("complex"),
  DATETIME("datetime"),
  DATE("date"),
  TIME("time"),
  TIMEDELTA("timedelta"),
  DECIMAL("decimal"),
  UUID("uuid"),
  NDARRAY("ndarray"),
  REF("ref"),
  STREAM_REF("stream_ref"),
  CALLBACK("callback");

  static final String MODULE = "sbw";
  private static final SbwGlobal[] ALL = values();

  final String pythonName;

  /** {@code SHORT_BINUNICODE "sbw"}, {@code SHORT_BINUNICODE name}, {@code STACK_GLOBAL}. */
  @SuppressWarnings("ImmutableEnumChecker") // written as it is, never changed
  final byte[] reference;

  SbwGlobal(String pythonName) {
    this.pythonName = pythonName;
    byte[] module = MODULE.getBytes(StandardCharsets.US_ASCII);
    byte[] name = pythonName.getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = new byte[5 + module.length + name.length];
    int p = 0;
    bytes[p++] = (byte) SHORT_BINUNICODE;
    bytes[p++] = (byte) module.length;
    System.arraycopy(module, 0, bytes, p, module.length);
    p += module.length;
    bytes[p++] = (byte) SHORT_BINUNICODE;
    bytes[p++] = (byte) name.length;
    System.arraycopy(name, 0, bytes, p, name.length);
    p += name.length;
    bytes[p] = (byte) STACK_GLOBAL;
    this.reference = bytes;
  }

  /** Returns the global {@code module.name}, or null when it is not one of ours. */
  static @Nullable SbwGlobal find(String module, String name) {
    if (MODULE.equals(module)) {
      for (SbwGlobal global : ALL) {
        if (global.pythonName.equals(name)) {
          return global;
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return MODULE + "." + pythonName;
  }
}
