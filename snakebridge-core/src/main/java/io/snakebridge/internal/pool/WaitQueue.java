package io.snakebridge.internal.pool;

import io.snakebridge.SnakeBridgeException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import org.jspecify.annotations.Nullable;

/**
 * The callers waiting for any worker of a pool, first come first served. A worker that frees a call
 * slot is handed to the head waiter directly (its slot taken on the waiter's behalf), so a caller
 * arriving at that moment cannot take it first; a waiter that gives up after being handed a worker
 * passes it on.
 *
 * <p>Not thread-safe: guarded by the pool lock, whose conditions the waiters wait on.
 */
final class WaitQueue {
  /** One waiting call. */
  static final class Waiter {
    final @Nullable Condition signal;

    /** For a targeted wait: the worker waited for (waits on its `freed`, not in the queue). */
    final @Nullable PooledWorker target;

    /** The worker handed over, its slot already taken for this waiter. */
    @Nullable PooledWorker assigned;

    /** Why the wait must end without a worker (a start failure, the close). */
    @Nullable SnakeBridgeException failure;

    /** Set when the call was cancelled while it waited. */
    boolean cancelled;

    Waiter(@Nullable Condition signal, @Nullable PooledWorker target) {
      this.signal = signal;
      this.target = target;
    }

    void wake() {
      if (target != null) {
        target.freed.signalAll();
      } else {
        Objects.requireNonNull(signal).signal(); // untargeted: made with a condition
      }
    }
  }

  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  void add(Waiter waiter) {
    waiters.addLast(waiter);
  }

  /** Removes a waiter that gives up; false when it was handed a worker or failed already. */
  boolean remove(Waiter waiter) {
    return waiters.remove(waiter);
  }

  /** Returns and removes the head waiter, or null. */
  Waiter poll() {
    return waiters.pollFirst();
  }

  boolean isEmpty() {
    return waiters.isEmpty();
  }

  int size() {
    return waiters.size();
  }

  /** Ends every wait with {@code failure}. */
  void failAll(SnakeBridgeException failure) {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      it.remove();
      waiter.failure = failure;
      Objects.requireNonNull(waiter.signal).signal(); // queued waiters are untargeted
    }
  }
}
