package io.snakebridge.internal.runtime;

import io.snakebridge.PyRef;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The pushed path of a stream this runtime opened with the {@code stream} op: items arrive in
 * batches (WIRE-PROTOCOL.md §6.3), and the next batch is asked for as soon as one arrives, before
 * any of its items is handed out, so Python produces while Java consumes, with exactly one batch in
 * flight. An exhausted stream's reference is released at once (a RELEASE frame, no call); one
 * closed early is cancelled and closed in Python.
 *
 * <p>Not thread-safe: one consumer at a time.
 */
final class BatchedCursor implements StreamCursor {
  private final Streams streams;
  private final String call;
  private final Duration timeout;

  /** The stream's reference while Python may still hold items; null for a single item. */
  private @Nullable PyRef stream;

  private List<Object> items;
  private int index;
  private boolean done;
  private @Nullable InFlight ahead;
  private boolean closed;

  BatchedCursor(Streams streams, StreamBatch first, String call, Duration timeout) {
    this.streams = streams;
    this.call = call;
    this.timeout = timeout;
    this.stream = first.stream();
    take(first);
  }

  private void take(StreamBatch batch) {
    items = batch.items();
    index = 0;
    done = batch.done();
    if (done) {
      end();
    } else {
      ahead =
          streams.batchAhead(
              Objects.requireNonNull(stream), streams.batchSize(), timeout, call); // open
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("the stream of " + call + " is closed");
    }
    while (index == items.size()) {
      if (done) {
        return false;
      }
      InFlight next = ahead;
      ahead = null;
      StreamBatch batch;
      try {
        batch = Objects.requireNonNull(next).await(); // not done: a batch is ahead
      } catch (RuntimeException | Error failure) {
        // The iterator raised (it is finished), or the worker is gone: nothing more will come.
        done = true;
        items = List.of();
        index = 0;
        end();
        throw failure;
      }
      take(batch);
    }
    return true;
  }

  @Override
  public Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the stream of " + call + " is exhausted");
    }
    return items.get(index++);
  }

  /** Python has nothing more: its reference goes, without waiting for the worker. */
  private void end() {
    PyRef ended = stream;
    stream = null;
    if (ended != null) {
      streams.release(ended);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    items = List.of();
    index = 0;
    PyRef open = stream;
    InFlight next = ahead;
    stream = null;
    ahead = null;
    if (open == null) {
      return; // exhausted or failed: already released
    }
    if (next != null) {
      next.abandon(true);
    }
    streams.close(open, timeout, call);
  }
}
