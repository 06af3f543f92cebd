package io.snakebridge.internal.runtime;

import io.snakebridge.PyRef;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The per-item path: one {@code stream_next} call (WIRE-PROTOCOL.md §6.2) for each item, made when
 * the item is asked for ({@link #hasNext()}), never ahead. Over a stream this runtime opened
 * (owned) the reference is released once exhausted and closed in Python when closed early; over a
 * user's {@link io.snakebridge.StreamRef} nothing is released or closed: the user may go on taking
 * items from it.
 *
 * <p>Not thread-safe: one consumer at a time.
 */
final class ItemCursor implements StreamCursor {
  private final Streams streams;
  private final boolean owned;
  private final String call;
  private final Duration timeout;
  private final List<Object> head;
  private int headIndex;

  /** The stream's reference while it may hold items; null for a single item, or once over. */
  private @Nullable PyRef stream;

  private boolean done;
  private boolean ready;
  private @Nullable Object item;
  private boolean closed;

  /**
   * @param head items already received (the {@code stream} op's first reply)
   * @param done whether there are no more than {@code head}
   * @param owned whether this cursor opened the stream (and so releases and closes it)
   */
  ItemCursor(
      Streams streams,
      @Nullable PyRef stream,
      List<Object> head,
      boolean done,
      boolean owned,
      String call,
      Duration timeout) {
    this.streams = streams;
    this.stream = stream;
    this.head = head;
    this.done = done || stream == null;
    this.owned = owned;
    this.call = call;
    this.timeout = timeout;
    if (this.done) {
      end();
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("the stream of " + call + " is closed");
    }
    if (ready) {
      return true;
    }
    if (headIndex < head.size()) {
      item = head.get(headIndex++);
      ready = true;
      return true;
    }
    if (done) {
      return false;
    }
    Object[] next;
    try {
      next = streams.next(Objects.requireNonNull(stream), timeout, call); // not done: open
    } catch (RuntimeException | Error failure) {
      done = true; // the iterator raised (it is finished), or the worker is gone
      end();
      throw failure;
    }
    if (next == null) {
      done = true;
      end();
      return false;
    }
    item = next[0];
    ready = true;
    return true;
  }

  @Override
  public @Nullable Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the stream of " + call + " is exhausted");
    }
    Object taken = item;
    item = null;
    ready = false;
    return taken;
  }

  private void end() {
    PyRef ended = stream;
    stream = null;
    if (owned && ended != null) {
      streams.release(ended);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ready = false;
    item = null;
    PyRef open = stream;
    stream = null;
    if (owned && open != null) {
      streams.close(open, timeout, call);
    }
  }
}
