package io.snakebridge.internal.pool;

import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.EventListener.RecycleReason;
import io.snakebridge.internal.worker.WorkerProcess;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import org.jspecify.annotations.Nullable;

/**
 * A place in a pool: a worker while it starts, serves calls (up to the pool's threads per worker at
 * once), retires, or after it is gone.
 *
 * <p>Thread-safety: the fields marked "pool lock" are written under the pool's lock; a caller
 * holding a lease reads {@link #process()} freely. The watchdog scans {@link #calls}, {@code state}
 * and the volatile timing fields without the lock and confirms under it before acting. {@link
 * #liveRefs} is maintained by the session layer.
 */
public final class PooledWorker {
  enum State {
    STARTING,
    READY,
    GONE
  }

  private final String id;
  private final WorkerPool pool;

  /** Signalled (under the pool lock) when a call slot frees or the worker goes: targeted waits. */
  final Condition freed;

  /** The calls in flight, one slot per thread; scanned by the watchdog without the lock. */
  final AtomicReferenceArray<CallLease> calls;

  // Pool lock.
  volatile State state = State.STARTING;
  @Nullable WorkerProcess process;

  /** Calls in flight (leased and not yet settled). */
  int inFlight;

  /** Callers waiting for this very worker (it holds their session's objects). */
  int targetWaiters;

  /** A slot was freed while targeted callers waited: kept for them, off the idle lists. */
  boolean reserved;

  /** Whether the worker is on the idle stack or the partly-busy list. */
  boolean listed;

  /** Calls this worker finished, whatever their outcome. */
  long callsDone;

  /** Due for recycling: takes no call except those that must run here; leaves when it can. */
  volatile @Nullable RecycleReason retiring;

  /** When a retiring worker that still holds session objects is recycled anyway. */
  long retireDeadline;

  /** Why the pool stopped this worker, first reason wins; null while nobody did. */
  private final AtomicReference<ExitReason> killReason = new AtomicReference<>();

  // Timing, read by the watchdog without the lock (ticker nanoseconds).
  /** The start-up deadline is watched while the handshake runs. */
  volatile boolean startArmed;

  volatile long startDeadline;
  volatile long readyAt;

  /** When maxWorkerLifetime (with its jitter) is reached; Long.MAX_VALUE for never. */
  volatile long expiresAt = Long.MAX_VALUE;

  final Heartbeat heartbeat = new Heartbeat();
  volatile long nextMemoryCheck;

  /** Live {@code PyRef}s whose objects this worker holds (see the session layer). */
  private final AtomicInteger liveRefs = new AtomicInteger();

  PooledWorker(String id, WorkerPool pool, Condition freed, int threads) {
    this.id = id;
    this.pool = pool;
    this.freed = freed;
    this.calls = new AtomicReferenceArray<>(threads);
  }

  /** Returns the worker's id, such as {@code default-2}. */
  public String id() {
    return id;
  }

  /** Returns the pool the worker belongs to. */
  public WorkerPool pool() {
    return pool;
  }

  /** Returns the process; valid from when the worker is leased until it is released. */
  @SuppressWarnings("NullAway") // set before the worker is first leased, never cleared
  public WorkerProcess process() {
    return process;
  }

  /** Returns whether the worker left the pool for good (it died, broke the protocol, timed out). */
  public boolean isGone() {
    return state == State.GONE;
  }

  /** Returns why the pool stopped this worker, or null when it did not. */
  public @Nullable ExitReason killReason() {
    return killReason.get();
  }

  /** Records why the pool stops this worker; returns false when another reason came first. */
  boolean markKilled(ExitReason reason) {
    return killReason.compareAndSet(null, reason);
  }

  /** Counts a live reference to an object this worker holds. */
  public void refAdded() {
    liveRefs.incrementAndGet();
  }

  /**
   * Counts a reference to an object of this worker that is no longer live in Java; the last one
   * lets a worker due for recycling leave (the watchdog is woken for it).
   */
  public void refRemoved() {
    if (liveRefs.decrementAndGet() == 0 && retiring != null) {
      pool.wakeWatchdog();
    }
  }

  /** Returns how many live references point at objects this worker holds. */
  public int liveRefs() {
    return liveRefs.get();
  }

  @Override
  public String toString() {
    return "worker " + id;
  }
}
