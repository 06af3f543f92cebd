package io.snakebridge.internal.codec;

import io.snakebridge.PyRef;
import java.util.Objects;

/**
 * The target of a {@code ref_method} or {@code ref_attr} CALL (WIRE-PROTOCOL.md §5.3): the
 * reference goes through {@link LiveObjects#writeRef} like any other, so it is checked and routes
 * the call, but only its id is written, as a plain string; the worker finds the object in the
 * call's session, which {@code writeRef} has made the reference's own.
 *
 * @param ref the reference
 */
public record RefTarget(PyRef ref) {
  /** Checks that there is one. */
  public RefTarget {
    Objects.requireNonNull(ref, "ref");
  }
}
