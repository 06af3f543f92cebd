package io.snakebridge.internal.runtime;

import io.snakebridge.internal.pool.PooledWorker;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The Java callbacks running now, each with the worker and the call it runs for. When that call
 * ends (its reply, its deadline, a cancel, its worker's death) nobody waits for the callback's
 * answer any more, so the callbacks still running for it are interrupted: one blocked for ever
 * would otherwise keep its thread for ever. A callback that ignores interrupts keeps its thread
 * until it returns.
 *
 * <p>Thread-safe. The call path pays one {@code isEmpty} check when no callback runs.
 */
final class RunningCallbacks {
  /*
   * A call whose caller stopped waiting (a deadline, a cancel) may still call back: the worker
   * runs it until it stops. Such calls are remembered (the newest MAX_ABANDONED of them), and a
   * callback that arrives for one fails at once instead of running for nobody. Registering a
   * callback and abandoning its call each write first and read the other side after, so at least
   * one of them sees the other: the callback either never runs or is interrupted.
   */

  /** How many abandoned calls are remembered. */
  static final int MAX_ABANDONED = 1024;

  /** A callback running on {@code thread} for call {@code callId} of {@code worker}. */
  static final class Running {
    final PooledWorker worker;
    final long callId;
    final Thread thread;
    private boolean done;
    private volatile boolean callEnded;

    Running(PooledWorker worker, long callId, Thread thread) {
      this.worker = worker;
      this.callId = callId;
      this.thread = thread;
    }

    synchronized void interrupt() {
      callEnded = true;
      if (!done) {
        thread.interrupt();
      }
    }

    /** Whether the call this callback runs for has ended. */
    boolean callEnded() {
      return callEnded;
    }

    synchronized void finish() {
      done = true;
    }
  }

  private record Call(PooledWorker worker, long callId) {}

  private final Set<Running> running = ConcurrentHashMap.newKeySet();
  private final Set<Call> abandoned = ConcurrentHashMap.newKeySet();

  /** The abandoned calls in the order they were added, to forget the oldest; guarded by itself. */
  private final ArrayDeque<Call> abandonedOrder = new ArrayDeque<>();

  /**
   * Registers the calling thread as running a callback for call {@code callId} of {@code worker}.
   *
   * @return the registration for {@link #finish}, or null when that call was abandoned: the
   *     callback must not run
   */
  @Nullable Running start(PooledWorker worker, long callId) {
    Running started = new Running(worker, callId, Thread.currentThread());
    running.add(started);
    if (abandoned.contains(new Call(worker, callId))) {
      finish(started);
      return null;
    }
    return started;
  }

  /**
   * Ends a registration. An interrupt meant for the callback is cleared, so that it cannot hit the
   * next task of the thread.
   */
  void finish(Running started) {
    started.finish();
    running.remove(started);
    Thread.interrupted();
  }

  /** Call {@code callId} of {@code worker} ended: interrupts the callbacks running for it. */
  void callEnded(PooledWorker worker, long callId) {
    if (running.isEmpty()) {
      return;
    }
    for (Running callback : running) {
      if (callback.worker == worker && callback.callId == callId) {
        callback.interrupt();
      }
    }
  }

  /**
   * The caller of call {@code callId} of {@code worker} stopped waiting while the worker may still
   * run it: callbacks for it are interrupted now and refused from now on.
   */
  void callAbandoned(PooledWorker worker, long callId) {
    Call call = new Call(worker, callId);
    if (abandoned.add(call)) {
      synchronized (abandonedOrder) {
        abandonedOrder.addLast(call);
        if (abandonedOrder.size() > MAX_ABANDONED) {
          abandoned.remove(abandonedOrder.removeFirst());
        }
      }
    }
    callEnded(worker, callId);
  }

  /** Returns how many callbacks are running (for tests and diagnostics). */
  int size() {
    return running.size();
  }
}
