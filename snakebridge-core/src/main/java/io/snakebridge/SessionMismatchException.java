package io.snakebridge;

/**
 * Thrown when a call passes a {@link PyRef} that belongs to another session than the call's own,
 * for example a reference from session {@code a} in a call whose {@link CallOptions#sessionId} is
 * {@code b}, or references from two sessions in one call. A reference can only be used in its own
 * session, where its worker holds it. Nothing was run.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.2
 */
public final class SessionMismatchException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private final String refId;
  private final String sessionId;
  private final String callSessionId;

  /**
   * Creates an exception.
   *
   * @param message what happened
   * @param refId the reference used
   * @param sessionId the reference's session
   * @param callSessionId the call's session
   */
  public SessionMismatchException(
      String message, String refId, String sessionId, String callSessionId) {
    super(message);
    this.refId = refId;
    this.sessionId = sessionId;
    this.callSessionId = callSessionId;
  }

  /** Returns the id of the reference that was used. */
  public String refId() {
    return refId;
  }

  /** Returns the session the reference belongs to. */
  public String sessionId() {
    return sessionId;
  }

  /** Returns the session the call ran in. */
  public String callSessionId() {
    return callSessionId;
  }
}
