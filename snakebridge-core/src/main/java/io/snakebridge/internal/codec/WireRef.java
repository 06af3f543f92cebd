package io.snakebridge.internal.codec;

import org.jspecify.annotations.Nullable;

/**
 * A reference as the wire writes it (WIRE-PROTOCOL.md §5.2), without a runtime behind it: what a
 * fake worker reads from a CALL and writes into its replies. The writer emits {@code sbw.ref(refId,
 * sessionId, typeName, module)}, {@code sbw.stream_ref(...)} with the same four arguments when
 * {@code stream} is set (§6.1), or the two-argument {@code sbw.ref} when {@code typeName} is null.
 *
 * @param refId the reference's id
 * @param sessionId its session
 * @param typeName the object's qualified type, or null in the JVM-to-worker form
 * @param module the type's top-level package, or null in the JVM-to-worker form
 * @param stream whether it is a stream reference (only a worker writes those)
 */
public record WireRef(
    String refId,
    String sessionId,
    @Nullable String typeName,
    @Nullable String module,
    boolean stream) {
  /** A plain reference ({@code sbw.ref}). */
  public WireRef(String refId, String sessionId, String typeName, String module) {
    this(refId, sessionId, typeName, module, false);
  }

  /** The form the JVM sends. */
  public static WireRef of(String refId, String sessionId) {
    return new WireRef(refId, sessionId, null, null, false);
  }
}
