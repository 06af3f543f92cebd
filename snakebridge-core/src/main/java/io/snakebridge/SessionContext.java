package io.snakebridge;

import io.snakebridge.internal.session.CurrentSession;
import io.snakebridge.internal.session.SessionScopes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A session scope for the calls a block of code makes: inside {@code withSession}, every call of
 * this thread (on any runtime) runs in the block's session, so the references it creates live
 * together, in one worker, with the session's limits, and end together.
 *
 * <pre>{@code
 * SessionOptions shared = SessionOptions.defaults().sessionId("model-7");
 * PyRef model = SessionContext.withSession(shared, () -> {
 *   PyRef m = python.callClass("sklearn.linear_model", "LinearRegression", List.of(),
 *       CallOptions.defaults());
 *   python.callMethod(m, "fit", x, y);
 *   return m;
 * });
 * }</pre>
 *
 * <p><b>Which session a call uses</b>, first match wins: {@link CallOptions#sessionId}; the session
 * of the {@link PyRef}s the call passes (a reference always runs in its own session); the innermost
 * {@code withSession} of the calling thread; inside a {@link PyCallable}, the session of the call
 * that invoked it; otherwise the runtime's automatic session of the calling thread (see {@link
 * SnakeBridgeRuntime#currentSession}).
 *
 * <p><b>Lifetime.</b> Blocks nest; the previous context is restored when a block ends, also when
 * it throws. Several threads may enter the same session id at the same time and pass its
 * references between them; the session is released, in every runtime that used it, when the last
 * of them leaves its block (an {@code *Async} call started inside a block counts as being inside
 * until it completes), or earlier by {@link SnakeBridgeRuntime#releaseSession}. So a session whose
 * references another thread will use must be entered by that thread before the creating thread
 * leaves. A session named only through {@link CallOptions#sessionId} has no owners: it lives until
 * {@code releaseSession} (or its references expire).
 *
 * <p><b>References and the garbage collector.</b> A session keeps its references for as long as it
 * lives, but a {@link PyRef} that Java no longer reaches is released in Python after a garbage
 * collection even while its session lives (only that one object; the session goes on). Ending
 * the session releases everything it still holds; a {@code PyRef} collected after that sends
 * nothing. So keep the {@code PyRef}s you will use, and end sessions rather than relying on the
 * collector, whose timing is not predictable.
 *
 * <p>Instances are immutable and thread-safe; the static methods act on the calling thread.
 *
 * @since 0.2
 */
public final class SessionContext {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final String PREFIX = Long.toHexString(new SecureRandom().nextLong() >>> 16);

  private final String sessionId;
  private final int maxRefs;
  private final Duration ttl;
  private final Map<String, String> tags;
  private final Instant createdAt;
  private final Thread owner;

  private SessionContext(String sessionId, SessionOptions options, Thread owner) {
    this.sessionId = sessionId;
    this.maxRefs = options.maxRefs();
    this.ttl = options.ttl();
    this.tags = options.tags();
    this.createdAt = Instant.now();
    this.owner = owner;
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
    SessionContext previous = CurrentSession.get();
    SessionContext context = new SessionContext(id, options, Thread.currentThread());
    SessionScopes.enter(id);
    CurrentSession.set(context);
    try {
      return body.get();
    } finally {
      CurrentSession.set(previous);
      SessionScopes.leave(id);
    }
  }

  /** Like {@link #withSession(SessionOptions, Supplier)}, for a body without a result. */
  public static void withSession(SessionOptions options, Runnable body) {
    Objects.requireNonNull(body, "body");
    withSession(options, () -> {
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

  /** Returns how long an unused reference of the session lives. */
  public Duration ttl() {
    return ttl;
  }

  /** Returns the tags given in the options; unmodifiable. */
  public Map<String, String> tags() {
    return tags;
  }

  /** Returns when this block entered the session. */
  public Instant createdAt() {
    return createdAt;
  }

  /** Returns the thread that entered the session with this context. */
  public Thread owner() {
    return owner;
  }

  @Override
  public String toString() {
    return "SessionContext{" + sessionId + ", maxRefs=" + maxRefs + ", ttl=" + ttl
        + (tags.isEmpty() ? "" : ", tags=" + tags) + ", owner=" + owner.getName() + "}";
  }
}
