package io.snakebridge.internal.pool;

import io.snakebridge.internal.worker.WorkerProcess;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The bounded end of a pool's processes: idle workers get SHUTDOWN and end of file, workers still
 * in their handshake are killed, running calls get a grace period to finish; then whatever is left
 * gets SIGTERM and, shortly after, SIGKILL.
 *
 * <p>Thread-safety: {@link #add} is called under the pool lock by the closing thread, {@link #run}
 * once by that thread after releasing it; {@link #awaitDone} from any thread.
 */
final class PoolShutdown {
  /** After SIGTERM, how long a worker gets before SIGKILL. */
  static final long TERMINATE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** After SIGKILL, how long to wait for the OS to report the exit. */
  static final long KILL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** How long close() waits for a worker's next stderr line to be logged before giving up. */
  static final long DRAIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final String label;
  private final List<WorkerProcess> all = new ArrayList<>();
  private final List<WorkerProcess> idle = new ArrayList<>();
  private final List<WorkerProcess> starting = new ArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);

  PoolShutdown(String label) {
    this.label = label;
  }

  /** Adds a process to stop, with its worker's state at close. */
  void add(WorkerProcess process, boolean startingNow, boolean idleNow) {
    all.add(process);
    if (idleNow) {
      idle.add(process);
    } else if (startingNow) {
      starting.add(process);
    }
  }

  /**
   * Stops everything, waiting at most {@code graceNanos} before escalating to signals, then runs
   * {@code andThen} and marks the shutdown done.
   */
  void run(long graceNanos, Runnable andThen) {
    try {
      idle.forEach(WorkerProcess::shutdown);
      starting.forEach(WorkerProcess::kill);
      escalate(waitAll(all, graceNanos));
      drain(all);
      andThen.run();
    } finally {
      done.countDown();
    }
  }

  /** Waits until {@link #run} has finished; keeps but ignores interrupts. */
  void awaitDone() {
    boolean interrupted = false;
    while (done.getCount() > 0) {
      try {
        done.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void escalate(List<WorkerProcess> alive) {
    if (alive.isEmpty()) {
      return;
    }
    LOG.log(
        Level.INFO,
        () ->
            label
                + ": "
                + alive.size()
                + " worker(s) still running at close after the grace period; terminating them");
    alive.forEach(WorkerProcess::terminate);
    List<WorkerProcess> stubborn = waitAll(alive, TERMINATE_WAIT_NANOS);
    stubborn.forEach(WorkerProcess::kill);
    List<WorkerProcess> left = waitAll(stubborn, KILL_WAIT_NANOS);
    if (!left.isEmpty()) {
      LOG.log(Level.WARNING, label + ": " + left + " did not exit after SIGKILL within 2 s");
    }
  }

  /**
   * Waits until each ended worker's stderr forwarder has logged the last lines the worker printed,
   * so that close() returns with all of them delivered. The wait is bounded while a forwarder makes
   * no progress: a pipe a worker's own child process still holds open ends it.
   */
  private static void drain(List<WorkerProcess> processes) {
    for (WorkerProcess process : processes) {
      long seen = -1;
      while (!process.awaitStderrDrained(DRAIN_WAIT_NANOS)) {
        long now = process.stderrLines();
        if (now == seen) {
          break;
        }
        seen = now;
      }
    }
  }

  private static List<WorkerProcess> waitAll(List<WorkerProcess> processes, long timeoutNanos) {
    long end = System.nanoTime() + timeoutNanos;
    List<WorkerProcess> alive = new ArrayList<>();
    for (WorkerProcess process : processes) {
      if (!process.awaitExit(end - System.nanoTime())) {
        alive.add(process);
      }
    }
    return alive;
  }
}
