package io.snakebridge;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of an explicit session ({@link SessionContext#withSession(SessionOptions,
 * java.util.function.Supplier)}): its id, and the limits every worker enforces on its references.
 * An immutable value: every wither returns a new instance.
 *
 * <pre>{@code
 * SessionOptions model = SessionOptions.defaults()
 *     .sessionId("churn-model")
 *     .maxRefs(100)
 *     .ttl(Duration.ofMinutes(10))
 *     .tags(Map.of("team", "ml"));
 * }</pre>
 *
 * <p>The limits are per session and enforced in Python: beyond {@link #maxRefs} live references the
 * least recently used one of the session is dropped, and a reference not used for {@link #ttl}
 * expires; using it afterwards throws {@link ReferenceNotFoundException}. They travel with every
 * call of the session, so a change applies from the next call on. Tags are for the application's
 * own bookkeeping; they are not sent to Python.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.2
 */
public final class SessionOptions {
  /** How many live references a session keeps unless set. */
  public static final int DEFAULT_MAX_REFS = 10_000;

  /** How long an unused reference lives unless set. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /**
   * The time to live of a session whose references never expire by age ({@link #ttl(Duration)}):
   * they live until released, evicted by {@link #maxRefs}, collected, or the session ends. Its
   * value is the longest {@code Duration}; compare with {@code equals}.
   *
   * @since 0.2
   */
  public static final Duration NO_TTL = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

  private static final SessionOptions DEFAULTS =
      new SessionOptions(null, DEFAULT_MAX_REFS, DEFAULT_TTL, Map.of());

  private final @Nullable String sessionId;
  private final int maxRefs;
  private final Duration ttl;
  private final Map<String, String> tags;

  private SessionOptions(
      @Nullable String sessionId, int maxRefs, Duration ttl, Map<String, String> tags) {
    this.sessionId = sessionId;
    this.maxRefs = maxRefs;
    this.ttl = ttl;
    this.tags = tags;
  }

  /**
   * Returns options with a generated session id, {@value #DEFAULT_MAX_REFS} references, a time to
   * live of one hour and no tags.
   */
  public static SessionOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns these options with a session id: threads entering sessions of the same id share the
   * session and its references.
   *
   * @param sessionId not blank
   */
  public SessionOptions sessionId(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    if (sessionId.isBlank()) {
      throw new IllegalArgumentException("sessionId must not be blank");
    }
    return new SessionOptions(sessionId, maxRefs, ttl, tags);
  }

  /**
   * Returns these options with a limit of live references, at least 1; default {@value
   * #DEFAULT_MAX_REFS}.
   */
  public SessionOptions maxRefs(int maxRefs) {
    if (maxRefs < 1) {
      throw new IllegalArgumentException("maxRefs must be at least 1: " + maxRefs);
    }
    return new SessionOptions(sessionId, maxRefs, ttl, tags);
  }

  /**
   * Returns these options with a time to live: a reference not used for this long expires;
   * positive, or {@link #NO_TTL} for none; default {@link #DEFAULT_TTL} (one hour).
   *
   * @throws NullPointerException when {@code ttl} is null (pass {@link #NO_TTL} for no limit)
   */
  public SessionOptions ttl(Duration ttl) {
    Objects.requireNonNull(
        ttl,
        "ttl is null; for references that never expire by age, pass " + "SessionOptions.NO_TTL");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    return new SessionOptions(sessionId, maxRefs, ttl, tags);
  }

  /** Returns these options with tags for the application's bookkeeping (never sent to Python). */
  public SessionOptions tags(Map<String, String> tags) {
    Objects.requireNonNull(tags, "tags");
    return new SessionOptions(sessionId, maxRefs, ttl, Map.copyOf(tags));
  }

  /** Returns the session id, or empty when a fresh one is generated for each session. */
  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  /** Returns the limit of live references. */
  public int maxRefs() {
    return maxRefs;
  }

  /** Returns the time to live of an unused reference; {@link #NO_TTL} when they never expire. */
  public Duration ttl() {
    return ttl;
  }

  /** Returns the tags; unmodifiable. */
  public Map<String, String> tags() {
    return tags;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof SessionOptions)) {
      return false;
    }
    SessionOptions that = (SessionOptions) other;
    return maxRefs == that.maxRefs
        && Objects.equals(sessionId, that.sessionId)
        && ttl.equals(that.ttl)
        && tags.equals(that.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sessionId, maxRefs, ttl, tags);
  }

  @Override
  public String toString() {
    return "SessionOptions{"
        + (sessionId == null ? "generated id" : "sessionId=" + sessionId)
        + ", maxRefs="
        + maxRefs
        + ", ttl="
        + (NO_TTL.equals(ttl) ? "NO_TTL" : ttl)
        + ", tags="
        + tags
        + "}";
  }
}
