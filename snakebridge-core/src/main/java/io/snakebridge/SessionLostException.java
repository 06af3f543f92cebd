package io.snakebridge;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call needs objects of a session (it passes one of its {@link PyRef}s) but the
 * worker process that held them is gone: it crashed, was stopped after a timeout, or the runtime
 * replaced it. Those Python objects no longer exist anywhere; the session itself goes on, and its
 * next calls that pass no such reference run on any worker.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.2
 */
public final class SessionLostException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private final String sessionId;
  private final String workerId;

  /**
   * Creates an exception.
   *
   * @param message what happened
   * @param sessionId the session whose objects were lost
   * @param workerId the worker that held them, such as {@code default-2}
   */
  public SessionLostException(String message, String sessionId, String workerId) {
    this(message, sessionId, workerId, null);
  }

  /**
   * Creates an exception with the failure that lost the objects.
   *
   * @param message what happened
   * @param sessionId the session whose objects were lost
   * @param workerId the worker that held them, such as {@code default-2}
   * @param cause how the worker was lost (a {@link WorkerCrashedException}), or null
   * @since 0.2
   */
  public SessionLostException(
      String message, String sessionId, String workerId, @Nullable Throwable cause) {
    super(message, cause);
    this.sessionId = sessionId;
    this.workerId = workerId;
  }

  /** Returns the session whose objects were lost. */
  public String sessionId() {
    return sessionId;
  }

  /** Returns the id of the worker that held them, such as {@code default-2}. */
  public String workerId() {
    return workerId;
  }
}
