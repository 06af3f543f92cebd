package io.snakebridge.internal.pool;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ObjLongConsumer;

/**
 * The thread that enforces a pool's deadlines: a housekeeping step every {@link
 * #WATCH_INTERVAL_NANOS} while a start or a call has an armed deadline, parked once nothing has
 * been armed for a second.
 *
 * <p>Thread-safe. {@link #wakeIfIdle()} is on the call path and costs one volatile read unless the
 * thread is parked with nothing to watch.
 */
final class Watchdog implements Runnable {
  /*
   * Waking without a lost update: before parking with nothing to watch, the thread publishes
   * `idle = true` and runs the step once more. A caller arms its deadline (a volatile write) and
   * then reads `idle`. Volatile accesses are totally ordered, so either the second step sees the
   * armed deadline or the caller sees `idle` and unparks the thread (a permit is never lost).
   */

  /** How often the watchdog scans while a deadline is watched. */
  public static final long WATCH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * Empty scans before parking for good: a second. Calls that follow each other closely then never
   * pay for waking the watchdog, only the first call after a quiet second does.
   */
  static final int QUIET_SCANS_BEFORE_PARKING = 100;

  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final String name;
  private final List<PooledWorker> workers;
  private final ObjLongConsumer<PooledWorker> expire;
  private final Ticker ticker;
  private volatile Thread thread;
  private volatile boolean idle;
  private volatile boolean stopped;

  /**
   * Creates a watchdog.
   *
   * @param name the thread's name
   * @param workers the pool's workers, scanned without a lock
   * @param expire stops a worker whose deadline passed, after checking under the pool lock
   */
  Watchdog(
      String name, List<PooledWorker> workers, ObjLongConsumer<PooledWorker> expire,
      Ticker ticker) {
    this.name = name;
    this.workers = workers;
    this.expire = expire;
    this.ticker = ticker;
  }

  /** Starts the thread (a daemon). */
  void start() {
    Thread started = new Thread(this, name);
    started.setDaemon(true);
    thread = started;
    started.start();
  }

  /** Wakes the thread if it is parked with nothing to watch. */
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
   * One housekeeping step: expires every worker whose armed deadline is at or before {@code now}.
   *
   * @return nanoseconds until the next step is due, or -1 when no deadline is watched
   */
  long housekeep(long now) {
    boolean watching = false;
    for (PooledWorker worker : workers) {
      if (worker.armed) {
        watching = true;
        if (now - worker.deadline >= 0) {
          expire.accept(worker, now);
        }
      }
    }
    return watching ? WATCH_INTERVAL_NANOS : -1;
  }

  @Override
  public void run() {
    int quietScans = 0;
    while (!stopped) {
      long delay = runStep();
      if (delay >= 0) {
        quietScans = 0;
        LockSupport.parkNanos(this, delay);
      } else if (++quietScans < QUIET_SCANS_BEFORE_PARKING) {
        LockSupport.parkNanos(this, WATCH_INTERVAL_NANOS);
      } else {
        idle = true;
        if (runStep() < 0) {
          LockSupport.park(this);
        }
        idle = false;
        quietScans = 0;
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
