package io.snakebridge;

/**
 * How strictly a call that belongs to a session must run on the worker holding that session's
 * objects. Immutable and thread-safe.
 *
 * <p>A session's objects ({@link PyRef}s) live in one worker process. A call that passes one of
 * them always runs on that worker, whatever the affinity says, except that {@link
 * #STRICT_FAIL_FAST} makes it fail instead of waiting; the affinity matters for the other calls of
 * a session that holds objects, which could run elsewhere but usually want to run next to them. A
 * session that holds no objects runs its calls on any worker. If the worker is gone, a call that
 * passes its objects fails with {@link SessionLostException}; the others run anywhere.
 *
 * @since 0.1
 */
public enum Affinity {
  /** Wait for the session's worker, however long it is busy (within the call's deadline). */
  STRICT_QUEUE,
  /** Fail at once with {@link WorkerBusyException} when the session's worker is busy. */
  STRICT_FAIL_FAST,
  /**
   * Prefer the session's worker, take another one when it is busy; a call that passes the session's
   * objects still waits for their worker. References such a call creates elsewhere live on that
   * other worker (and route their own calls there).
   */
  HINT
}
