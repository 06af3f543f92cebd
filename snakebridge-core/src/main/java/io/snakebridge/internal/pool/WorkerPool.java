package io.snakebridge.internal.pool;

import io.snakebridge.Affinity;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.EventListener;
import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.PythonInfo;
import io.snakebridge.WorkerBusyException;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.WorkerConnection;
import io.snakebridge.internal.worker.WorkerProcess;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One pool of Python workers: leases call slots to callers (first come, first served), starts
 * workers in the background, replaces the ones that die, hang or time out, recycles the ones due
 * for it, and cancels calls (see CONCURRENCY.md and LIFECYCLE.md).
 *
 * <p>Thread-safe. Workers start on demand, one per waiting caller up to the pool's size, or all at
 * once with {@link #startAll()}. Idle workers are kept on a stack, so a lightly loaded pool keeps
 * using the same warm worker.
 */
public final class WorkerPool {
  /*
   * The pool is four parts around one lock: PoolState (the lock and what it guards, and every
   * decision taken under it), PoolWaits (callers waiting in line or for one worker), PoolUpkeep
   * (what the start threads and the watchdog report) and this facade (leases, settling,
   * cancelling, closing). Under the lock there are only field updates; process starts and
   * stops, pipe I/O, event-listener calls and logging happen after it is released, through the
   * Effects an operation collected.
   */

  /** How long a recycled worker gets to exit after SHUTDOWN before it is killed. */
  static final long RECYCLE_EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** How many times a cancel tries to write the PING that wakes a reading caller. */
  private static final int WAKE_TRIES = 1_000;

  private final String name;
  private final PoolOptions options;
  private final Ticker ticker;
  final long cancelGraceNanos;
  final long heartbeatIntervalNanos;
  final long heartbeatTimeoutNanos;
  final long maxMemory;

  /** Tells a worker busy in a call from a hung one when it misses a heartbeat (Watchdog). */
  final ProcessProbe probe;

  final PoolState state;
  private final PoolWaits waits;
  final PoolUpkeep upkeep;
  private final WorkerStarter starter;
  private final Watchdog watchdog;
  private final PoolShutdown shutdown;
  private final PoolEvents events;
  private final ThreadPoolExecutor readers;

  /**
   * The worker each thread leased last from this pool, which {@link #lease} prefers while it is
   * idle: a thread that keeps its worker keeps their hand-overs on one CPU where the scheduler put
   * them, instead of crossing CPUs on every call (docs/BENCHMARKS.md, "Two workers"). Weak, so a
   * thread that outlives a worker does not keep it in memory.
   */
  @SuppressWarnings("ThreadLocalUsage") // per pool and thread: each pool remembers its own worker
  private final ThreadLocal<WeakReference<PooledWorker>> lastWorker = new ThreadLocal<>();

  /**
   * Creates a pool; no worker starts until one is needed or {@link #startAll()}.
   *
   * @param runtimeName the runtime's name: prefix of worker ids and thread names
   * @param name the pool's name ({@link io.snakebridge.CallOptions#DEFAULT_POOL} for the runtime's
   *     own, whose ids and threads carry only the runtime's name)
   * @param onReady told about each worker whose handshake completed, before any call can lease it
   *     (on the start thread; it must only set fields)
   */
  public WorkerPool(
      String runtimeName,
      String name,
      PoolOptions options,
      WorkerSpawner spawner,
      Ticker ticker,
      EventListener listener,
      BiConsumer<PooledWorker, WorkerProcess> onReady) {
    this(runtimeName, name, options, spawner, ticker, listener, onReady, ProcessProbe.SYSTEM);
  }

  /** Like the public constructor, reading workers' process states with {@code probe}. */
  WorkerPool(
      String runtimeName,
      String name,
      PoolOptions options,
      WorkerSpawner spawner,
      Ticker ticker,
      EventListener listener,
      BiConsumer<PooledWorker, WorkerProcess> onReady,
      ProcessProbe probe) {
    boolean main = name.equals(CallOptions.DEFAULT_POOL);
    String prefix = main ? runtimeName : runtimeName + "-" + name;
    String label =
        main
            ? "runtime '" + runtimeName + "'"
            : "runtime '" + runtimeName + "', pool '" + name + "'";
    this.name = name;
    this.options = options;
    this.ticker = ticker;
    this.cancelGraceNanos = options.cancelGrace().toNanos();
    this.heartbeatIntervalNanos = options.heartbeatInterval().toNanos();
    this.heartbeatTimeoutNanos = options.heartbeatTimeout().toNanos();
    this.maxMemory = options.maxWorkerMemory().orElse(0);
    this.probe = probe;
    this.events = new PoolEvents(listener, name);
    this.state = new PoolState(this, prefix, label, options, ticker);
    int size = options.size();
    int startThreads = Math.min(size, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    this.upkeep = new PoolUpkeep(this, state, options, ticker, events, onReady);
    this.starter =
        new WorkerStarter(this, prefix, startThreads, spawner, options.startupTimeout(), events);
    this.waits = new PoolWaits(this, state, options, ticker, starter, events);
    this.shutdown = new PoolShutdown(label);
    this.watchdog = new Watchdog("snakebridge-" + prefix + "-watchdog", this, ticker);
    AtomicInteger count = new AtomicInteger();
    this.readers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            5,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> {
              Thread thread =
                  new Thread(task, "snakebridge-" + prefix + "-reader-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Returns the pool's name. */
  public String name() {
    return name;
  }

  /** Returns the pool's options. */
  public PoolOptions options() {
    return options;
  }

  /** Returns the pool's side of the event listener. */
  public PoolEvents events() {
    return events;
  }

  /** Starts the watchdog thread; without it only {@link #housekeep} enforces deadlines. */
  public void startWatchdog() {
    watchdog.start();
  }

  /** Wakes the watchdog if it is parked (something it waits for may have happened). */
  void wakeWatchdog() {
    watchdog.wakeIfIdle();
  }

  /** Starts workers until the pool is full. */
  public void startAll() {
    Effects effects;
    state.lock.lock();
    try {
      checkOpen();
      state.wanted = state.size;
      effects = Effects.start(null, state.planStartsLocked(ticker.read()));
    } finally {
      state.lock.unlock();
    }
    run(effects);
  }

  // ---- leasing ----------------------------------------------------------------------------

  /**
   * Leases a call slot of any worker, waiting in line until {@code deadline} if none is free. The
   * deadline is watched from now on: if it passes before {@link #release} or {@link #discard}, the
   * call is cancelled (see {@link #cancel}).
   *
   * @param deadline in {@link Ticker} nanoseconds
   * @param timeout the call's timeout, for messages
   * @param control lets the call's future cancel it while it waits, or null
   * @param call what is called, for events, or null
   * @throws CallTimeoutException when the deadline passes first
   * @throws PoolExhaustedException when too many callers wait, the acquire timeout passes, or no
   *     worker could be started
   * @throws CancellationException when {@code control} cancels the call while it waits
   * @throws IllegalStateException when the pool is closed
   */
  public CallLease lease(
      long deadline, Duration timeout, @Nullable CallControl control, @Nullable String call) {
    CallLease leased;
    state.lock.lock();
    try {
      checkOpen();
      WeakReference<PooledWorker> last = lastWorker.get();
      PooledWorker worker =
          state.queue.isEmpty() ? state.takeAnyLocked(last == null ? null : last.get()) : null;
      if (worker == null) {
        worker = waits.awaitLocked(deadline, timeout, control, call);
      }
      leased = state.newLeaseLocked(worker, deadline, timeout);
      if (last == null || last.get() != worker) {
        lastWorker.set(new WeakReference<>(worker));
      }
    } finally {
      state.lock.unlock();
    }
    watchdog.wakeIfIdle();
    if (control != null) {
      control.leased(leased);
    }
    return leased;
  }

  /**
   * Leases a slot of {@code target}, the worker holding a session's objects, as {@code affinity}
   * says: {@link Affinity#STRICT_QUEUE} waits for it until {@code deadline}; {@link
   * Affinity#STRICT_FAIL_FAST} fails at once when it is busy; {@link Affinity#HINT} takes any
   * worker when it is busy.
   *
   * @param sessionId the session, for messages
   * @return the lease, or null when {@code target} is gone
   * @throws WorkerBusyException with {@code STRICT_FAIL_FAST} when the worker is busy
   * @throws CallTimeoutException when the deadline passes first
   * @throws IllegalStateException when the pool is closed
   */
  public @Nullable CallLease leaseTarget(
      PooledWorker target,
      Affinity affinity,
      long deadline,
      Duration timeout,
      String sessionId,
      @Nullable CallControl control,
      @Nullable String call) {
    CallLease leased;
    state.lock.lock();
    try {
      checkOpen();
      if (target.state == PooledWorker.State.GONE) {
        return null;
      }
      PooledWorker worker;
      if (state.takeTargetLocked(target)) {
        worker = target;
      } else if (affinity == Affinity.STRICT_FAIL_FAST) {
        throw new WorkerBusyException(
            "Python worker "
                + target.id()
                + ", which holds the objects"
                + " of session "
                + sessionId
                + ", is running another call (affinity "
                + affinity
                + "; "
                + state.describeLocked()
                + ")",
            sessionId,
            target.id());
      } else if (affinity == Affinity.HINT) {
        worker = state.queue.isEmpty() ? state.takeAnyLocked(null) : null;
        if (worker == null) {
          worker = waits.awaitLocked(deadline, timeout, control, call);
        }
      } else {
        worker = waits.awaitTargetLocked(target, deadline, timeout, sessionId, control);
        if (worker == null) {
          return null;
        }
      }
      leased = state.newLeaseLocked(worker, deadline, timeout);
    } finally {
      state.lock.unlock();
    }
    watchdog.wakeIfIdle();
    if (control != null) {
      control.leased(leased);
    }
    return leased;
  }

  // ---- settling ---------------------------------------------------------------------------

  /** Returns the slot of a call whose reply was read completely; the worker serves on. */
  public void release(CallLease lease) {
    Effects effects = null;
    state.lock.lock();
    try {
      if (state.clearSlotLocked(lease)) {
        effects = state.afterCallLocked(lease.worker(), null);
      }
    } finally {
      state.lock.unlock();
    }
    run(effects);
  }

  /**
   * Removes a worker that must not be reused (it died or broke the protocol) and starts a
   * replacement in the background. The caller stops the process if it still runs.
   *
   * @param observed what the caller saw happen
   * @return why the worker left: the pool's own reason if it had stopped the worker (a deadline, a
   *     missed heartbeat, the close), else {@code observed}
   */
  public ExitReason discard(CallLease lease, ExitReason observed) {
    PooledWorker worker = lease.worker();
    ExitReason reason;
    Effects effects;
    state.lock.lock();
    try {
      state.clearSlotLocked(lease);
      reason =
          worker.killReason() != null
              ? worker.killReason()
              : state.closed ? ExitReason.SHUTDOWN : observed;
      effects = state.removeLocked(worker, reason, null);
    } finally {
      state.lock.unlock();
    }
    run(effects);
    return reason;
  }

  /** Settles a call whose caller stopped waiting, when its reply (or the end) came. */
  void settleAbandoned(CallLease lease, boolean answered) {
    PooledWorker worker = lease.worker();
    Effects effects = null;
    state.lock.lock();
    try {
      if (state.clearSlotLocked(lease)) {
        if (answered && worker.killReason() == null && worker.state == PooledWorker.State.READY) {
          effects = state.afterCallLocked(worker, null);
        } else {
          ExitReason reason =
              worker.killReason() != null
                  ? worker.killReason()
                  : state.closed
                      ? ExitReason.SHUTDOWN
                      : answered ? ExitReason.PROTOCOL_ERROR : ExitReason.CRASHED;
          effects = Effects.kill(state.removeLocked(worker, reason, null), worker.process);
        }
      }
    } finally {
      state.lock.unlock();
    }
    run(effects);
  }

  // ---- cancelling -------------------------------------------------------------------------

  /**
   * Cancels a call whose deadline passed or whose future was cancelled; never blocks. A call not
   * yet sent is simply not sent (its caller sees that). A sent call gets a CANCEL frame; its caller
   * stops waiting at once (a PING makes the worker send a frame, so a caller that is reading wakes
   * up too) and the reply goes to the pool: if it comes within the grace period the worker serves
   * on, else the watchdog kills it.
   */
  public void cancel(CallLease lease, CallLease.Cause cause) {
    int was = lease.beginCancel(cause);
    if (was < 0) {
      return;
    }
    lease.graceEnd = ticker.read() + cancelGraceNanos;
    if (was == CallLease.SENT) {
      lease.trySendCancel();
      WorkerConnection connection = lease.process().connection();
      if (connection.abandon(lease.requestId(), lease.new LateReply())) {
        wakeReader(lease, connection);
      }
    }
    watchdog.wakeIfIdle();
  }

  /**
   * The thread waiting for request {@code id} of {@code worker} was interrupted: cancels the call
   * that sent it (CANCEL, grace period, as for {@code Future.cancel(true)}), so the thread stops
   * waiting at once.
   *
   * @return false when no running call of that worker sent that request (a call nested in a
   *     callback, which the outer call covers)
   */
  boolean interrupted(PooledWorker worker, long id) {
    for (int i = 0, n = worker.calls.length(); i < n; i++) {
      CallLease lease = worker.calls.get(i);
      if (lease != null && lease.requestId() == id) {
        cancel(lease, CallLease.Cause.CANCELLED);
        return true;
      }
    }
    return false;
  }

  /**
   * Sends a PING so that a caller blocked reading the worker's output wakes up. Another thread may
   * be writing a frame at this moment (a small one takes microseconds): a few tries ride that out
   * without blocking. If they all fail, the caller wakes at the next frame the worker sends anyway:
   * the cancelled call's own answer, or the end of its output when the grace is over.
   */
  private static void wakeReader(CallLease lease, WorkerConnection connection) {
    try {
      for (int tries = 0; tries < WAKE_TRIES; tries++) {
        if (connection.tryRequest(
            FrameKind.PING, connection.nextRequestId(), null, lease.worker().heartbeat)) {
          return;
        }
        Thread.onSpinWait();
      }
    } catch (IOException gone) {
      // The worker is gone: its connection's failure settles the call.
    }
  }

  /**
   * One housekeeping step at {@code now} (see {@link Watchdog#housekeep}); the watchdog thread
   * calls it, tests call it with their own clock.
   *
   * @return nanoseconds until the next step is due
   */
  public long housekeep(long now) {
    return watchdog.housekeep(now);
  }

  // ---- state ------------------------------------------------------------------------------

  /** Ends a queued call's wait because its future was cancelled. */
  void cancelWaiter(WaitQueue.Waiter waiter) {
    waits.cancelWaiter(waiter);
  }

  /** Returns the workers that have started and are not gone. */
  public List<PooledWorker> startedWorkers() {
    List<PooledWorker> started = new ArrayList<>();
    for (PooledWorker worker : state.workers) {
      if (worker.state == PooledWorker.State.READY) {
        started.add(worker);
      }
    }
    return started;
  }

  /** Returns a snapshot of the pool's state and counters. */
  public PoolStats stats() {
    int[] gauges;
    int starting;
    int waiting;
    state.lock.lock();
    try {
      gauges = state.gaugesLocked();
      starting = state.starting;
      waiting = state.waitingLocked();
    } finally {
      state.lock.unlock();
    }
    PoolCounters counters = state.counters;
    return new PoolStats(
        name,
        state.size,
        gauges[0],
        gauges[1],
        starting,
        waiting,
        counters.calls.sum(),
        counters.failures.sum(),
        counters.timeouts.sum(),
        counters.crashes.sum(),
        counters.restarts.sum(),
        counters.recycles.sum());
  }

  /**
   * Counts a call that ended in this pool.
   *
   * @param failure what it failed with, or null
   * @param timedOut whether that was a timeout
   */
  public void recordCall(@Nullable Throwable failure, boolean timedOut) {
    PoolCounters counters = state.counters;
    counters.calls.increment();
    if (failure != null) {
      counters.failures.increment();
      if (timedOut) {
        counters.timeouts.increment();
      }
    }
  }

  /** Returns what the most recent handshake reported, or null before any worker started. */
  public @Nullable PythonInfo lastInfo() {
    return starter.lastInfo();
  }

  /** Returns whether {@link #close} was called. */
  public boolean isClosed() {
    return state.closed;
  }

  /** Returns the pool's state for messages: "runtime 'x': pool size 4, 1 busy, ...". */
  public String describe() {
    state.lock.lock();
    try {
      return state.describeLocked();
    } finally {
      state.lock.unlock();
    }
  }

  private void checkOpen() {
    if (state.closed) {
      throw new IllegalStateException(state.label + " is closed");
    }
  }

  // ---- closing ----------------------------------------------------------------------------

  /**
   * Closes the pool: fails waiting callers, asks idle workers to exit, gives running calls {@code
   * graceNanos} to finish, then terminates and finally kills what is left. Idempotent; a second
   * call waits until the first has finished.
   */
  public void close(long graceNanos) {
    boolean first = false;
    Effects effects = null;
    state.lock.lock();
    try {
      if (!state.closed) {
        state.closed = true;
        first = true;
        state.startsDue = Long.MAX_VALUE;
        for (PooledWorker worker : state.workers) {
          boolean idleNow = worker.state == PooledWorker.State.READY && worker.inFlight == 0;
          if (worker.process != null) {
            shutdown.add(worker.process, worker.state == PooledWorker.State.STARTING, idleNow);
          }
          if (idleNow) {
            worker.state = PooledWorker.State.GONE;
            state.workers.remove(worker);
            effects = Effects.exited(effects, worker, ExitReason.SHUTDOWN);
          }
          worker.reserved = false;
          worker.listed = false;
          worker.freed.signalAll();
        }
        state.idle.clear();
        state.partial.clear();
        state.queue.failAll(state.closedWhileWaiting());
      }
    } finally {
      state.lock.unlock();
    }
    if (!first) {
      shutdown.awaitDone();
      return;
    }
    if (effects != null) {
      effects.starts.clear();
      effects.run(starter, events);
    }
    watchdog.stop();
    starter.shutdown();
    shutdown.run(graceNanos, () -> starter.awaitTermination(graceNanos));
    readers.shutdown();
  }

  /** Does what an operation decided under the lock; call without it. */
  void run(@Nullable Effects effects) {
    if (effects == null) {
      return;
    }
    effects.run(starter, events);
    for (WorkerProcess recycled : effects.shutdowns) {
      execute(
          () -> {
            if (!recycled.awaitExit(RECYCLE_EXIT_WAIT_NANOS)) {
              recycled.kill();
            }
          });
    }
  }

  /** Runs a short background task on the pool's reader threads (dropped once closed). */
  void execute(Runnable task) {
    try {
      readers.execute(task);
    } catch (RejectedExecutionException closedAlready) {
      // Closing stops every process anyway.
    }
  }
}
