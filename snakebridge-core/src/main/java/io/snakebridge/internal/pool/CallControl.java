package io.snakebridge.internal.pool;

import org.jspecify.annotations.Nullable;

/**
 * The handle by which an {@code *Async} call's future cancels the call, wherever it is: not yet
 * started (it never starts), waiting for a worker (it leaves the queue and never runs), or running
 * (with {@code interrupt}: CANCEL goes to the worker, see {@link WorkerPool#cancel}).
 *
 * <p>Thread-safe: the call's thread publishes where the call is, any thread cancels; both sides
 * write before they read, so at least one of them sees the other.
 */
public final class CallControl {
  private volatile boolean cancelled;
  private volatile boolean interrupt;
  private volatile @Nullable WorkerPool waitingIn;
  private volatile WaitQueue.@Nullable Waiter waiter;
  private volatile @Nullable CallLease lease;

  /**
   * Cancels the call.
   *
   * @param interrupt whether a call already running on a worker is interrupted (else it runs to its
   *     end and its result is dropped)
   */
  public void cancel(boolean interrupt) {
    this.interrupt = interrupt;
    this.cancelled = true;
    WorkerPool pool = waitingIn;
    WaitQueue.Waiter queued = waiter;
    if (pool != null && queued != null) {
      pool.cancelWaiter(queued);
    }
    CallLease running = lease;
    if (running != null && interrupt) {
      running.worker().pool().cancel(running, CallLease.Cause.CANCELLED);
    }
  }

  /** Returns whether the call was cancelled. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** The call waits in {@code pool} (null: no longer); called under the pool lock. */
  void waiting(@Nullable WorkerPool pool, WaitQueue.@Nullable Waiter queued) {
    this.waitingIn = pool;
    this.waiter = queued;
  }

  /** The call got a worker; cancels it at once if it was cancelled with interrupt meanwhile. */
  void leased(CallLease leased) {
    this.lease = leased;
    if (cancelled && interrupt) {
      leased.worker().pool().cancel(leased, CallLease.Cause.CANCELLED);
    }
  }
}
