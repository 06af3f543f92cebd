package io.snakebridge.internal.codec;

/**
 * Thrown by {@link ValueReader} when the deadline it was given passed while it decoded: the value
 * section was sound as far as it was read, and the sender is not at fault.
 */
public final class DecodingTimedOutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DecodingTimedOutException(String message) {
    super(message);
  }
}
