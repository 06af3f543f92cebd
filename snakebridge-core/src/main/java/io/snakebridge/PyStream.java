package io.snakebridge;

import io.snakebridge.internal.runtime.StreamCursor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The items of a Python stream (a generator, an iterator, any iterable result) as a Java {@link
 * Iterator} and, through {@link #stream()}, a {@link Stream}. Made by {@link
 * SnakeBridgeRuntime#openStream(String, String, java.util.List, CallOptions)}, which runs a call
 * and streams its result, or by {@link SnakeBridgeRuntime#openStream(StreamRef)}, a view of a
 * stream reference you hold.
 *
 * <pre>{@code
 * try (PyStream rows = python.openStream("mymodule", "read_rows", List.of(path),
 *     CallOptions.defaults())) {
 *   while (rows.hasNext()) {
 *     Object row = rows.next();            // a Python None item is null
 *     ...
 *   }
 * }
 *
 * try (Stream<Object> numbers = python.openStream("builtins", "range", List.of(1_000_000),
 *     CallOptions.defaults()).stream()) {
 *   List<Object> firstSevens = numbers.filter(n -> (Long) n % 7 == 0).limit(3).toList();
 * }
 * }</pre>
 *
 * <p><b>Taking items.</b> Over a call, items arrive in batches of up to {@link
 * SnakeBridgeRuntime.Builder#streamBatchSize} and the next batch is asked for as soon as one
 * arrives, so Python produces the next items while Java consumes these (at most one batch is in
 * flight: a producer is never more than a batch ahead). Over a {@link StreamRef}, {@link
 * #hasNext()} takes exactly one item from Python when none is waiting and nothing is ever taken
 * ahead, so the reference can go on being used afterwards. {@link #hasNext()} may wait for Python,
 * at most the call's timeout for each batch or item, and throws what a call throws: a {@link
 * PythonException} when the Python iterator raised (after every item produced before the error), a
 * {@link CallTimeoutException}, a {@link WorkerCrashedException}... After it threw, the stream is
 * over.
 *
 * <p><b>Closing.</b> Close a stream you do not read to its end: over a call, closing cancels the
 * batch in flight and closes the Python iterator (a generator's {@code finally} blocks have run
 * when {@code close()} returns); an exhausted stream needs no call to close. Over a {@link
 * StreamRef}, closing only ends this view: close the reference itself with {@link
 * SnakeBridgeRuntime#closeStream}. Closing the {@link #stream()} closes this. A stream that is
 * never closed is cleaned up in Python only when its session ends or the garbage collector finds
 * this object unreachable.
 *
 * <p>Not thread-safe, like any iterator: one thread at a time takes items and closes it. The items
 * themselves (including {@link PyRef}s, which belong to the stream's session) may go to any thread.
 *
 * @since 0.3
 */
public final class PyStream implements Iterator<Object>, AutoCloseable {
  private final StreamCursor cursor;

  PyStream(StreamCursor cursor) {
    this.cursor = cursor;
  }

  /**
   * Returns whether there is another item, waiting for Python if needed.
   *
   * @throws IllegalStateException when the stream is closed
   * @throws PythonException when the Python iterator raised
   */
  @Override
  public boolean hasNext() {
    return cursor.hasNext();
  }

  /**
   * Returns the next item; a Python {@code None} is {@code null}.
   *
   * @throws NoSuchElementException when the stream is exhausted
   * @throws IllegalStateException when the stream is closed
   * @throws PythonException when the Python iterator raised
   */
  @Override
  public Object next() {
    return cursor.next();
  }

  /**
   * Returns the remaining items as a sequential, ordered {@link Stream} over this iterator (so it
   * shares its position); closing the stream closes this. Short-circuiting operations such as
   * {@code limit(n)} or {@code findFirst()} take no item beyond those they need.
   */
  public Stream<Object> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
        .onClose(this::close);
  }

  /**
   * Ends the stream; see "Closing" above. Idempotent.
   *
   * @throws PythonException when closing the Python iterator raised (its {@code finally} did)
   */
  @Override
  public void close() {
    cursor.close();
  }
}
