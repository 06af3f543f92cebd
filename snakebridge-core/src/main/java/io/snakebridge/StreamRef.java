package io.snakebridge;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A reference to a Python iterator: a generator, an async generator, or any other object whose type
 * has {@code __next__} and {@code __iter__} (or {@code __anext__} and {@code __aiter__}) and is not
 * a context manager. Calls return one wherever such an object appears in their result, also inside
 * a list or dict.
 *
 * <pre>{@code
 * StreamRef counter = (StreamRef) python.call("itertools", "count", 1);
 * counter.next();                                  // Optional[1]
 * try (PyStream items = python.openStream(counter)) {
 *   items.stream().limit(3).forEach(System.out::println);   // 2, 3, 4
 * }
 * counter.next();                                  // Optional[5]: the view took only three
 * counter.close();                                 // runs the generator's finally blocks
 * }</pre>
 *
 * <p>Take its items with {@link #next()} (as {@link SnakeBridgeRuntime#streamNext}), {@link
 * SnakeBridgeRuntime#openStream(StreamRef)} or {@link SnakeBridgeRuntime#publisher(StreamRef)}
 * (none of them takes from Python an item that was not asked for), ask its length with {@link
 * SnakeBridgeRuntime#streamLen}, and end it with {@link SnakeBridgeRuntime#closeStream}. Passed as
 * an argument, Python receives the live iterator ({@code builtins.list} of it gives the remaining
 * items). Everything said of {@link PyRef} holds: identity, session, lifetime (a generator released
 * without being closed is closed by Python's garbage collector, so its {@code finally} blocks run
 * then).
 *
 * <p>Objects that iterate but are context managers, such as open files, {@code csv} readers and
 * pandas' {@code TextFileReader}, stay plain {@code PyRef}s; {@link SnakeBridgeRuntime#stream}
 * streams them all the same.
 *
 * <p>Immutable and thread-safe; the iterator it names is not: items taken from several threads at
 * once arrive in the order Python produced them, but which thread gets which is unspecified.
 *
 * @since 0.3
 */
public final class StreamRef extends PyRef {
  StreamRef(
      String refId, String sessionId, String typeName, String module, SnakeBridgeRuntime runtime) {
    super(refId, sessionId, typeName, module, runtime);
  }

  /**
   * Takes the next item from Python, on the runtime that made this reference: empty once the stream
   * is exhausted; a None item is {@link PyNone#NONE}. The same as {@link
   * SnakeBridgeRuntime#streamNext(StreamRef)}.
   *
   * @since 0.2
   */
  public Optional<Object> next() {
    return runtime().streamNext(this);
  }

  /**
   * Returns Python's {@code len()} of the iterator, or empty when its type has none; the same as
   * {@link SnakeBridgeRuntime#streamLen(StreamRef)}.
   *
   * @since 0.2
   */
  public OptionalLong len() {
    return runtime().streamLen(this);
  }

  /**
   * Closes the iterator in Python (a generator's {@code finally} blocks have run when this returns)
   * and releases the reference; idempotent. The same as {@link
   * SnakeBridgeRuntime#closeStream(StreamRef)}.
   *
   * @since 0.2
   */
  public void close() {
    runtime().closeStream(this);
  }
}
