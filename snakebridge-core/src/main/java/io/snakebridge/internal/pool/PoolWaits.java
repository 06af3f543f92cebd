package io.snakebridge.internal.pool;

import io.snakebridge.CallTimeoutException;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolOptions;
import io.snakebridge.SnakeBridgeException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * Waiting for a worker: in line for any worker of the pool, or for the one worker holding a
 * session's objects; bounded by the call's deadline, the acquire timeout and maxWaiters, ended
 * early by a start failure, the close, an interrupt or the call's cancellation.
 *
 * <p>Its methods run with the pool lock held, which a wait releases while it sleeps.
 */
final class PoolWaits {
  private final WorkerPool pool;
  private final PoolState state;
  private final PoolOptions options;
  private final Ticker ticker;
  private final WorkerStarter starter;
  private final PoolEvents events;
  private final long acquireTimeoutNanos;

  PoolWaits(
      WorkerPool pool,
      PoolState state,
      PoolOptions options,
      Ticker ticker,
      WorkerStarter starter,
      PoolEvents events) {
    this.pool = pool;
    this.state = state;
    this.options = options;
    this.ticker = ticker;
    this.starter = starter;
    this.events = events;
    this.acquireTimeoutNanos = options.acquireTimeout().map(Duration::toNanos).orElse(-1L);
  }

