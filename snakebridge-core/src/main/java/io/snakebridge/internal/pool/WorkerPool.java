package io.snakebridge.internal.pool;

import io.snakebridge.Affinity;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.WorkerBusyException;
import io.snakebridge.internal.worker.WorkerProcess;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * A fixed-size pool of Python workers: leases one worker per call, starts workers in the
 * background when callers wait, replaces workers that died or passed a deadline, and stops a
 * worker whose call passed its deadline (see CONCURRENCY.md).
 *
 * <p>Thread-safe. Workers start on demand, one per waiting caller up to the pool's size, or all at
 * once with {@link #startAll()}. Idle workers are kept on a stack, so a lightly loaded pool keeps
 * using the same warm worker.
 */
public final class WorkerPool {
  /*
   * Everything under `lock` is a few field updates. Process starts and stops, pipe I/O, waits and
   * logging happen after it is released, and so does handing starts to `starter` (which may
   * create a thread). A start failure bumps `startFailures` and wakes every waiter; a waiter that
   * sees the counter change fails with PoolExhaustedException. Nothing retries on its own, so a
   * broken interpreter never causes a spawn loop; the next call starts a worker again.
   *
   * Targeted leases (a session's calls must run where its objects live) wait on the worker's own
   * `freed` condition, never on `workerAvailable`, so a release wakes exactly the callers that can
   * use the worker. A worker released while targeted callers wait is `reserved` for them: idle,
   * but not on the idle stack, so a caller that could use any worker cannot take it first. The
   * last targeted caller to give up puts a still reserved worker back on the stack.
   */

  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final String name;
  private final int size;
  private final Ticker ticker;
  private final long startupTimeoutNanos;
  private final WorkerStarter starter;
  private final Watchdog watchdog;
  private final PoolShutdown shutdown;
  private final BiConsumer<PooledWorker, WorkerProcess> onReady;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition workerAvailable = lock.newCondition();
  /** Every worker not gone; changed under the lock, scanned by the watchdog without it. */
  private final CopyOnWriteArrayList<PooledWorker> workers = new CopyOnWriteArrayList<>();
  private final ArrayDeque<PooledWorker> idle = new ArrayDeque<>();
  private int starting;
  private int busy;
  private int waiting;
  private int lastNumber;
  private long startFailures;
  private SnakeBridgeException lastStartFailure;
  private volatile boolean closed; // written under the lock, read without it by failed callers

  /**
   * Creates a pool; no worker starts until one is needed or {@link #startAll()}.
   *
   * @param name the runtime's name: prefix of worker ids and thread names
   * @param size the most workers alive at once
   */
  public WorkerPool(
      String name, int size, WorkerSpawner spawner, Ticker ticker, Duration startupTimeout) {
    this(name, size, spawner, ticker, startupTimeout, (worker, process) -> {});
  }

  /**
   * Creates a pool that tells {@code onReady} about each worker whose handshake completed, before
   * any call can lease it (on the start thread; it must only set fields).
   */
  public WorkerPool(
      String name, int size, WorkerSpawner spawner, Ticker ticker, Duration startupTimeout,
      BiConsumer<PooledWorker, WorkerProcess> onReady) {
    this.onReady = onReady;
    this.name = name;
    this.size = size;
    this.ticker = ticker;
    this.startupTimeoutNanos = startupTimeout.toNanos();
    int startThreads = Math.min(size, Math.max(2, Runtime.getRuntime().availableProcessors()));
    this.starter = new WorkerStarter(this, name, startThreads, spawner, startupTimeout);
    this.shutdown = new PoolShutdown(name);
    this.watchdog =
        new Watchdog("snakebridge-" + name + "-watchdog", workers, this::expire, ticker);
  }

  /** Starts the watchdog thread that enforces deadlines; without it only housekeep() does. */
  public void startWatchdog() {
    watchdog.start();
  }

  /** Starts workers until the pool is full. */
  public void startAll() {
    List<PooledWorker> planned;
    lock.lock();
    try {
      checkOpen();
      planned = plan(size - workers.size());
    } finally {
      lock.unlock();
    }
    submit(planned);
  }

  /**
   * Leases an idle worker for one call, waiting until {@code deadline} if none is idle. The
   * deadline stays armed on the worker: if it passes before {@link #release} or {@link #discard},
   * the watchdog stops the worker.
   *
   * @param deadline in {@link Ticker} nanoseconds
   * @param timeout the call's timeout, for messages
   * @throws CallTimeoutException when the deadline passes first
   * @throws PoolExhaustedException when starting a worker failed while waiting
   * @throws IllegalStateException when the pool is closed
   */
  public PooledWorker lease(long deadline, Duration timeout) {
    PooledWorker leased;
    lock.lock();
    try {
      checkOpen();
      leased = idle.pollFirst();
      if (leased == null) {
        leased = await(deadline, timeout);
      }
      markBusyLocked(leased, deadline);
    } finally {
      lock.unlock();
    }
    watchdog.wakeIfIdle();
    return leased;
  }

  /** Arms {@code worker}'s deadline for the watchdog and counts it busy; lock held. */
  private void markBusyLocked(PooledWorker worker, long deadline) {
    worker.state = PooledWorker.State.BUSY;
    busy++;
    worker.deadline = deadline;
    worker.armed = true;
  }

  /**
   * Leases {@code target}, the worker holding a session's objects, as {@code affinity} says:
   * {@link Affinity#STRICT_QUEUE} waits for it until {@code deadline}; {@link
   * Affinity#STRICT_FAIL_FAST} fails at once when it is busy; {@link Affinity#HINT} takes any
   * worker when it is busy.
   *
   * @param sessionId the session, for messages
   * @return the leased worker, or null when {@code target} is gone
   * @throws WorkerBusyException with {@code STRICT_FAIL_FAST} when the worker is busy
   * @throws CallTimeoutException when the deadline passes first
   * @throws IllegalStateException when the pool is closed
   */
  public PooledWorker leaseTarget(
      PooledWorker target, Affinity affinity, long deadline, Duration timeout, String sessionId) {
    PooledWorker leased;
    lock.lock();
    try {
      checkOpen();
      if (target.state == PooledWorker.State.GONE) {
        return null;
      }
      if (takeIfIdle(target)) {
        leased = target;
      } else if (affinity == Affinity.STRICT_FAIL_FAST) {
        throw new WorkerBusyException("Python worker " + target.id() + ", which holds the objects"
            + " of session " + sessionId + ", is running another call (affinity "
            + affinity + "; " + describeLocked() + ")", sessionId, target.id());
      } else if (affinity == Affinity.HINT) {
        leased = idle.pollFirst();
        if (leased == null) {
          leased = await(deadline, timeout);
        }
      } else {
        leased = awaitTarget(target, deadline, timeout, sessionId);
        if (leased == null) {
          return null;
        }
      }
      markBusyLocked(leased, deadline);
    } finally {
      lock.unlock();
    }
    watchdog.wakeIfIdle();
    return leased;
  }

  /** Takes {@code worker} if it is idle (reserved or on the stack); call with the lock held. */
  private boolean takeIfIdle(PooledWorker worker) {
    if (worker.state != PooledWorker.State.IDLE) {
      return false;
    }
    if (worker.reserved) {
      worker.reserved = false;
    } else {
      idle.remove(worker);
    }
    return true;
  }

  private PooledWorker awaitTarget(
      PooledWorker target, long deadline, Duration timeout, String sessionId) {
    target.targetWaiters++;
    boolean served = false;
    try {
      for (;;) {
        if (closed) {
          throw new SnakeBridgeException(
              "runtime '" + name + "' was closed while the call waited for a worker");
        }
        if (target.state == PooledWorker.State.GONE) {
          return null;
        }
        if (takeIfIdle(target)) {
          served = true;
          return target;
        }
        long remaining = deadline - ticker.read();
        if (remaining <= 0) {
          throw new CallTimeoutException("Python worker " + target.id() + ", which holds the"
              + " objects of session " + sessionId + ", stayed busy for " + timeout + " ("
              + describeLocked() + ")", timeout, target.id(), null);
        }
        target.freed.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnakeBridgeException("interrupted while waiting for Python worker " + target.id()
          + " (" + describeLocked() + ")", e);
    } finally {
      target.targetWaiters--;
      if (!served && target.reserved) {
        if (target.targetWaiters > 0) {
          target.freed.signal(); // the release meant for this caller goes to the next one
        } else {
          target.reserved = false;
          idle.push(target);
          workerAvailable.signal();
        }
      }
    }
  }

  /** Returns the workers that have started and are not gone: idle or running a call. */
  public List<PooledWorker> startedWorkers() {
    List<PooledWorker> started = new ArrayList<>();
    for (PooledWorker worker : workers) {
      PooledWorker.State state = worker.state;
      if (state == PooledWorker.State.IDLE || state == PooledWorker.State.BUSY) {
        started.add(worker);
      }
    }
    return started;
  }

  private PooledWorker await(long deadline, Duration timeout) {
    long failuresSeen = startFailures;
    waiting++;
    boolean served = false;
    try {
      for (;;) {
        PooledWorker worker = idle.pollFirst();
        if (worker != null) {
          served = true;
          return worker;
        }
        if (closed) {
          throw new SnakeBridgeException(
              "runtime '" + name + "' was closed while the call waited for a worker");
        }
        if (startFailures != failuresSeen) {
          throw new PoolExhaustedException(
              "no Python worker could be started (" + describeLocked() + ")", lastStartFailure);
        }
        List<PooledWorker> planned = plan(Math.min(size - workers.size(), waiting - starting));
        if (!planned.isEmpty()) {
          lock.unlock();
          try {
            submit(planned);
          } finally {
            lock.lock();
          }
          continue;
        }
        long remaining = deadline - ticker.read();
        if (remaining <= 0) {
          throw new CallTimeoutException(
              "no Python worker became free within " + timeout + " (" + describeLocked() + ")",
              timeout, null, lastStartFailure);
        }
        workerAvailable.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnakeBridgeException(
          "interrupted while waiting for a Python worker (" + describeLocked() + ")", e);
    } finally {
      waiting--;
      if (!served && !idle.isEmpty()) {
        workerAvailable.signal(); // a signal meant for this waiter must not be lost
      }
    }
  }

  /** Returns a worker whose call completed normally; it waits for the next call. */
  public void release(PooledWorker worker) {
    boolean stop = false;
    List<PooledWorker> replacement = List.of();
    lock.lock();
    try {
      worker.armed = false;
      busy--;
      if (worker.expired || worker.state != PooledWorker.State.BUSY) {
        replacement = removeLocked(worker);
      } else if (closed) {
        removeLocked(worker);
        stop = true;
      } else {
        worker.state = PooledWorker.State.IDLE;
        if (worker.targetWaiters > 0) {
          worker.reserved = true;
          worker.freed.signal();
        } else {
          idle.push(worker);
          workerAvailable.signal();
        }
      }
    } finally {
      lock.unlock();
    }
    if (stop) {
      worker.process().shutdown();
    }
    submit(replacement);
  }

  /**
   * Removes a worker that must not be reused (it died, broke the protocol, or passed its deadline)
   * and starts a replacement in the background. The caller stops the process if it still runs.
   *
   * @return whether the watchdog had stopped it because the call's deadline passed
   */
  public boolean discard(PooledWorker worker) {
    List<PooledWorker> replacement;
    lock.lock();
    try {
      worker.armed = false;
      if (worker.state == PooledWorker.State.BUSY) {
        busy--;
      }
      replacement = removeLocked(worker);
    } finally {
      lock.unlock();
    }
    submit(replacement);
    return worker.expired;
  }

  /**
   * One housekeeping step at {@code now} (see {@link Watchdog#housekeep}); the watchdog thread
   * calls it, tests call it with their own clock.
   *
   * @return nanoseconds until the next step is due, or -1 when no deadline is watched
   */
  public long housekeep(long now) {
    return watchdog.housekeep(now);
  }

  /** Stops a worker whose armed deadline passed, unless it was released meanwhile. */
  void expire(PooledWorker worker, long now) {
    WorkerProcess victim = null;
    PooledWorker.State state;
    lock.lock();
    try {
      state = worker.state;
      if (worker.armed && now - worker.deadline >= 0 && worker.process != null
          && (state == PooledWorker.State.BUSY || state == PooledWorker.State.STARTING)) {
        worker.armed = false;
        worker.expired = true;
        victim = worker.process;
      }
    } finally {
      lock.unlock();
    }
    if (victim != null) {
      LOG.log(Level.DEBUG, () -> "runtime '" + name + "': " + worker + " passed its "
          + (state == PooledWorker.State.BUSY ? "call's deadline" : "start-up timeout")
          + "; stopping it");
      victim.kill();
    }
  }

  /** Returns what the most recent handshake reported, or null before any worker started. */
  public PythonInfo lastInfo() {
    return starter.lastInfo();
  }

  /** Returns whether {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  private String describeLocked() {
    return "runtime '" + name + "': pool size " + size + ", " + busy + " busy, " + idle.size()
        + " idle, " + starting + " starting, " + waiting + " waiting";
  }

  /**
   * Closes the pool: fails waiting callers, asks idle workers to exit, gives running calls
   * {@code graceNanos} to finish, then terminates and finally kills what is left. Idempotent; a
   * second call waits until the first has finished.
   */
  public void close(long graceNanos) {
    boolean first = false;
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        first = true;
        for (PooledWorker worker : workers) {
          if (worker.process != null) {
            shutdown.add(worker.process, worker.state);
          }
        }
        for (PooledWorker worker : idle) {
          worker.state = PooledWorker.State.GONE;
          workers.remove(worker);
        }
        idle.clear();
        for (PooledWorker worker : workers) {
          if (worker.reserved) {
            worker.reserved = false;
            worker.state = PooledWorker.State.GONE;
            workers.remove(worker);
          }
          worker.freed.signalAll();
        }
        workerAvailable.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (!first) {
      shutdown.awaitDone();
      return;
    }
    watchdog.stop();
    starter.shutdown();
    shutdown.run(graceNanos, () -> starter.awaitTermination(graceNanos));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("runtime '" + name + "' is closed");
    }
  }

  /** Creates up to {@code count} starting workers; call with the lock held. */
  private List<PooledWorker> plan(int count) {
    if (count <= 0 || closed) {
      return List.of();
    }
    List<PooledWorker> planned = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      PooledWorker worker = new PooledWorker(name + "-" + ++lastNumber, lock.newCondition());
      workers.add(worker);
      starting++;
      planned.add(worker);
    }
    return planned;
  }

  /** Removes a worker for good and plans its replacement; call with the lock held. */
  private List<PooledWorker> removeLocked(PooledWorker worker) {
    worker.state = PooledWorker.State.GONE;
    worker.freed.signalAll();
    if (!workers.remove(worker)) {
      return List.of();
    }
    return plan(Math.min(1, size - workers.size()));
  }

  private void submit(List<PooledWorker> planned) {
    if (!planned.isEmpty()) {
      starter.submit(planned);
    }
  }

  /** Makes a started process visible to close() and arms the start-up deadline. */
  boolean publish(PooledWorker worker, WorkerProcess process) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      worker.process = process;
      worker.deadline = ticker.read() + startupTimeoutNanos;
      worker.armed = true;
    } finally {
      lock.unlock();
    }
    watchdog.wakeIfIdle();
    return true;
  }

  /** Records the end of a start: the worker joins the idle stack, or the failure is reported. */
  void finishStart(
      PooledWorker worker, WorkerProcess process, Throwable failure,
      SnakeBridgeException report) {
    boolean ready = false;
    if (failure == null && process != null) {
      onReady.accept(worker, process);
    }
    lock.lock();
    try {
      starting--;
      worker.armed = false;
      if (failure == null && process != null && !worker.expired && !closed
          && worker.process == process) {
        worker.state = PooledWorker.State.IDLE;
        idle.push(worker);
        ready = true;
        workerAvailable.signal();
      } else {
        worker.state = PooledWorker.State.GONE;
        workers.remove(worker);
        if (report != null && !closed) {
          lastStartFailure = report;
          startFailures++;
          workerAvailable.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
    if (!ready && process != null) {
      process.kill();
    }
    if (report != null) {
      LOG.log(Level.WARNING, "runtime '" + name + "': " + report.getMessage());
    } else if (ready && LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "runtime '" + name + "': started " + process);
    }
  }
}
