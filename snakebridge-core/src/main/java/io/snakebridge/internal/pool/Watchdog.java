package io.snakebridge.internal.pool;

import io.snakebridge.EventListener.RecycleReason;
import io.snakebridge.PythonInfo;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A pool's housekeeping thread: enforces call deadlines and cancel grace periods, start-up
 * timeouts, heartbeats, recycling and the start back-off. It scans every {@link
 * #WATCH_INTERVAL_NANOS} while a call is in flight; with no call in flight for a second it parks
 * until the next heartbeat or recycling check is due, or until a call wakes it.
 *
 * <p>Thread-safe. {@link #wakeIfIdle()} is on the call path and costs one volatile read unless the
 * thread is parked.
 */
final class Watchdog implements Runnable {
  /*
   * Waking without a lost update: before parking with no call in flight, the thread publishes
   * `idle = true` and runs the step once more. A caller arms its deadline (a volatile write of its
   * lease into a slot) and then reads `idle`. Volatile accesses are totally ordered, so either the
   * second step sees the lease or the caller sees `idle` and unparks the thread (a permit is
   * never lost).
   *
   * Each step reads the workers' volatile fields without the pool lock; every action confirms
   * under the lock what it saw (a lease still in its slot, a worker still ready) before it acts.
   */

  /** How often the watchdog scans while a call is in flight. */
  public static final long WATCH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * Empty scans before parking: a second. Calls that follow each other closely then never pay for
   * waking the watchdog, only the first call after a quiet second does.
   */
  static final int QUIET_SCANS_BEFORE_PARKING = 100;

  /** The longest park: a bound, so a lost wake-up could never cost more. */
  static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(60);

  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final String name;
  private final WorkerPool pool;
  private final Ticker ticker;
  private volatile @Nullable Thread thread;
  private volatile boolean idle;
  private volatile boolean stopped;

  Watchdog(String name, WorkerPool pool, Ticker ticker) {
    this.name = name;
    this.pool = pool;
    this.ticker = ticker;
  }

  /** Starts the thread (a daemon). */
  void start() {
    Thread started = new Thread(this, name);
    started.setDaemon(true);
    thread = started;
    started.start();
  }

  /** Wakes the thread if it is parked with no call to watch. */
  void wakeIfIdle() {
    if (idle) {
      Thread parked = thread;
      if (parked != null) {
        LockSupport.unpark(parked);
      }
    }
  }

  /** Ends the thread. */
  void stop() {
    stopped = true;
    Thread running = thread;
    if (running != null) {
      LockSupport.unpark(running);
    }
  }

  /**
   * One housekeeping step at {@code now}.
   *
   * @return nanoseconds until the next step is due: {@link #WATCH_INTERVAL_NANOS} while a call or a
   *     start is watched, else until the next heartbeat, recycling or start is due
   */
  long housekeep(long now) {
    boolean watching = false;
    long next = now + MAX_PARK_NANOS;
    for (PooledWorker worker : pool.state.workers) {
      if (worker.startArmed) {
        watching = true;
        if (now - worker.startDeadline >= 0) {
          pool.upkeep.expireStart(worker, now);
        }
      }
      watching |= watchCalls(worker, now);
      if (worker.state == PooledWorker.State.READY && worker.killReason() == null) {
        next = earliest(next, checkWorker(worker, now));
      }
    }
    next = earliest(next, pool.upkeep.startHeldBackWorkers(now));
    return watching ? WATCH_INTERVAL_NANOS : Math.max(0, next - now);
  }

  /** Cancels calls past their deadline, kills workers past a grace period; true if any call. */
  private boolean watchCalls(PooledWorker worker, long now) {
    boolean any = false;
    for (int i = 0, n = worker.calls.length(); i < n; i++) {
      CallLease lease = worker.calls.get(i);
      if (lease == null) {
        continue;
      }
      any = true;
      int state = lease.state();
      if ((state == CallLease.LEASED || state == CallLease.SENT) && now - lease.deadline >= 0) {
        pool.cancel(lease, CallLease.Cause.TIMEOUT);
      } else if (state == CallLease.CANCELLING) {
        if (lease.requestId() != 0) {
          lease.trySendCancel();
        }
        if (now - lease.graceEnd >= 0) {
          pool.upkeep.killForGrace(lease);
        }
      }
    }
    return any;
  }

  /** Liveness, heartbeat and recycling of a ready worker; returns when it is next due. */
  private long checkWorker(PooledWorker worker, long now) {
    if (!worker.process().isAlive()) {
      if (worker.inFlight == 0) {
        pool.upkeep.dropDeadIdle(worker); // a busy one's caller reports it
      }
      return now + WATCH_INTERVAL_NANOS;
    }
    long interval = pool.heartbeatIntervalNanos;
    long timeout = pool.heartbeatTimeoutNanos;
    if (worker.heartbeat.check(worker.process().connection(), now, interval, timeout)) {
      char busy = busyInCall(worker);
      if (busy == ProcessProbe.UNKNOWN) {
        pool.upkeep.killUnresponsive(worker);
        return now + WATCH_INTERVAL_NANOS;
      }
      if (worker.heartbeat.excuse(now)) {
        LOG.log(
            Level.DEBUG,
            () ->
                name
                    + ": "
                    + worker
                    + " missed a heartbeat while running a"
                    + " call (process state "
                    + busy
                    + "): busy, not hung; the call's deadline bounds it");
      }
    }
    long next = worker.heartbeat.due(interval, timeout);
    if (worker.retiring != null) {
      if (worker.inFlight == 0) {
        pool.upkeep.retireIfDone(worker);
      }
      return earliest(next, worker.retireDeadline);
    }
    if (now - worker.expiresAt >= 0) {
      pool.upkeep.retire(worker, RecycleReason.MAX_LIFETIME);
      return next;
    }
    next = earliest(next, worker.expiresAt);
    if (pool.maxMemory > 0 && ProcessMemory.available()) {
      if (now - worker.nextMemoryCheck >= 0) {
        worker.nextMemoryCheck = now + interval;
        PythonInfo info = worker.process().info();
        OptionalLong resident =
            info == null ? OptionalLong.empty() : ProcessMemory.residentBytes(info.pid());
        if (resident.isPresent() && resident.getAsLong() > pool.maxMemory) {
          LOG.log(
              Level.INFO,
              () ->
                  name
                      + ": "
                      + worker
                      + " uses "
                      + resident.getAsLong() / (1024 * 1024)
                      + " MiB, over its limit; recycling it");
          pool.upkeep.retire(worker, RecycleReason.MAX_MEMORY);
          return next;
        }
      }
      next = earliest(next, worker.nextMemoryCheck);
    }
    return next;
  }

  /**
   * Whether a worker that missed a heartbeat is busy rather than hung: it runs a call and its
   * process is not stopped. Code holding the GIL (a C loop, a long sort, pickling a large result)
   * or a finalizer blocking the thread that answers PINGs keeps a live worker silent; only the
   * call's deadline ends that. A worker with no call, a stopped one (SIGSTOP) and, where the state
   * cannot be read (no {@code /proc}), every silent worker counts as hung.
   *
   * @return the process state when busy, else {@link ProcessProbe#UNKNOWN}
   */
  private char busyInCall(PooledWorker worker) {
    boolean running = false;
    for (int i = 0, n = worker.calls.length(); i < n && !running; i++) {
      CallLease lease = worker.calls.get(i);
      int state = lease == null ? -1 : lease.state();
      running = state == CallLease.SENT || state == CallLease.CANCELLING;
    }
    PythonInfo info = worker.process().info();
    if (!running || info == null) {
      return ProcessProbe.UNKNOWN;
    }
    char state = pool.probe.state(info.pid());
    return ProcessProbe.runs(state) ? state : ProcessProbe.UNKNOWN;
  }

  private static long earliest(long a, long b) {
    return b - a < 0 ? b : a;
  }

  @Override
  public void run() {
    int quietScans = 0;
    while (!stopped) {
      long delay = runStep();
      if (delay == WATCH_INTERVAL_NANOS) {
        quietScans = 0;
        LockSupport.parkNanos(this, delay);
      } else if (quietScans < QUIET_SCANS_BEFORE_PARKING) {
        quietScans++;
        LockSupport.parkNanos(this, Math.min(delay, WATCH_INTERVAL_NANOS));
      } else {
        // Quiet: park until the next heartbeat or recycling check, or until a call wakes us.
        idle = true;
        delay = runStep();
        if (delay != WATCH_INTERVAL_NANOS && !stopped) {
          LockSupport.parkNanos(this, Math.max(delay, 1));
        }
        idle = false;
      }
    }
  }

  private long runStep() {
    try {
      return housekeep(ticker.read());
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, name + ": housekeeping failed", e);
      return WATCH_INTERVAL_NANOS;
    }
  }
}
