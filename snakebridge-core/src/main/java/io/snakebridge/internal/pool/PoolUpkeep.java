package io.snakebridge.internal.pool;

import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.EventListener.RecycleReason;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolOptions;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.worker.ExitReport;
import io.snakebridge.internal.worker.WorkerProcess;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The pool's background side: recording workers' starts (for the start threads) and acting on what
 * the watchdog finds (a late handshake, a cancelled call that did not stop, a worker that stopped
 * answering or died idle, one due for recycling, starts the back-off held back). Each action
 * confirms under the pool lock what the watchdog saw without it, then stops processes, logs and
 * reports events after releasing it.
 *
 * <p>Thread-safe.
 */
final class PoolUpkeep {
  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final AtomicReference<String> lastLoggedFailure = new AtomicReference<>();
  private final WorkerPool pool;
  private final PoolState state;
  private final PoolOptions options;
  private final Ticker ticker;
  private final PoolEvents events;
  private final BiConsumer<PooledWorker, WorkerProcess> onReady;
  private final long startupTimeoutNanos;
  private final long lifetimeNanos;

  PoolUpkeep(
      WorkerPool pool,
      PoolState state,
      PoolOptions options,
      Ticker ticker,
      PoolEvents events,
      BiConsumer<PooledWorker, WorkerProcess> onReady) {
    this.pool = pool;
    this.state = state;
    this.options = options;
    this.ticker = ticker;
    this.events = events;
    this.onReady = onReady;
    this.startupTimeoutNanos = options.startupTimeout().toNanos();
    this.lifetimeNanos = options.maxWorkerLifetime().map(Duration::toNanos).orElse(-1L);
  }

  /** Makes a started process visible to close() and arms the start-up deadline. */
  boolean publish(PooledWorker worker, WorkerProcess process) {
    state.lock.lock();
    try {
      if (state.closed) {
        return false;
      }
      worker.process = process;
      worker.startDeadline = ticker.read() + startupTimeoutNanos;
      worker.startArmed = true;
    } finally {
      state.lock.unlock();
    }
    pool.wakeWatchdog();
    return true;
  }

  /** Records the end of a start: the worker joins the pool, or the failure is reported. */
  void finishStart(
      PooledWorker worker,
      @Nullable WorkerProcess process,
      @Nullable Throwable failure,
      @Nullable SnakeBridgeException report) {
    boolean ready = false;
    if (failure == null && process != null) {
      onReady.accept(worker, process);
      process.connection().readDetachedWith(pool::execute);
      process.connection().onInterrupt(id -> pool.interrupted(worker, id));
    }
    Effects effects = null;
    state.lock.lock();
    try {
      state.starting--;
      worker.startArmed = false;
      long now = ticker.read();
      if (failure == null
          && process != null
          && worker.killReason() == null
          && !state.closed
          && worker.process == process) {
        worker.state = PooledWorker.State.READY;
        worker.readyAt = now;
        worker.heartbeat.start(ticker, now);
        worker.nextMemoryCheck = now;
        if (lifetimeNanos > 0) {
          double jitter = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
          worker.expiresAt = now + (long) (lifetimeNanos * jitter);
        }
        state.backoff.succeeded();
        state.lastStartFailure = null;
        ready = true;
        effects = Effects.start(null, state.planStartsLocked(now));
        effects = state.slotFreedLocked(worker, effects);
      } else {
        worker.state = PooledWorker.State.GONE;
        state.workers.remove(worker);
        if (report != null && !state.closed) {
          state.lastStartFailure = report;
          state.backoff.failed(now);
          state.counters.crashes.increment();
          effects = Effects.exited(null, worker, ExitReason.START_FAILED);
          effects = Effects.start(effects, state.planStartsLocked(now));
          if (state.starting == 0 && state.readyLocked() == 0) {
            state.queue.failAll(
                new PoolExhaustedException(
                    StartFailure.noWorkerStarted(state.describeLocked(), report), report));
          }
        }
      }
    } finally {
      state.lock.unlock();
    }
    if (!ready && process != null) {
      process.kill();
    }
    if (report != null) {
      // The same failure again (every worker of a pool missing its interpreter, each back-off
      // retry) is logged once at WARNING; the repeats only at DEBUG.
      // getMessage() may be null by contract: never skip the effects below for it.
      String message = String.valueOf(report.getMessage());
      String previous = lastLoggedFailure.getAndSet(message);
      LOG.log(message.equals(previous) ? Level.DEBUG : Level.WARNING, state.label + ": " + message);
    } else if (ready && process != null) { // ready: process is set
      LOG.log(Level.DEBUG, () -> state.label + ": started " + process);
      events.workerReady(worker.id(), Objects.requireNonNull(process.info()));
    }
    pool.wakeWatchdog();
    pool.run(effects);
  }

