package io.snakebridge.internal.session;

import io.snakebridge.PyTuple;
import io.snakebridge.SessionOptions;
import io.snakebridge.internal.pool.PooledWorker;
import java.time.Duration;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * One session as one runtime knows it: its limits (sent with every CALL, WIRE-PROTOCOL.md §5.1),
 * its live references, the worker that holds its objects (its home), every worker that ran one of
 * its calls (each keeps the session until told to release it, §5.3) and its callbacks.
 *
 * <p>Thread-safe. The call path only reads volatile fields ({@link #wire()}, {@link #home()}); the
 * rare changes (a new reference's first arrival, a worker joining, the end) take this object's
 * monitor for a few field updates, never for I/O or waiting.
 */
public final class SessionState {
  private static final PooledWorker[] NO_WORKERS = {};

  private final String id;
  private final @Nullable Thread autoOwner;

  /** Live references by id; entries leave when released, dropped or collected. */
  final ConcurrentHashMap<String, RefEntry> refs = new ConcurrentHashMap<>();

  private volatile Limits limits;
  private volatile @Nullable PooledWorker home;
  private volatile PooledWorker[] workers = NO_WORKERS;
  private volatile boolean ended;
  private @Nullable IdentityHashMap<Object, Long> callbacks; // guarded by this

  private record Limits(int maxRefs, Duration ttl, PyTuple wire) {}

  SessionState(String id, @Nullable Thread autoOwner, int maxRefs, Duration ttl) {
    this.id = id;
    this.autoOwner = autoOwner;
    this.limits = limits(id, maxRefs, ttl);
  }

  private static Limits limits(String id, int maxRefs, Duration ttl) {
    // NO_TTL is infinity on the wire: the worker's age checks (last_used <= now - ttl) never hold.
    double seconds =
        SessionOptions.NO_TTL.equals(ttl)
            ? Double.POSITIVE_INFINITY
            : ttl.getSeconds() + ttl.getNano() / 1e9;
    return new Limits(maxRefs, ttl, PyTuple.of(id, (long) maxRefs, seconds));
  }

  /** Returns the session's id. */
  public String id() {
    return id;
  }

  /** Returns the thread an automatic session belongs to, or null for an explicit session. */
  @Nullable Thread autoOwner() {
    return autoOwner;
  }

  /** Returns the {@code session} element of a CALL: {@code (id, max_refs, ttl_seconds)}. */
  public PyTuple wire() {
    return limits.wire;
  }

  /** Sets the limits the next CALLs carry, if they differ from the current ones. */
  public void limits(int maxRefs, Duration ttl) {
    Limits current = limits;
    if (current.maxRefs != maxRefs || !current.ttl.equals(ttl)) {
      limits = limits(id, maxRefs, ttl);
    }
  }

  /**
   * Returns the worker holding the session's objects, where its calls must run, or null while the
   * session holds no reference.
   */
  public @Nullable PooledWorker home() {
    return home;
  }

  /** Forgets {@code gone} as the home: its objects died with it. */
  public synchronized void forgetHome(PooledWorker gone) {
    if (home == gone) {
      home = null;
    }
  }

  /** Returns every worker that ran a call of this session. */
  List<PooledWorker> workers() {
    return List.of(workers);
  }

  /**
   * Records that {@code worker} ran a call of this session, so that it hears of the session's end.
   * On the call path: a scan of a few entries; the monitor only the first time.
   */
  public void ranOn(PooledWorker worker) {
    for (PooledWorker known : workers) {
      if (known == worker) {
        return;
      }
    }
    synchronized (this) {
      addWorkerLocked(worker);
    }
  }

  private void addWorkerLocked(PooledWorker worker) {
    PooledWorker[] current = workers;
    for (PooledWorker known : current) {
      if (known == worker) {
        return;
      }
    }
    PooledWorker[] grown = Arrays.copyOf(current, current.length + 1);
    grown[current.length] = worker;
    workers = grown;
  }

  /** A new reference lives on {@code worker}: it becomes the home unless there is one. */
  void bind(PooledWorker worker) {
    // Called with this monitor held.
    PooledWorker current = home;
    if (current == null || current.isGone()) {
      home = worker;
    }
    addWorkerLocked(worker);
  }

  /** After an entry left {@link #refs}: without references there is no home. */
  synchronized void afterRemoval() {
    if (refs.isEmpty()) {
      home = null;
    }
  }

  /** Returns whether the session ended: released, or its last owner gone. */
  public boolean ended() {
    return ended;
  }

  /** Ends the session; returns false when it had already ended. */
  synchronized boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    home = null;
    for (RefEntry entry : refs.values()) {
      entry.drop();
      entry.forget();
    }
    refs.clear();
    return true;
  }

  /**
   * Returns the callback id of {@code function} in this session, registering it with {@code
   * register} (a few field updates) the first time.
   */
  public synchronized long callbackId(Object function, ToLongFunction<Object> register) {
    if (callbacks == null) {
      callbacks = new IdentityHashMap<>();
    }
    Long known = callbacks.get(function);
    if (known != null) {
      return known;
    }
    long id = register.applyAsLong(function);
    callbacks.put(function, id);
    return id;
  }

  /** Returns the ids of the session's callbacks. */
  public synchronized long[] callbackIds() {
    return callbacks == null
        ? new long[0]
        : callbacks.values().stream().mapToLong(Long::longValue).toArray();
  }

  @Override
  public String toString() {
    return "session " + id;
  }
}
