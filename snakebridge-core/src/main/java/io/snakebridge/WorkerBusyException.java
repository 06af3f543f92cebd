package io.snakebridge;

/**
 * Thrown at once by a call with {@link Affinity#STRICT_FAIL_FAST} when the worker holding its
 * session's objects is running another call. Nothing was run; retry later, or use {@link
 * Affinity#STRICT_QUEUE} to wait.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.2
 */
public final class WorkerBusyException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private final String sessionId;
  private final String workerId;

  /**
   * Creates an exception.
   *
   * @param message what happened
   * @param sessionId the call's session
   * @param workerId the busy worker, such as {@code default-1}
   */
  public WorkerBusyException(String message, String sessionId, String workerId) {
    super(message);
    this.sessionId = sessionId;
    this.workerId = workerId;
  }

  /** Returns the call's session. */
  public String sessionId() {
    return sessionId;
  }

  /** Returns the id of the busy worker. */
  public String workerId() {
    return workerId;
  }
}
