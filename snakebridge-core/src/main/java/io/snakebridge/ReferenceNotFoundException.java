package io.snakebridge;

/**
 * Thrown when a call uses a {@link PyRef} whose Python object is no longer registered: it was
 * released ({@link SnakeBridgeRuntime#releaseRef}, its session ended), it expired (idle longer than
 * its session's {@link SessionOptions#ttl}) or it was evicted (beyond the session's {@link
 * SessionOptions#maxRefs}). Nothing was run. The worker is unharmed.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.2
 */
public final class ReferenceNotFoundException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private final String refId;
  private final String sessionId;

  /**
   * Creates an exception.
   *
   * @param message what happened, naming the reference
   * @param refId the reference's id
   * @param sessionId the reference's session
   */
  public ReferenceNotFoundException(String message, String refId, String sessionId) {
    super(message);
    this.refId = refId;
    this.sessionId = sessionId;
  }

  /** Returns the id of the reference that was not found. */
  public String refId() {
    return refId;
  }

  /** Returns the session the reference belonged to. */
  public String sessionId() {
    return sessionId;
  }
}
