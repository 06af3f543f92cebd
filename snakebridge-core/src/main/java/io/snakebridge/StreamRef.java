package io.snakebridge;

/**
 * A reference to a Python iterator: a generator, an async generator, or any other object whose
 * type has {@code __next__} and {@code __iter__} (or {@code __anext__} and {@code __aiter__}) and
 * is not a context manager. Calls return one wherever such an object appears in their result,
 * also inside a list or dict.
 *
 * <pre>{@code
 * StreamRef counter = (StreamRef) python.call("itertools", "count", 1);
 * python.streamNext(counter);                      // Optional[1]
 * try (PyStream items = python.openStream(counter)) {
 *   items.stream().limit(3).forEach(System.out::println);   // 2, 3, 4
 * }
 * python.streamNext(counter);                      // Optional[5]: the view took only three
 * python.closeStream(counter);                     // runs the generator's finally blocks
 * }</pre>
 *
 * <p>Take its items with {@link SnakeBridgeRuntime#streamNext}, {@link
 * SnakeBridgeRuntime#openStream(StreamRef)} or {@link SnakeBridgeRuntime#publisher(StreamRef)}
 * (none of them takes from Python an item that was not asked for), ask its length with {@link
 * SnakeBridgeRuntime#streamLen}, and end it with {@link SnakeBridgeRuntime#closeStream}. Passed
 * as an argument, Python receives the live iterator ({@code builtins.list} of it gives the
 * remaining items). Everything said of {@link PyRef} holds: identity, session, lifetime (a
 * generator released without being closed is closed by Python's garbage collector, so its {@code
 * finally} blocks run then).
 *
 * <p>Objects that iterate but are context managers, such as open files, {@code csv} readers and
 * pandas' {@code TextFileReader}, stay plain {@code PyRef}s; {@link SnakeBridgeRuntime#stream}
 * streams them all the same.
 *
 * <p>Immutable and thread-safe; the iterator it names is not: items taken from several threads
 * at once arrive in the order Python produced them, but which thread gets which is unspecified.
 *
 * @since 0.3
 */
public final class StreamRef extends PyRef {
  StreamRef(String refId, String sessionId, String typeName, String module,
      SnakeBridgeRuntime runtime) {
    super(refId, sessionId, typeName, module, runtime);
  }
}
