package io.snakebridge.internal.pool;

import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.worker.WorkerProcess;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Starts a pool's workers in the background: spawn, publish to the pool (which arms the start-up
 * deadline), handshake, report. Runs on a few daemon threads, {@code
 * snakebridge-<runtime>-start-<n>} ({@code snakebridge-<runtime>-<pool>-start-<n>} for a named
 * pool), which end after a few idle seconds, so no caller ever waits on a process start itself.
 *
 * <p>Thread-safe.
 */
final class WorkerStarter {
  private static final long KEEP_ALIVE_SECONDS = 5;

  private final WorkerPool pool;
  private final WorkerSpawner spawner;
  private final Duration startupTimeout;
  private final PoolEvents events;
  private final ThreadPoolExecutor executor;
  private volatile @Nullable PythonInfo lastInfo;

  /**
   * Creates the starter.
   *
   * @param threads how many workers may start at the same time
   */
  WorkerStarter(
      WorkerPool pool,
      String prefix,
      int threads,
      WorkerSpawner spawner,
      Duration startupTimeout,
      PoolEvents events) {
    this.pool = pool;
    this.spawner = spawner;
    this.startupTimeout = startupTimeout;
    this.events = events;
    AtomicInteger count = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread =
                  new Thread(task, "snakebridge-" + prefix + "-start-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** Starts each planned worker on a start thread; call without the pool lock. */
  void submit(List<PooledWorker> planned) {
    if (planned.isEmpty()) {
      return;
    }
    for (PooledWorker worker : planned) {
      try {
        executor.execute(() -> start(worker));
      } catch (RejectedExecutionException closed) {
        pool.upkeep.finishStart(worker, null, null, null);
      }
    }
  }

  /** Returns what the most recent handshake reported, or null before any worker started. */
  @Nullable PythonInfo lastInfo() {
    return lastInfo;
  }

  /** Accepts no new starts; queued ones still run and fail quietly against the closed pool. */
  void shutdown() {
    executor.shutdown();
  }

  /** Waits at most {@code timeoutNanos} for running starts to end. */
  void awaitTermination(long timeoutNanos) {
    try {
      executor.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void start(PooledWorker worker) {
    WorkerProcess process = null;
    Throwable failure = null;
    try {
      process = spawner.spawn(worker.id());
      if (pool.upkeep.publish(worker, process)) {
        events.workerStarted(worker.id());
        PythonInfo info = process.handshake();
        spawner.handshakeSucceeded(info);
        lastInfo = info;
      }
    } catch (Exception | Error e) {
      failure = e;
    }
    SnakeBridgeException report = null;
    try {
      if ((failure != null || worker.killReason() != null) && !pool.isClosed()) {
        report = StartFailure.describe(worker, process, failure, startupTimeout);
      }
    } catch (RuntimeException | Error describing) {
      report =
          new SnakeBridgeException(
              "Python worker " + worker.id() + " failed to start: " + failure, describing);
    } finally {
      pool.upkeep.finishStart(worker, process, failure, report); // always: a start is never lost
    }
  }
}
