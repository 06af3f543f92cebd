package io.snakebridge;

import io.snakebridge.internal.session.CurrentSession;
import io.snakebridge.internal.session.SessionScopes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A session scope for the calls a block of code makes: inside {@code withSession} (or {@link
 * #run(Supplier)}), every call of this thread (on any runtime) runs in the block's session, so the
 * references it creates live together, in one worker, with the session's limits, and end together.
 *
 * <pre>{@code
 * long rows = SessionContext.withSession(() -> {
 *   PyRef frame = python.callClass("pandas", "DataFrame", Map.of("a", List.of(1, 2, 3)));
 *   return (Long) python.call("builtins", "len", frame);
 * });   // the block's session has ended: frame is released
 * }</pre>
 *
 * <p>A reference returned from a {@code withSession} block is dead once the block ends (its last
 * owner left). An object that outlives a block, such as a fitted model used by every request
 * thread, belongs to a session opened with {@link #open(SessionOptions)}, which lives until the
 * handle is closed:
 *
 * <pre>{@code
 * SessionContext models = SessionContext.open(
 *     SessionOptions.defaults().ttl(SessionOptions.NO_TTL));
 * PyRef model = models.run(() -> {
 *   PyRef m = python.callClass("sklearn.linear_model", "LinearRegression");
 *   m.callMethod("fit", x, y);
 *   return m;
 * });
 * // any thread, any time until models.close():
 * Object predictions = model.callMethod("predict", rows);
 * }</pre>
 *
 * <p><b>Which session a call uses</b>, first match wins: {@link CallOptions#sessionId}; the session
 * of the {@link PyRef}s the call passes (a reference always runs in its own session); the innermost
 * {@code withSession} of the calling thread; inside a {@link PyCallable}, the session of the call
 * that invoked it; otherwise the runtime's automatic session of the calling thread (see {@link
 * SnakeBridgeRuntime#currentSession}).
 *
 * <p><b>Lifetime.</b> Blocks nest; the previous context is restored when a block ends, also when it
 * throws. Several threads may enter the same session id at the same time and pass its references
 * between them; the session is released, in every runtime that used it, when the last of them
 * leaves its block (an {@code *Async} call started inside a block counts as being inside until it
 * completes), or earlier by {@link SnakeBridgeRuntime#releaseSession}. So a session whose
 * references another thread will use must be entered by that thread before the creating thread
 * leaves. A session named only through {@link CallOptions#sessionId} has no owners: it lives until
 * {@code releaseSession} (or its references expire). An open handle ({@link #open}) is an owner
 * that belongs to no thread: the session lives while it is open, whoever enters or leaves blocks of
 * it, and {@link #close()} gives that ownership up.
 *
 * <p><b>References and the garbage collector.</b> A session keeps its references for as long as it
 * lives, but a {@link PyRef} that Java no longer reaches is released in Python after a garbage
 * collection even while its session lives (only that one object; the session goes on). Ending the
 * session releases everything it still holds; a {@code PyRef} collected after that sends nothing.
 * So keep the {@code PyRef}s you will use, and end sessions rather than relying on the collector,
 * whose timing is not predictable.
 *
 * <p>Instances are thread-safe (immutable apart from an open handle's closing); the static methods
 * act on the calling thread, {@link #run(Supplier)} on the thread that calls it.
 *
 * @since 0.2
 */
public final class SessionContext implements AutoCloseable {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final String PREFIX = Long.toHexString(new SecureRandom().nextLong() >>> 16);

  private final String sessionId;
  private final int maxRefs;
  private final Duration ttl;
  private final Map<String, String> tags;
  private final Instant createdAt;
  private final Thread owner;

  /** Set for an open handle while it owns its session; null for a block's context. */
  private final @Nullable AtomicBoolean open;

  private SessionContext(String sessionId, SessionOptions options, Thread owner, boolean handle) {
    this.sessionId = sessionId;
    this.maxRefs = options.maxRefs();
    this.ttl = options.ttl();
    this.tags = options.tags();
    this.createdAt = Instant.now();
    this.owner = owner;
    this.open = handle ? new AtomicBoolean(true) : null;
  }

  /**
   * Opens the session {@code options} describe (a new one with a generated id unless they name one)
   * and returns an owner handle of it: while the handle is open the session lives, whatever threads
   * enter or leave blocks of it, so references made in it (by {@link #run(Supplier)}, or by calls
   * with {@link CallOptions#sessionId} of its id) can be used from any thread. {@link #close()}
   * gives the ownership up; the session ends when its last owner is gone.
   *
   * <p>The handle is not tied to a thread: any thread may {@code run} in it or close it.
   *
   * @since 0.2
   */
  public static SessionContext open(SessionOptions options) {
    Objects.requireNonNull(options, "options");
    String id = options.sessionId().orElseGet(SessionContext::generatedId);
    SessionContext handle = new SessionContext(id, options, Thread.currentThread(), true);
    SessionScopes.open(id);
    return handle;
  }

  /**
   * Runs {@code body} in this session on the calling thread, from any thread, as {@link
   * #withSession(SessionOptions, Supplier)} would with this session's id and limits: the thread is
   * one of the session's owners meanwhile, and its previous context is restored afterwards, also
   * when the body throws. Returns what the body returns.
   *
   * @throws IllegalStateException when this is a handle that was closed
   * @since 0.2
   */
  public <T> T run(Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    if (open != null && !open.get()) {
      throw new IllegalStateException("session " + sessionId + ": its handle is closed");
    }
    SessionContext previous = CurrentSession.get();
    SessionScopes.enter(sessionId);
    CurrentSession.set(this);
    try {
      return body.get();
    } finally {
      CurrentSession.set(previous);
      SessionScopes.leave(sessionId);
    }
  }

  /**
   * Like {@link #run(Supplier)}, for a body without a result.
   *
   * @since 0.2
   */
  public void run(Runnable body) {
    Objects.requireNonNull(body, "body");
    run(
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * Closes an owner handle made by {@link #open}: it stops owning the session, which ends (its
   * references are released in every runtime that used it) unless other owners remain. Idempotent.
   * On the context of a {@code withSession} block, which owns nothing through it, this does
   * nothing: the block ends when it returns.
   *
   * @since 0.2
   */
  @Override
  public void close() {
    if (open != null && open.compareAndSet(true, false)) {
      SessionScopes.close(sessionId);
    }
  }

  /** Runs {@code body} in a new session with a generated id and the default limits. */
  public static <T> T withSession(Supplier<T> body) {
    return withSession(SessionOptions.defaults(), body);
  }

  /**
   * Runs {@code body} in the session {@code options} describe, entering it as one of its owners;
   * returns what the body returns.
   */
  public static <T> T withSession(SessionOptions options, Supplier<T> body) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(body, "body");
    String id = options.sessionId().orElseGet(SessionContext::generatedId);
    return new SessionContext(id, options, Thread.currentThread(), false).run(body);
  }

  /** Like {@link #withSession(SessionOptions, Supplier)}, for a body without a result. */
  public static void withSession(SessionOptions options, Runnable body) {
    Objects.requireNonNull(body, "body");
    withSession(
        options,
        () -> {
          body.run();
          return null;
        });
  }

  /** Returns the calling thread's innermost session context, or empty outside any block. */
  public static Optional<SessionContext> current() {
    return Optional.ofNullable(CurrentSession.get());
  }

  private static String generatedId() {
    return "session_" + PREFIX + "_" + COUNTER.incrementAndGet();
  }

  /** Returns the session's id. */
  public String sessionId() {
    return sessionId;
  }

  /** Returns the session's limit of live references. */
  public int maxRefs() {
    return maxRefs;
  }

  /** Returns how long an unused reference lives; {@link SessionOptions#NO_TTL} for ever. */
  public Duration ttl() {
    return ttl;
  }

  /** Returns the tags given in the options; unmodifiable. */
  public Map<String, String> tags() {
    return tags;
  }

  /** Returns when this block entered the session, or when the handle was opened. */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * Returns the thread that entered the session with this context; for a handle from {@link #open},
   * the thread that opened it (the handle belongs to no thread).
   */
  public Thread owner() {
    return owner;
  }

  @Override
  public String toString() {
    return "SessionContext{"
        + sessionId
        + ", maxRefs="
        + maxRefs
        + ", ttl="
        + ttl
        + (tags.isEmpty() ? "" : ", tags=" + tags)
        + ", owner="
        + owner.getName()
        + (open == null ? "" : open.get() ? ", open" : ", closed")
        + "}";
  }
}