  PooledWorker awaitLocked(
      long deadline, Duration timeout, @Nullable CallControl control, @Nullable String call) {
    long now = ticker.read();
    WaitQueue.Waiter me = new WaitQueue.Waiter(state.lock.newCondition(), null);
    state.queue.add(me);
    int counted = state.workers.size() - state.retiring;
    state.wanted =
        Math.max(state.wanted, Math.min(state.size, counted - state.starting + state.queue.size()));
    List<PooledWorker> planned = state.planStartsLocked(now);
    RuntimeException refused = null;
    if (state.starting == 0 && state.readyLocked() == 0 && state.backoff.failing()) {
      state.queue.remove(me);
      refused =
          new PoolExhaustedException(
              StartFailure.noWorkerStarted(state.describeLocked(), state.lastStartFailure),
              state.lastStartFailure);
    } else if (state.waitingLocked() - state.starting * state.threads > options.maxWaiters()) {
      // Callers a starting worker will serve do not count: they wait for its start, not in line.
      state.queue.remove(me);
      refused = tooManyWaitersLocked();
    }
    if (refused != null) {
      state.lock.unlock();
      try {
        starter.submit(planned);
      } finally {
        state.lock.lock();
      }
      throw refused;
    }
    if (control != null) {
      control.waiting(pool, me);
    }
    long acquireEnd = acquireTimeoutNanos < 0 ? deadline : now + acquireTimeoutNanos;
    boolean served = false;
    try {
      state.lock.unlock();
      try {
        starter.submit(planned);
        if (call != null) {
          events.callQueued(call);
        }
      } finally {
        state.lock.lock();
      }
      for (; ; ) {
        if (me.assigned != null) {
          served = true;
          return me.assigned;
        }
        if (me.failure != null) {
          // Made on the start thread: a copy made here carries the caller's frames.
          throw me.failure instanceof PoolExhaustedException
              ? new PoolExhaustedException(
                  Objects.requireNonNull(me.failure.getMessage()), me.failure.getCause())
              : me.failure;
        }
        if (state.closed) {
          throw state.closedWhileWaiting();
        }
        if (me.cancelled || (control != null && control.isCancelled())) {
          throw new CancellationException("the call was cancelled while it waited for a worker");
        }
        now = ticker.read();
        if (deadline - now <= 0) {
          String why =
              state.starting > 0 && state.readyLocked() == 0
                  ? ": the pool's worker was still starting (a start may take up to its"
                      + " startupTimeout "
                      + options.startupTimeout()
                      + "; give the first call a"
                      + " longer timeout, or build the runtime with eagerStart(true))"
                  : "";
          throw new CallTimeoutException(
              "no Python worker became free within "
                  + timeout
                  + why
                  + " ("
                  + state.describeLocked()
                  + ")",
              timeout,
              null,
              state.lastStartFailure);
        }
        if (acquireEnd - now <= 0) {
          throw new PoolExhaustedException(
              "no Python worker became free within the acquire"
                  + " timeout "
                  + options.acquireTimeout().orElseThrow()
                  + " ("
                  + state.describeLocked()
                  + ")",
              state.lastStartFailure);
        }
        Objects.requireNonNull(me.signal).awaitNanos(Math.min(deadline, acquireEnd) - now);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnakeBridgeException(
          "interrupted while waiting for a Python worker (" + state.describeLocked() + ")", e);
    } finally {
      if (control != null) {
        control.waiting(null, null);
      }
      if (!served && !state.queue.remove(me) && me.assigned != null) {
        me.assigned.inFlight--; // handed over too late: pass it on
        state.offerLocked(me.assigned);
      }
    }
  }

  @Nullable PooledWorker awaitTargetLocked(
      PooledWorker target,
      long deadline,
      Duration timeout,
      String sessionId,
      @Nullable CallControl control) {
    if (state.queue.size() + state.targetWaiting >= options.maxWaiters()) {
      throw tooManyWaitersLocked();
    }
    WaitQueue.Waiter me = new WaitQueue.Waiter(null, target);
    target.targetWaiters++;
    state.targetWaiting++;
    if (control != null) {
      control.waiting(pool, me);
    }
    long acquireEnd = acquireTimeoutNanos < 0 ? deadline : ticker.read() + acquireTimeoutNanos;
    try {
      for (; ; ) {
        if (state.closed) {
          throw state.closedWhileWaiting();
        }
        if (target.state == PooledWorker.State.GONE) {
          return null;
        }
        if (me.cancelled || (control != null && control.isCancelled())) {
          throw new CancellationException(
              "the call was cancelled while it waited for Python" + " worker " + target.id());
        }
        if (target.inFlight < state.threads && target.killReason() == null) {
          target.targetWaiters--;
          state.targetWaiting--;
          me.assigned = target;
          state.takeTargetLocked(target);
          return target;
        }
        long now = ticker.read();
        if (deadline - now <= 0) {
          throw new CallTimeoutException(
              "Python worker "
                  + target.id()
                  + ", which holds the"
                  + " objects of session "
                  + sessionId
                  + ", stayed busy for "
                  + timeout
                  + " ("
                  + state.describeLocked()
                  + ")",
              timeout,
              target.id(),
              null);
        }
        if (acquireEnd - now <= 0) {
          throw new PoolExhaustedException(
              "Python worker "
                  + target.id()
                  + ", which holds the"
                  + " objects of session "
                  + sessionId
                  + ", stayed busy for the acquire timeout "
                  + options.acquireTimeout().orElseThrow()
                  + " ("
                  + state.describeLocked()
                  + ")",
              null);
        }
        target.freed.awaitNanos(Math.min(deadline, acquireEnd) - now);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnakeBridgeException(
          "interrupted while waiting for Python worker "
              + target.id()
              + " ("
              + state.describeLocked()
              + ")",
          e);
    } finally {
      if (control != null) {
        control.waiting(null, null);
      }
      if (me.assigned == null) {
        target.targetWaiters--;
        state.targetWaiting--;
        if (target.reserved) {
          if (target.targetWaiters > 0) {
            target.freed.signal(); // the slot meant for this caller goes to the next one
          } else {
            target.reserved = false;
            state.offerLocked(target);
          }
        }
      }
    }
  }

  PoolExhaustedException tooManyWaitersLocked() {
    return new PoolExhaustedException(
        "too many calls wait for a Python worker: maxWaiters is "
            + options.maxWaiters()
            + " ("
            + state.describeLocked()
            + ")",
        state.lastStartFailure);
  }

  /** Ends a queued call's wait because its future was cancelled. */
  void cancelWaiter(WaitQueue.Waiter waiter) {
    state.lock.lock();
    try {
      waiter.cancelled = true;
      if (waiter.target != null || state.queue.remove(waiter)) {
        waiter.wake();
      }
    } finally {
      state.lock.unlock();
    }
  }
}
