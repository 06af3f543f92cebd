package io.snakebridge.internal.pool;

import io.snakebridge.internal.worker.WorkerProcess;

/**
 * A place in the pool: a worker while it starts, waits idle, runs a call, or after it is gone.
 *
 * <p>Thread-safety: {@code state} and {@code process} are guarded by the pool lock; a caller
 * holding the lease reads {@link #process()} freely. {@code armed} and {@code deadline} are volatile so the
 * watchdog can scan without the lock; it confirms under the lock before it acts.
 */
public final class PooledWorker {
  enum State { STARTING, IDLE, BUSY, GONE }

  private final String id;

  // Guarded by the pool lock.
  State state = State.STARTING;
  WorkerProcess process;

  /** Set, under the pool lock, when the watchdog stopped the worker because a deadline passed. */
  volatile boolean expired;

  /** Whether {@link #deadline} is being watched: during a start and during a call. */
  volatile boolean armed;
  volatile long deadline;

  PooledWorker(String id) {
    this.id = id;
  }

  /** Returns the worker's id, such as {@code default-2}. */
  public String id() {
    return id;
  }

  /** Returns the process; valid from when the worker is leased until it is released. */
  public WorkerProcess process() {
    return process;
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
