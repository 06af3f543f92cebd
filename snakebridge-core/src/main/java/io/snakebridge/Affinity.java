package io.snakebridge;

/**
 * How strictly a call that belongs to a session must run on the worker holding that session's
 * objects. Immutable and thread-safe.
 *
 * <p>This version has no sessions yet: the value is carried in {@link CallOptions} so code written
 * now keeps its meaning when sessions arrive, and has no effect on where a call runs.
 *
 * @since 0.1
 */
public enum Affinity {
  /** Wait for the session's worker, however long it is busy (within the call's deadline). */
  STRICT_QUEUE,
  /** Fail at once when the session's worker is busy. */
  STRICT_FAIL_FAST,
  /** Prefer the session's worker, take another one when it is busy. */
  HINT
}
