package io.snakebridge.internal.runtime;

import java.util.Iterator;

/**
 * The items of one Python stream as an iterator (WIRE-PROTOCOL.md §6): what {@link
 * io.snakebridge.PyStream} wraps. {@link #hasNext()} may wait for Python, and throws what the
 * stream's calls throw ({@link io.snakebridge.PythonException} when the iterator raised, {@link
 * io.snakebridge.CallTimeoutException}, ...); once it threw, the stream is over.
 *
 * <p>Not thread-safe: one thread at a time, like any iterator.
 */
public interface StreamCursor extends Iterator<Object> {
  /**
   * Ends the stream: a stream this cursor opened is closed in Python (its {@code finally} blocks
   * run before this returns) unless it was exhausted already; a user's stream reference is left as
   * it is. Idempotent; afterwards {@link #hasNext()} and {@link #next()} throw {@link
   * IllegalStateException}.
   */
  void close();
}