  void expireStart(PooledWorker worker, long now) {
    WorkerProcess victim = null;
    state.lock.lock();
    try {
      if (worker.startArmed
          && now - worker.startDeadline >= 0
          && worker.process != null
          && worker.state == PooledWorker.State.STARTING) {
        worker.startArmed = false;
        worker.markKilled(ExitReason.TIMED_OUT);
        victim = worker.process;
      }
    } finally {
      state.lock.unlock();
    }
    if (victim != null) {
      LOG.log(Level.DEBUG, () -> state.label + ": " + worker + " passed its start-up timeout");
      victim.kill();
    }
  }

  /** Kills the worker of a cancelled call that did not stop within the grace period. */
  void killForGrace(CallLease lease) {
    PooledWorker worker = lease.worker();
    WorkerProcess victim = null;
    state.lock.lock();
    try {
      if (worker.calls.get(lease.slot) == lease
          && worker.state == PooledWorker.State.READY
          && worker.markKilled(ExitReason.TIMED_OUT)) {
        victim = worker.process;
      }
    } finally {
      state.lock.unlock();
    }
    if (victim != null) {
      LOG.log(
          Level.DEBUG,
          () ->
              state.label
                  + ": "
                  + lease
                  + " did not stop within "
                  + options.cancelGrace()
                  + " after it was cancelled; killing "
                  + worker);
      victim.kill();
    }
  }

  /** Kills a worker that stopped answering heartbeats; its callers see it end. */
  void killUnresponsive(PooledWorker worker) {
    WorkerProcess victim = null;
    Effects effects = null;
    state.lock.lock();
    try {
      if (worker.state == PooledWorker.State.READY && worker.markKilled(ExitReason.UNRESPONSIVE)) {
        victim = worker.process;
        if (worker.inFlight == 0) {
          effects = state.removeLocked(worker, ExitReason.UNRESPONSIVE, null);
        }
      }
    } finally {
      state.lock.unlock();
    }
    if (victim != null) {
      LOG.log(
          Level.WARNING,
          state.label
              + ": Python worker "
              + worker.id()
              + " did not answer a"
              + " heartbeat within "
              + options.heartbeatTimeout()
              + "; killing and replacing it");
      victim.kill();
    }
    pool.run(effects);
  }

  /** Removes an idle worker whose process died; the next call never sees it. */
  void dropDeadIdle(PooledWorker worker) {
    Effects effects = null;
    state.lock.lock();
    try {
      if (worker.state == PooledWorker.State.READY
          && worker.inFlight == 0
          && worker.process != null
          && !worker.process.isAlive()) {
        effects =
            state.removeLocked(
                worker,
                worker.killReason() != null ? worker.killReason() : ExitReason.CRASHED,
                null);
      }
    } finally {
      state.lock.unlock();
    }
    if (effects != null) {
      WorkerProcess process = Objects.requireNonNull(worker.process); // it was READY
      pool.execute(
          () -> {
            ExitReport report = ExitReport.collect(process, 0, TimeUnit.MILLISECONDS.toNanos(500));
            LOG.log(
                Level.WARNING,
                report.withTail(
                    state.label
                        + ": Python worker "
                        + worker.id()
                        + " died while idle: "
                        + report.status()));
          });
      pool.run(effects);
    }
  }

  /** Marks a worker due for recycling (its lifetime or memory limit). */
  void retire(PooledWorker worker, RecycleReason reason) {
    Effects effects;
    state.lock.lock();
    try {
      effects = state.retireLocked(worker, reason, null);
    } finally {
      state.lock.unlock();
    }
    if (effects != null) {
      LOG.log(Level.DEBUG, () -> state.label + ": recycling " + worker + " (" + reason + ")");
    }
    pool.run(effects);
  }

  /** Removes a retiring worker once it is idle and holds no live objects (or its time is up). */
  void retireIfDone(PooledWorker worker) {
    Effects effects = null;
    state.lock.lock();
    try {
      if (worker.retiring != null && worker.inFlight == 0) {
        effects = state.slotFreedLocked(worker, null);
      }
    } finally {
      state.lock.unlock();
    }
    pool.run(effects);
  }

  /** Starts the workers a back-off held back, once it has passed; returns when to look again. */
  long startHeldBackWorkers(long now) {
    long due = state.startsDue;
    if (due == Long.MAX_VALUE || now - due < 0) {
      return due;
    }
    Effects effects;
    state.lock.lock();
    try {
      effects = Effects.start(null, state.planStartsLocked(now));
    } finally {
      state.lock.unlock();
    }
    pool.run(effects);
    return state.startsDue;
  }
}
