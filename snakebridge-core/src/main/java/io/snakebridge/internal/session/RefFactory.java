package io.snakebridge.internal.session;

import io.snakebridge.PyRef;
import org.jspecify.annotations.Nullable;

/**
 * Makes the public {@link PyRef} for a reference a worker returned. Implemented by the public
 * runtime type, which is the only place a {@code PyRef} can be constructed.
 *
 * <p>Implementations must be thread-safe and cheap: they run on callers' threads while a result is
 * decoded.
 */
@FunctionalInterface
public interface RefFactory {
  /**
   * Returns a new {@code PyRef}, a {@code StreamRef} when {@code stream} is set (WIRE-PROTOCOL.md
   * §6.1); the session table interns it.
   */
  PyRef create(String refId, String sessionId, String typeName, String module, boolean stream);

  /**
   * Returns why {@code ref} cannot be used here when it comes from another runtime, naming both
   * runtimes, or null when it comes from this one.
   */
  default @Nullable String foreign(PyRef ref) {
    return null;
  }
}
