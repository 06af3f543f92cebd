package io.snakebridge;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The per-call options of a Python call: keyword arguments, a timeout and routing hints. An
 * immutable value: every wither returns a new instance and leaves this one unchanged, so options
 * can be kept in constants and shared between threads.
 *
 * <pre>{@code
 * Object r = SnakeBridge.call("builtins", "round",
 *     CallOptions.kw("ndigits", 2).timeout(Duration.ofSeconds(5)), 2.675);   // 2.67
 * }</pre>
 *
 * <p>A call runs in the pool its options name (the runtime's default pool unless set), except a
 * call on a {@link PyRef} or passing one, which runs in the pool (and on the worker) holding that
 * object whatever its options say. An idempotent call is retried on another worker when its worker
 * crashes, once unless its pool says otherwise (see {@link #idempotent(boolean)}).
 *
 * @since 0.1
 */
public final class CallOptions {
  /** The name of a runtime's pool. */
  public static final String DEFAULT_POOL = "default";

  private static final CallOptions DEFAULTS =
      new CallOptions(Map.of(), null, false, DEFAULT_POOL, null, Affinity.STRICT_QUEUE);

  private final Map<String, Object> kwargs;
  private final @Nullable Duration timeout;
  private final boolean idempotent;
  private final String pool;
  private final @Nullable String sessionId;
  private final Affinity affinity;

  private CallOptions(
      Map<String, Object> kwargs,
      @Nullable Duration timeout,
      boolean idempotent,
      String pool,
      @Nullable String sessionId,
      Affinity affinity) {
    this.kwargs = kwargs;
    this.timeout = timeout;
    this.idempotent = idempotent;
    this.pool = pool;
    this.sessionId = sessionId;
    this.affinity = affinity;
  }

  /**
   * Returns the options with nothing set: no keyword arguments, the runtime's default timeout, the
   * default pool, no session, {@link Affinity#STRICT_QUEUE}, not idempotent.
   */
  public static CallOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the default options with one keyword argument: shorthand for {@code
   * defaults().kwarg(name, value)}, meant to be imported statically.
   *
   * <pre>{@code
   * Object floats = python.call("numpy", "array", kw("dtype", "float32"), List.of(1, 2, 3));
   * }</pre>
   *
   * @param name the parameter's name, not empty
   * @param value the argument, converted like positional arguments; may be null (Python None)
   * @since 0.2
   */
  public static CallOptions kw(String name, Object value) {
    return DEFAULTS.kwarg(name, value);
  }

  /**
   * Returns these options plus one keyword argument, replacing one of the same name.
   *
   * @param name the parameter's name, not empty
   * @param value the argument, converted like positional arguments; may be null (Python None)
   */
  public CallOptions kwarg(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(kwargs);
    copy.put(checkName(name), value);
    return withKwargs(copy);
  }

  /**
   * Returns these options plus all of {@code kwargs}, in the map's iteration order, replacing
   * keyword arguments of the same names.
   */
  public CallOptions kwargs(Map<String, ?> kwargs) {
    Objects.requireNonNull(kwargs, "kwargs");
    Map<String, Object> copy = new LinkedHashMap<>(this.kwargs);
    for (Map.Entry<String, ?> entry : kwargs.entrySet()) {
      copy.put(checkName(entry.getKey()), entry.getValue());
    }
    return withKwargs(copy);
  }

  /**
   * Returns these options with a timeout: the one deadline covering the wait for a worker and the
   * run. A call still running at its deadline fails with {@link CallTimeoutException}; its worker
   * is told to interrupt it and serves on if it stops within the pool's grace period ({@link
   * PoolOptions#cancelGrace()}), else it is killed and replaced.
   *
   * @param timeout positive
   */
  public CallOptions timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new CallOptions(kwargs, timeout, idempotent, pool, sessionId, affinity);
  }

  /**
   * Returns these options marking the call as safe to repeat: when the worker running it crashes
   * ({@link WorkerCrashedException}), it runs again on another worker, within the same deadline:
   * once, or as many times as its pool's {@link PoolOptions.Builder#crashRetries} says. It is never
   * retried after a timeout or a Python error, and not when it passes references, whose objects
   * died with the worker: that call fails with {@link SessionLostException}. Default false: a crash
   * fails the call.
   */
  public CallOptions idempotent(boolean idempotent) {
    return new CallOptions(kwargs, timeout, idempotent, pool, sessionId, affinity);
  }

  /**
   * Returns these options with a pool name: the call runs in that pool of the runtime ({@link
   * SnakeBridgeRuntime.Builder#pool}), unless it is made on or passes a {@link PyRef}, which runs
   * where its object lives. A runtime without a pool of that name rejects the call with {@link
   * IllegalArgumentException} naming the pools it has.
   */
  public CallOptions pool(String poolName) {
    Objects.requireNonNull(poolName, "poolName");
    if (poolName.isBlank()) {
      throw new IllegalArgumentException("poolName must not be blank");
    }
    return new CallOptions(kwargs, timeout, idempotent, poolName, sessionId, affinity);
  }

  /**
   * Returns these options with a session id: the call runs in that session, before any other choice
   * (see {@link SessionContext}); passing a reference of another session then fails with {@link
   * SessionMismatchException}.
   */
  public CallOptions sessionId(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    if (sessionId.isBlank()) {
      throw new IllegalArgumentException("sessionId must not be blank");
    }
    return new CallOptions(kwargs, timeout, idempotent, pool, sessionId, affinity);
  }

  /** Returns these options with a session affinity; see {@link Affinity}. */
  public CallOptions affinity(Affinity affinity) {
    Objects.requireNonNull(affinity, "affinity");
    return new CallOptions(kwargs, timeout, idempotent, pool, sessionId, affinity);
  }

  /** Returns the keyword arguments in the order they were added; unmodifiable. */
  public Map<String, Object> kwargs() {
    return kwargs;
  }

  /** Returns the timeout, or empty to use the runtime's default. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Returns whether the call is marked safe to repeat. */
  public boolean idempotent() {
    return idempotent;
  }

  /** Returns the pool name, {@value #DEFAULT_POOL} unless set. */
  public String pool() {
    return pool;
  }

  /** Returns the session id, or empty when none was set. */
  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  /** Returns the session affinity, {@link Affinity#STRICT_QUEUE} unless set. */
  public Affinity affinity() {
    return affinity;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof CallOptions)) {
      return false;
    }
    CallOptions that = (CallOptions) other;
    return idempotent == that.idempotent
        && kwargs.equals(that.kwargs)
        && Objects.equals(timeout, that.timeout)
        && pool.equals(that.pool)
        && Objects.equals(sessionId, that.sessionId)
        && affinity == that.affinity;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kwargs, timeout, idempotent, pool, sessionId, affinity);
  }

  @Override
  public String toString() {
    return "CallOptions{kwargs="
        + kwargs.keySet()
        + ", timeout="
        + (timeout == null ? "default" : timeout)
        + ", idempotent="
        + idempotent
        + ", pool="
        + pool
        + (sessionId == null ? "" : ", sessionId=" + sessionId)
        + ", affinity="
        + affinity
        + "}";
  }

  private CallOptions withKwargs(Map<String, Object> copy) {
    return new CallOptions(
        Collections.unmodifiableMap(copy), timeout, idempotent, pool, sessionId, affinity);
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "kwarg name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("kwarg name must not be empty");
    }
    return name;
  }
}
