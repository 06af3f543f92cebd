package io.snakebridge.internal.pool;

import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.EventListener.RecycleReason;
import io.snakebridge.PoolOptions;
import io.snakebridge.SnakeBridgeException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A pool's lock and everything it guards: the workers and their call slots, the idle lists, the
 * waiting line, the start plan and back-off. Every method named {@code ...Locked} is called with
 * the lock held, does a few field updates and nothing else; what must happen afterwards (process
 * starts and stops, events) it returns as {@link Effects}.
 *
 * <p>Guarded by {@link #lock}; {@link #workers}, {@link #startsDue} and {@link #closed} are also
 * read without it (the watchdog's scans, {@code isClosed}).
 */
final class PoolState {
  /*
   * A worker has `threads` call slots. A caller that finds no free slot joins `queue` (FIFO);
   * whoever frees a slot hands it to the head waiter directly (offerLocked), so nobody barges.
   * Targeted leases (a session's calls must run where its objects live) wait on the worker's own
   * `freed` condition: a worker whose slot frees while targeted callers wait is `reserved` for
   * them, off the idle lists, until the last of them is served or gives up.
   *
   * Starting: `wanted` is how many workers the pool should have (all of them after startAll,
   * else one more per waiting caller, up to the size); planStartsLocked starts the missing ones
   * unless StartBackoff holds them back after failures, and then the watchdog starts them when
   * the back-off ends. While starts fail only one is tried at a time.
   */

  final ReentrantLock lock = new ReentrantLock();

  /** Every worker not gone; changed under the lock, scanned by the watchdog without it. */
  final CopyOnWriteArrayList<PooledWorker> workers = new CopyOnWriteArrayList<>();

  final ArrayDeque<PooledWorker> idle = new ArrayDeque<>();
  final List<PooledWorker> partial = new ArrayList<>();
  final WaitQueue queue = new WaitQueue();
  final StartBackoff backoff = new StartBackoff();
  final PoolCounters counters = new PoolCounters();
  final String label;
  final int size;
  final int threads;
  int starting;
  int retiring;
  int targetWaiting;
  int wanted;
  @Nullable SnakeBridgeException lastStartFailure;

  /** When starts held back by StartBackoff may begin; Long.MAX_VALUE when none are. */
  volatile long startsDue = Long.MAX_VALUE;

  volatile boolean closed;

  private final WorkerPool pool;
  private final String prefix;
  private final Ticker ticker;
  private final long maxCalls;
  private final long recycleTimeoutNanos;
  private int lastNumber;
  private long initialStarts;

  PoolState(WorkerPool pool, String prefix, String label, PoolOptions options, Ticker ticker) {
    this.pool = pool;
    this.prefix = prefix;
    this.label = label;
    this.ticker = ticker;
    this.size = options.size();
    this.threads = options.threadsPerWorker();
    this.maxCalls = options.maxCallsPerWorker().orElse(0);
    this.recycleTimeoutNanos = options.recycleTimeout().toNanos();
  }

  /** Returns how many callers wait for a worker; lock held. */
  int waitingLocked() {
    return queue.size() + targetWaiting;
  }

  /** Returns {busy, idle} workers; lock held. */
  int[] gaugesLocked() {
    int busy = 0;
    int idleNow = 0;
    for (PooledWorker worker : workers) {
      if (worker.state == PooledWorker.State.READY) {
        if (worker.inFlight > 0) {
          busy++;
        } else {
          idleNow++;
        }
      }
    }
    return new int[] {busy, idleNow};
  }

  /**
   * Takes a slot of the least busy available worker (an idle one first: {@code preferred} if it is
   * idle, else the one that became idle last); lock held.
   */
  @Nullable PooledWorker takeAnyLocked(@Nullable PooledWorker preferred) {
    PooledWorker worker =
        preferred != null && preferred.listed && preferred.inFlight == 0 && idle.remove(preferred)
            ? preferred
            : idle.pollFirst();
    if (worker == null) {
      if (partial.isEmpty()) {
        return null;
      }
      worker = partial.get(0);
      for (PooledWorker other : partial) {
        if (other.inFlight < worker.inFlight) {
          worker = other;
        }
      }
      partial.remove(worker);
    }
    worker.listed = false;
    worker.inFlight++;
    if (worker.inFlight < threads) {
      partial.add(worker);
      worker.listed = true;
    }
    return worker;
  }

  /** Takes a slot of {@code worker} if it has a free one (retiring or not); lock held. */
  boolean takeTargetLocked(PooledWorker worker) {
    if (worker.state != PooledWorker.State.READY
        || worker.killReason() != null
        || worker.inFlight >= threads) {
      return false;
    }
    unlistLocked(worker);
    worker.inFlight++;
    if (worker.targetWaiters == 0) {
      worker.reserved = false;
      offerLocked(worker);
    }
    return true;
  }

  CallLease newLeaseLocked(PooledWorker worker, long deadline, Duration timeout) {
    for (int i = 0; i < threads; i++) {
      if (worker.calls.get(i) == null) {
        CallLease lease = new CallLease(worker, i, deadline, timeout);
        worker.calls.set(i, lease); // arms the deadline for the watchdog
        return lease;
      }
    }
    throw new IllegalStateException("no free call slot on " + worker);
  }

  boolean clearSlotLocked(CallLease lease) {
    PooledWorker worker = lease.worker();
    if (worker.calls.get(lease.slot) != lease) {
      return false;
    }
    worker.calls.set(lease.slot, null);
    worker.inFlight--;
    worker.callsDone++;
    return true;
  }

  /** A call of {@code worker} ended normally: recycle, hand over, or list it; lock held. */
  @Nullable Effects afterCallLocked(PooledWorker worker, @Nullable Effects effects) {
    if (worker.state != PooledWorker.State.READY) {
      return effects;
    }
    if (worker.killReason() != null) {
      return removeLocked(worker, worker.killReason(), effects);
    }
    if (closed) {
      if (worker.inFlight > 0) {
        return effects;
      }
      return Effects.shutdown(removeLocked(worker, ExitReason.SHUTDOWN, effects), worker.process);
    }
    if (maxCalls > 0 && worker.callsDone >= maxCalls && worker.retiring == null) {
      effects = retireLocked(worker, RecycleReason.MAX_CALLS, effects);
    }
    return slotFreedLocked(worker, effects);
  }

  /** A slot of {@code worker} may be free: remove it if it retired, else offer it; lock held. */
  @Nullable Effects slotFreedLocked(PooledWorker worker, @Nullable Effects effects) {
    if (worker.state != PooledWorker.State.READY) {
      return effects;
    }
    if (worker.retiring != null
        && worker.inFlight == 0
        && (worker.liveRefs() <= 0 || ticker.read() - worker.retireDeadline >= 0)) {
      return Effects.shutdown(removeLocked(worker, ExitReason.RECYCLED, effects), worker.process);
    }
    offerLocked(worker);
    return effects;
  }

  /**
   * Gives {@code worker}'s free slots to whoever may use them: its targeted waiters first (the
   * worker is reserved for them), else the waiting line, else the idle lists; lock held.
   */
  void offerLocked(PooledWorker worker) {
    if (worker.state != PooledWorker.State.READY
        || worker.inFlight >= threads
        || worker.killReason() != null) {
      unlistLocked(worker);
      return;
    }
    if (worker.targetWaiters > 0) {
      unlistLocked(worker);
      worker.reserved = true;
      worker.freed.signal();
      return;
    }
    if (worker.retiring != null) {
      unlistLocked(worker); // only calls that must run here may use it
      return;
    }
    while (worker.inFlight < threads) {
      WaitQueue.Waiter next = queue.poll();
      if (next == null) {
        break;
      }
      worker.inFlight++;
      next.assigned = worker;
      Objects.requireNonNull(next.signal).signal(); // queued waiters are untargeted
    }
    unlistLocked(worker);
    if (worker.inFlight == 0) {
      idle.push(worker);
      worker.listed = true;
    } else if (worker.inFlight < threads) {
      partial.add(worker);
      worker.listed = true;
    }
  }

  void unlistLocked(PooledWorker worker) {
    if (worker.listed) {
      if (!idle.remove(worker)) {
        partial.remove(worker);
      }
      worker.listed = false;
    }
  }

  /** Removes a worker for good and plans its replacement; lock held. */
  @Nullable Effects removeLocked(
      PooledWorker worker, ExitReason reason, @Nullable Effects effects) {
    if (worker.state == PooledWorker.State.GONE) {
      return effects;
    }
    worker.state = PooledWorker.State.GONE;
    unlistLocked(worker);
    worker.reserved = false;
    if (worker.retiring != null) {
      retiring--;
    }
    workers.remove(worker);
    worker.freed.signalAll();
    if (reason == ExitReason.CRASHED
        || reason == ExitReason.UNRESPONSIVE
        || reason == ExitReason.PROTOCOL_ERROR) {
      counters.crashes.increment();
    }
    effects = Effects.exited(effects, worker, reason);
    return Effects.start(effects, planStartsLocked(ticker.read()));
  }

  /** Marks a worker due for recycling and starts its replacement; lock held. */
  @Nullable Effects retireLocked(
      PooledWorker worker, RecycleReason reason, @Nullable Effects effects) {
    if (worker.retiring != null || worker.state != PooledWorker.State.READY || closed) {
      return effects;
    }
    long now = ticker.read();
    worker.retiring = reason;
    worker.retireDeadline = now + recycleTimeoutNanos;
    retiring++;
    unlistLocked(worker);
    worker.reserved = false;
    counters.recycles.increment();
    effects = Effects.recycled(effects, worker, reason);
    effects = Effects.start(effects, planStartsLocked(now));
    if (worker.targetWaiters > 0) {
      worker.freed.signalAll();
    }
    return slotFreedLocked(worker, effects);
  }

  /** Creates the missing starting workers, unless the back-off holds them back; lock held. */
  List<PooledWorker> planStartsLocked(long now) {
    int missing = wanted - (workers.size() - retiring);
    if (closed || missing <= 0) {
      startsDue = Long.MAX_VALUE;
      return List.of();
    }
    if (!backoff.allows(now)) {
      startsDue = backoff.nextAllowed();
      return List.of();
    }
    startsDue = Long.MAX_VALUE;
    if (backoff.failing()) {
      missing = Math.min(missing, 1 - starting); // one probe at a time while starts fail
    }
    List<PooledWorker> planned = new ArrayList<>(Math.max(0, missing));
    for (int i = 0; i < missing; i++) {
      PooledWorker worker =
          new PooledWorker(prefix + "-" + ++lastNumber, pool, lock.newCondition(), threads);
      workers.add(worker);
      starting++;
      if (initialStarts < wanted) {
        initialStarts++;
      } else {
        counters.restarts.increment();
      }
      planned.add(worker);
    }
    return planned;
  }

  /** Workers ready for any call (not retiring, not stopped); lock held. */
  int readyLocked() {
    int ready = 0;
    for (PooledWorker worker : workers) {
      if (worker.state == PooledWorker.State.READY
          && worker.retiring == null
          && worker.killReason() == null) {
        ready++;
      }
    }
    return ready;
  }

  String describeLocked() {
    int[] gauges = gaugesLocked();
    return label
        + ": pool size "
        + size
        + ", "
        + gauges[0]
        + " busy, "
        + gauges[1]
        + " idle, "
        + starting
        + " starting, "
        + waitingLocked()
        + " waiting";
  }

  SnakeBridgeException closedWhileWaiting() {
    return new SnakeBridgeException(label + " was closed while the call waited for a worker");
  }
}
