package io.snakebridge;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception SnakeBridge throws: unchecked, so a call reads like a local call.
 *
 * <p>Catch a subclass when the caller would act differently: {@link PythonException} (the Python
 * code raised), {@link ConversionException} (a value cannot cross), {@link CallTimeoutException}
 * (the call's deadline passed), {@link WorkerCrashedException} (the worker process died or broke
 * the protocol) and {@link PoolExhaustedException} (no worker could be started). Misuse of the API
 * is reported with the JDK's own {@link IllegalArgumentException}, {@link NullPointerException} and
 * {@link IllegalStateException} instead.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public class SnakeBridgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public SnakeBridgeException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the exception that caused it.
   *
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  public SnakeBridgeException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
