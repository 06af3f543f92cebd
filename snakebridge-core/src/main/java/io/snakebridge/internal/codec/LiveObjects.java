package io.snakebridge.internal.codec;

import io.snakebridge.PyRef;
import org.jspecify.annotations.Nullable;

/**
 * The values that cross by identity instead of by value: references to Python objects ({@code
 * sbw.ref}, WIRE-PROTOCOL.md §5.2) and Java functions Python may call ({@code sbw.callback}, §5.4).
 * The codec does not know what they mean; it asks the runtime's {@code LiveObjects} for the call
 * being encoded or decoded.
 *
 * <p>Every method has a default that refuses the value, so an implementation overrides what its
 * direction needs: the runtime the writing of references and callbacks and the reading of
 * references; a fake worker the reading of both.
 */
public interface LiveObjects {
  /** Accepts nothing: plain values only. */
  LiveObjects NONE = new LiveObjects() {};

  /**
   * Called for each {@link PyRef} written (WIRE-PROTOCOL.md §5.2, Java to Python), before it is
   * written; may refuse it by throwing, which ends the encoding.
   */
  default void writeRef(PyRef ref) {
    throw new UnsupportedOperationException("references cannot be sent here");
  }

  /**
   * Registers a Java function (see {@link Functions}) for this call and returns its callback id.
   */
  default long writeCallback(Object function) {
    throw new UnsupportedOperationException("Java functions cannot be sent here");
  }

  /**
   * Returns the Java value of {@code sbw.ref}, or of {@code sbw.stream_ref} when {@code stream} is
   * set (WIRE-PROTOCOL.md §6.1: a reference to an iterator). From a worker all four arguments are
   * present; in the other direction (a fake worker reading a CALL) {@code typeName} and {@code
   * module} are null, and {@code stream} is false.
   */
  default Object readRef(
      String refId,
      String sessionId,
      @Nullable String typeName,
      @Nullable String module,
      boolean stream) {
    throw new UnsupportedOperationException("a reference is not expected here");
  }

  /** Returns the Java value of {@code sbw.callback(id, name)}: only a fake worker reads those. */
  default Object readCallback(long id, String name) {
    throw new UnsupportedOperationException("a callback is not expected here");
  }
}
