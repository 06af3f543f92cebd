package io.snakebridge.internal.pool;

import io.snakebridge.internal.worker.WorkerProcess;
import java.util.concurrent.locks.Condition;

/**
 * A place in the pool: a worker while it starts, waits idle, runs a call, or after it is gone.
 *
 * <p>Thread-safety: {@code state}, {@code process}, {@code targetWaiters} and {@code reserved} are
 * written under the pool lock; a caller holding the lease reads {@link #process()} freely, and
 * {@link #isGone()} reads the volatile state without the lock. {@code armed} and {@code deadline}
 * are volatile so the watchdog can scan without the lock; it confirms under the lock before it
 * acts.
 */
public final class PooledWorker {
  enum State { STARTING, IDLE, BUSY, GONE }

  private final String id;

  /** Signalled (under the pool lock) when this worker is released or gone: for targeted waits. */
  final Condition freed;

  // Written under the pool lock.
  volatile State state = State.STARTING;
  WorkerProcess process;
  /** Callers waiting for this very worker (it holds their session's objects). */
  int targetWaiters;
  /** Released while targeted callers waited: idle, but kept off the idle stack for them. */
  boolean reserved;

  /** Set, under the pool lock, when the watchdog stopped the worker because a deadline passed. */
  volatile boolean expired;

  /** Whether {@link #deadline} is being watched: during a start and during a call. */
  volatile boolean armed;
  volatile long deadline;

  PooledWorker(String id, Condition freed) {
    this.id = id;
    this.freed = freed;
  }

  /** Returns the worker's id, such as {@code default-2}. */
  public String id() {
    return id;
  }

  /** Returns the process; valid from when the worker is leased until it is released. */
  public WorkerProcess process() {
    return process;
  }

  /** Returns whether the worker left the pool for good (it died, broke the protocol, timed out). */
  public boolean isGone() {
    return state == State.GONE;
  }

  /** Returns whether the watchdog stopped this worker because its deadline passed. */
  public boolean expired() {
    return expired;
  }

  @Override
  public String toString() {
    return "worker " + id;
  }
}
