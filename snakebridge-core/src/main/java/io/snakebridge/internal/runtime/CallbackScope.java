package io.snakebridge.internal.runtime;

import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.session.SessionState;
import org.jspecify.annotations.Nullable;

/**
 * What a thread running a Java callback is inside of: the runtime and the worker that called back,
 * and the session of the call that invoked the callback. Calls the callback makes on its own thread
 * go to that worker, which is waiting for the callback (WIRE-PROTOCOL.md §5.4), never to the pool,
 * where they would wait for it forever.
 *
 * <p>Thread-safe: each thread sees only its own scope.
 *
 * @param runtime the runtime whose worker called back
 * @param worker the worker waiting for the callback
 * @param session the session the callback belongs to
 * @param previous the scope this one replaced on the thread (callbacks nest), or null
 */
record CallbackScope(
    RealRuntime runtime, PooledWorker worker, SessionState session, CallbackScope previous) {
  private static final ThreadLocal<CallbackScope> CURRENT = new ThreadLocal<>();

  /** Returns the scope of the callback this thread runs for {@code runtime}, or null. */
  static @Nullable CallbackScope current(RealRuntime runtime) {
    CallbackScope scope = CURRENT.get();
    return scope != null && scope.runtime == runtime ? scope : null;
  }

  /** Makes this thread run a callback of {@code worker}; {@link #exit()} undoes it. */
  static CallbackScope enter(RealRuntime runtime, PooledWorker worker, SessionState session) {
    CallbackScope scope = new CallbackScope(runtime, worker, session, CURRENT.get());
    CURRENT.set(scope);
    return scope;
  }

  /** Restores the thread's previous scope. */
  void exit() {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }
}
