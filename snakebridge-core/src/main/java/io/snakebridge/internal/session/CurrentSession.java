package io.snakebridge.internal.session;

import io.snakebridge.SessionContext;

/**
 * The explicit session context of each thread ({@link SessionContext#withSession}), readable by the
 * runtimes without allocating: {@link SessionContext#current()} wraps this in an {@code Optional}.
 *
 * <p>Thread-safe: each thread sees only its own context.
 */
public final class CurrentSession {
  private static final ThreadLocal<SessionContext> CURRENT = new ThreadLocal<>();

  private CurrentSession() {}

  /** Returns this thread's innermost session context, or null outside any. */
  public static SessionContext get() {
    return CURRENT.get();
  }

  /** Makes {@code context} this thread's context; null clears it. */
  public static void set(SessionContext context) {
    if (context == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(context);
    }
  }
}
