package io.snakebridge;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call cannot get a worker: no worker of its pool could be started (the Python
 * executable is missing, the interpreter exits at start-up, the handshake does not complete in
 * time), too many calls already wait ({@link PoolOptions#maxWaiters()}), or the call waited longer
 * than {@link PoolOptions#acquireTimeout()}.
 *
 * <p>The message states the pool's size and how many workers are busy, idle, starting and waited
 * for; after start failures it ends with why the last start failed (such as a missing or too old
 * interpreter), and the cause is that failure, with the executable, the exit status and the
 * worker's stderr tail. The stack trace is the caller's, even when a start thread found the
 * failure. While no worker of the pool can start, calls fail at once and the pool retries starts in
 * the background with exponential back-off (see {@code docs/LIFECYCLE.md}).
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
  public PoolExhaustedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
