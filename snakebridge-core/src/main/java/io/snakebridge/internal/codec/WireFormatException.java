package io.snakebridge.internal.codec;

/**
 * Thrown by {@link ValueReader} when a value section breaks WIRE-PROTOCOL.md: malformed layout, an
 * opcode or global outside the restricted pickle, truncated input, or a limit exceeded. The message
 * says what was wrong and at which byte offset of the value section.
 *
 * <p>The worker that sent such bytes can no longer be trusted; the connection layer treats this as
 * a protocol violation.
 */
public class WireFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WireFormatException(String message) {
    super(message);
  }

  /**
   * Whether the bytes were well formed but describe a value Java cannot hold (a cycle, or nesting
   * past the limit). The worker that sent them is still trustworthy; only that call fails.
   */
  public boolean unrepresentableValue() {
    return false;
  }
}
