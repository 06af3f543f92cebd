package io.snakebridge.internal.codec;

/**
 * A well-formed value section whose value has no Java form: it contains itself, or it nests deeper
 * than the configured limit. Unlike other format errors this says nothing bad about the worker that
 * sent it, so the runtime reports it to the caller as a conversion failure and keeps the worker.
 */
public final class UnrepresentableValueException extends WireFormatException {
  private static final long serialVersionUID = 1L;

  public UnrepresentableValueException(String message) {
    super(message);
  }

  @Override
  public boolean unrepresentableValue() {
    return true;
  }
}
