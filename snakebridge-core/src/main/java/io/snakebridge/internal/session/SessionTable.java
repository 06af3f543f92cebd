package io.snakebridge.internal.session;

import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionOptions;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.pool.Ticker;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A runtime's sessions: the automatic session of each thread, the explicit ones its calls used, one
 * interned {@link PyRef} per live reference, and the releases the workers must hear about
 * (WIRE-PROTOCOL.md §5.6).
 *
 * <p>Thread-safe. Callers' threads look sessions up, intern references and send the releases they
 * ask for ({@code releaseRef}, {@code releaseSession}); the housekeeping step ({@link #housekeep})
 * sends the releases nobody waits for: references collected by the garbage collector (RELEASE
 * frames, §5.6) and the sessions of threads that ended. It never waits for a worker: a RELEASE it
 * cannot write at once (another thread is writing to that worker) waits for the next step, and a
 * whole session, which takes a {@code release_session} call on each worker that ran one of its
 * calls (§5.3), is released on the background executor.
 */
public final class SessionTable {
  /*
   * Ending a session and starting one with the same id must not overlap: the end's
   * `release_session` has to reach a worker before any CALL of the new incarnation, or it would
   * drop the new references. So `detach` first publishes a latch in `ending`, then marks the state
   * ended and removes it; `explicit` waits on that latch before it creates a state for the id,
   * and the latch opens once every worker has released the session. Automatic session ids are
   * never reused, so their ends need no latch.
   *
   * A reference collected in Java is released with the number of times the JVM read it (§5.2): if
   * the worker sent it again meanwhile, interning made a new entry with a count of its own and the
   * worker keeps the object.
   */

  /** How often the housekeeping step looks for threads that ended. */
  public static final long THREAD_SCAN_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How soon the step runs again while a RELEASE waits to be written. */
  static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final Logger LOG = System.getLogger("io.snakebridge.session");
  private static final AtomicLong AUTO_IDS = new AtomicLong();

  private final String runtimeName;
  private final RefFactory factory;
  private final Ticker ticker;
  private final SessionRelease sessionRelease;
  private final Executor background;
  private final ConcurrentHashMap<String, SessionState> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CountDownLatch> ending = new ConcurrentHashMap<>();

  @SuppressWarnings("ThreadLocalUsage") // per runtime and thread: each runtime has its own sessions
  private final ThreadLocal<SessionState> auto = new ThreadLocal<>();

  private final ConcurrentLinkedQueue<SessionState> autoSessions = new ConcurrentLinkedQueue<>();
  private final ReferenceQueue<PyRef> collected = new ReferenceQueue<>();
  private final ReleaseQueue releases;
  private volatile Consumer<SessionState> onEnd = state -> {};
  private volatile long nextThreadScan;
  private volatile boolean closed;

  /** Releases a whole session in one worker: a {@code release_session} call (§5.3). */
  @FunctionalInterface
  public interface SessionRelease {
    /** Runs the call, waiting for the worker if it is busy; reports failures itself. */
    void release(SessionState state, PooledWorker worker);
  }

  /**
   * Creates a table.
   *
   * @param sessionRelease releases a whole session in one worker
   * @param background runs the session releases nobody waits for
   */
  public SessionTable(
      String runtimeName,
      RefFactory factory,
      Ticker ticker,
      ValueWriter writer,
      SessionRelease sessionRelease,
      Executor background) {
    this.runtimeName = runtimeName;
    this.factory = factory;
    this.ticker = ticker;
    this.releases = new ReleaseQueue(writer);
    this.sessionRelease = sessionRelease;
    this.background = background;
    this.nextThreadScan = ticker.read() + THREAD_SCAN_NANOS;
    SessionScopes.register(this);
  }

  /** Sets what runs when a session ends (CPU only; e.g. dropping its callbacks). */
  public void onEnd(Consumer<SessionState> onEnd) {
    this.onEnd = onEnd;
  }

  // ---- finding sessions --------------------------------------------------------------------

  /** Returns this thread's automatic session, starting one if it has none (or it ended). */
  public SessionState auto() {
    SessionState state = auto.get();
    if (state != null && !state.ended()) {
      return state;
    }
    Thread thread = Thread.currentThread();
    String id = "auto_" + thread.getId() + "_" + AUTO_IDS.incrementAndGet();
    state =
        new SessionState(id, thread, SessionOptions.DEFAULT_MAX_REFS, SessionOptions.DEFAULT_TTL);
    sessions.put(id, state);
    autoSessions.add(state);
    auto.set(state);
    return state;
  }

  /**
   * Forgets this thread's automatic session without releasing it: the next call starts a new one;
   * the old one stays usable through its references and is released when the thread ends.
   */
  public void clearAuto() {
    auto.remove();
  }

  /** Releases this thread's automatic session, if it has one, and forgets it. */
  public void releaseAuto() {
    SessionState state = auto.get();
    auto.remove();
    if (state != null) {
      release(state.id());
    }
  }

  /** Returns the session with this id, or null when this runtime has none (or it ended). */
  public @Nullable SessionState find(String id) {
    SessionState state = sessions.get(id);
    return state == null || state.ended() ? null : state;
  }

  /**
   * Returns the explicit session {@code id} with these limits, creating it if needed; waits while
   * an earlier session of the same id is being released.
   */
  public SessionState explicit(String id, int maxRefs, Duration ttl) {
    for (; ; ) {
      SessionState state = sessions.get(id);
      if (state != null && !state.ended()) {
        state.limits(maxRefs, ttl);
        return state;
      }
      CountDownLatch released = ending.get(id);
      if (released != null) {
        awaitUninterruptibly(released);
        continue;
      }
      if (state != null) {
        sessions.remove(id, state); // ended without a latch: nothing is in flight for it
        continue;
      }
      SessionState created = new SessionState(id, null, maxRefs, ttl);
      if (sessions.putIfAbsent(id, created) == null) {
        return created;
      }
    }
  }

  /**
   * Returns a session that is never in the table and holds nothing, for calls that are no session's
   * (diagnostics).
   */
  public SessionState detached() {
    return new SessionState("(none)", null, 1, SessionOptions.DEFAULT_TTL);
  }

  /** Returns the ids of this runtime's sessions, for diagnostics. */
  public List<String> ids() {
    return new ArrayList<>(sessions.keySet());
  }

  // ---- references --------------------------------------------------------------------------

  /**
   * Returns the one {@code PyRef} for a reference {@code worker} returned in {@code state}
   * (WIRE-PROTOCOL.md §5.2), counting this read; a {@code StreamRef} when {@code stream} is set and
   * the reference is new (the worker gives an object one kind of reference, §6.1).
   */
  public PyRef intern(
      SessionState state,
      PooledWorker worker,
      String refId,
      String typeName,
      String module,
      boolean stream) {
    RefEntry entry = state.refs.get(refId);
    if (entry != null) {
      PyRef known = entry.get();
      if (known != null) {
        entry.received();
        return known;
      }
    }
    synchronized (state) {
      entry = state.refs.get(refId);
      PyRef known = entry == null ? null : entry.get();
      if (entry != null && known != null) {
        entry.received();
        return known;
      }
      PyRef ref = factory.create(refId, state.id(), typeName, module, stream);
      if (state.ended()) {
        // Arrived after the session's end: unusable, and released in case the worker kept it.
        releases.later(worker, state.id(), Map.of(refId, 1L));
        return ref;
      }
      // A cleared entry stays on the queue: its count is released, this one's is not.
      state.refs.put(refId, new RefEntry(ref, collected, state, worker));
      state.bind(worker);
      return ref;
    }
  }

  /**
   * Returns the worker holding {@code ref}'s object.
   *
   * @throws ReferenceNotFoundException when the reference was released, its session ended, or it
   *     does not come from this runtime
   */
  @SuppressWarnings("ReferenceEquality") // the entry must hold this very PyRef
  public PooledWorker workerOf(PyRef ref, @Nullable SessionState state) {
    RefEntry entry = state == null ? null : state.refs.get(ref.refId());
    if (entry == null || entry.get() != ref || entry.dropped()) {
      throw notFound(ref, state);
    }
    return entry.worker;
  }

  /** Returns why {@code ref} cannot be used here when another runtime made it, else null. */
  public @Nullable String foreign(PyRef ref) {
    return factory.foreign(ref);
  }

  private ReferenceNotFoundException notFound(PyRef ref, @Nullable SessionState state) {
    String foreign = factory.foreign(ref);
    if (foreign != null) {
      return new ReferenceNotFoundException(foreign, ref.refId(), ref.sessionId());
    }
    String why =
        state == null
            ? "its session "
                + ref.sessionId()
                + " has ended (or it does not come from runtime '"
                + runtimeName
                + "')"
            : "it was released";
    return new ReferenceNotFoundException(
        "reference "
            + ref.refId()
            + " to a "
            + ref.typeName()
            + " in session "
            + ref.sessionId()
            + " cannot be used: "
            + why,
        ref.refId(),
        ref.sessionId());
  }

  /** Releases one reference now (idempotent): its worker hears of it before any later CALL. */
  @SuppressWarnings("ReferenceEquality") // the entry must hold this very PyRef
  public void release(PyRef ref) {
    SessionState state = find(ref.sessionId());
    RefEntry entry = state == null ? null : state.refs.get(ref.refId());
    if (state == null || entry == null || entry.get() != ref || !entry.drop()) {
      return;
    }
    if (state.refs.remove(ref.refId(), entry)) {
      state.afterRemoval();
    }
    entry.forget();
    releases.now(entry.worker, state.id(), Map.of(entry.refId, (long) entry.receivedCount()));
  }

  // ---- ending sessions ---------------------------------------------------------------------

  /** Releases session {@code id} now (idempotent), in every worker that holds part of it. */
  public void release(String id) {
    Ending ending = detach(id);
    if (ending != null) {
      ending.release();
    }
  }

  /**
   * Ends session {@code id} in this table without any I/O, so that it can run inside {@link
   * SessionScopes}' atomic update; the returned {@link Ending#release()} writes the RELEASE frames.
   * Returns null when this table has no such session.
   */
  @Nullable Ending detach(String id) {
    @Nullable CountDownLatch latch = new CountDownLatch(1);
    if (ending.putIfAbsent(id, latch) != null) {
      return null; // another thread is ending it
    }
    SessionState state = sessions.get(id);
    if (state == null || !state.end()) {
      ending.remove(id, latch);
      return null;
    }
    sessions.remove(id, state);
    onEnd.accept(state);
    return new Ending(state, latch);
  }

  /** A session detached by {@link #detach}, whose workers have not heard of it yet. */
  final class Ending {
    private final SessionState state;
    private final @Nullable CountDownLatch latch;

    /**
     * @param latch opens when the release is done; null for an automatic session
     */
    Ending(SessionState state, @Nullable CountDownLatch latch) {
      this.state = state;
      this.latch = latch;
    }

    /** Releases the session in every worker that ran one of its calls, then lets ids be reused. */
    void release() {
      try {
        for (PooledWorker worker : state.workers()) {
          if (!worker.isGone()) {
            sessionRelease.release(state, worker);
          }
        }
      } finally {
        if (latch != null) {
          ending.remove(state.id(), latch);
          latch.countDown();
        }
      }
    }

    /** Like {@link #release()}, on the background executor: nobody waits for it. */
    void releaseInBackground() {
      if (state.workers().isEmpty()) {
        release(); // nothing to call: just open the latch
        return;
      }
      try {
        background.execute(this::release);
      } catch (RejectedExecutionException closed) {
        if (latch != null) {
          ending.remove(state.id(), latch);
          latch.countDown();
        }
      }
    }
  }

  // ---- housekeeping ------------------------------------------------------------------------

  /**
   * One housekeeping step at {@code now}: releases the references the garbage collector found
   * unreachable, ends the automatic sessions of threads that ended (at most once per {@link
   * #THREAD_SCAN_NANOS}), and writes what it can of the RELEASE frames waiting; never waits.
   *
   * @return nanoseconds until the next step is due
   */
  public long housekeep(long now) {
    drainCollected(null);
    if (now - nextThreadScan >= 0) {
      endSessionsOfEndedThreads();
      nextThreadScan = now + THREAD_SCAN_NANOS;
    }
    return releases.flush() ? Math.max(0, nextThreadScan - now) : RETRY_NANOS;
  }

  /**
   * Runs housekeeping until {@link #close}: a step whenever a reference is collected, and as often
   * as the steps ask. Blocks; meant for the runtime's housekeeping thread.
   */
  public void runHousekeeping() {
    while (!closed) {
      long delay;
      try {
        delay = housekeep(ticker.read());
      } catch (RuntimeException | Error e) {
        LOG.log(Level.ERROR, "runtime '" + runtimeName + "': session housekeeping failed", e);
        delay = THREAD_SCAN_NANOS;
      }
      try {
        Reference<? extends PyRef> first =
            collected.remove(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delay)));
        if (first != null) {
          drainCollected(first);
        }
      } catch (InterruptedException e) {
        return; // close() interrupts
      }
    }
  }

  /** Stops {@link #runHousekeeping} (after its current step) and forgets every session. */
  public void close() {
    closed = true;
    SessionScopes.unregister(this);
  }

  private void drainCollected(@Nullable Reference<? extends PyRef> first) {
    Map<PooledWorker, Map<String, Map<String, Long>>> batches = null;
    for (Reference<? extends PyRef> next = first != null ? first : collected.poll();
        next != null;
        next = collected.poll()) {
      RefEntry entry = (RefEntry) next;
      entry.forget();
      SessionState state = entry.session;
      if (state.refs.remove(entry.refId, entry)) {
        state.afterRemoval();
      }
      if (entry.dropped() || state.ended() || entry.worker.isGone()) {
        continue;
      }
      if (batches == null) {
        batches = new LinkedHashMap<>();
      }
      // One id can be queued twice (a copy collected, then its successor): counts add up.
      batches
          .computeIfAbsent(entry.worker, w -> new LinkedHashMap<>())
          .computeIfAbsent(state.id(), s -> new LinkedHashMap<>())
          .merge(entry.refId, (long) entry.receivedCount(), Long::sum);
    }
    if (batches != null) {
      batches.forEach(
          (worker, bySession) ->
              bySession.forEach((sessionId, refs) -> releases.later(worker, sessionId, refs)));
    }
  }

  private void endSessionsOfEndedThreads() {
    for (Iterator<SessionState> it = autoSessions.iterator(); it.hasNext(); ) {
      SessionState state = it.next();
      if (state.ended()) {
        it.remove();
      } else if (!Objects.requireNonNull(state.autoOwner(), "autoOwner").isAlive() && state.end()) {
        it.remove();
        sessions.remove(state.id(), state);
        onEnd.accept(state);
        new Ending(state, null).releaseInBackground();
      }
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    try {
      for (; ; ) {
        try {
          latch.await();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
