package io.snakebridge.internal.codec;

/**
 * A reference as the wire writes it (WIRE-PROTOCOL.md §5.2), without a runtime behind it: what a
 * fake worker reads from a CALL and writes into its replies. The writer emits {@code
 * sbw.ref(refId, sessionId, typeName, module)}, or the two-argument form when {@code typeName} is
 * null.
 *
 * @param refId the reference's id
 * @param sessionId its session
 * @param typeName the object's qualified type, or null in the JVM-to-worker form
 * @param module the type's top-level package, or null in the JVM-to-worker form
 */
public record WireRef(String refId, String sessionId, String typeName, String module) {
  /** The form the JVM sends. */
  public static WireRef of(String refId, String sessionId) {
    return new WireRef(refId, sessionId, null, null);
  }
}
