package io.snakebridge;

/**
 * Thrown to the callers waiting for a worker when starting one failed: the Python executable is
 * missing, the interpreter exits at start-up, or the handshake does not complete in time.
 *
 * <p>The message states the pool's size and how many workers are busy, idle, starting and waited
 * for; the cause is the start failure itself, with the executable, the exit status and the
 * worker's stderr tail. Nothing is retried behind the caller's back: the next call starts a worker
 * again.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public class PoolExhaustedException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message the pool's state
   * @param cause why no worker could be started
   */
  public PoolExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }
}
