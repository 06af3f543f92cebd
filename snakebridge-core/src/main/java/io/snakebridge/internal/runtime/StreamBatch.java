package io.snakebridge.internal.runtime;

import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One reply of a stream op (WIRE-PROTOCOL.md §6.2): the items it brought and whether the stream is
 * exhausted; for the {@code stream} op also the stream's reference, null when the call's result was
 * delivered as one item.
 *
 * @param stream the stream reference, or null (a single item, or a {@code stream_batch} reply)
 * @param items the items, in Python's order
 * @param done whether Python has no more items
 */
record StreamBatch(@Nullable PyRef stream, List<Object> items, boolean done) {
  /** Reads the {@code stream} op's {@code (stream, items, done)}. */
  static StreamBatch started(Object reply, String call) {
    if (reply instanceof List && ((List<?>) reply).size() == 3) {
      List<?> tuple = (List<?>) reply;
      Object stream = tuple.get(0);
      Object items = tuple.get(1);
      Object done = tuple.get(2);
      boolean single = stream == null && Boolean.TRUE.equals(done);
      if ((single || stream instanceof PyRef) && items instanceof List && done instanceof Boolean) {
        return new StreamBatch((PyRef) stream, list(items), (Boolean) done);
      }
    }
    throw malformed("stream", "(stream, items, done)", reply, call);
  }

  /** Reads {@code stream_batch}'s {@code (items, done)}. */
  static StreamBatch next(Object reply, String call) {
    if (reply instanceof List && ((List<?>) reply).size() == 2) {
      List<?> tuple = (List<?>) reply;
      if (tuple.get(0) instanceof List && tuple.get(1) instanceof Boolean) {
        return new StreamBatch(null, list(tuple.get(0)), (Boolean) tuple.get(1));
      }
    }
    throw malformed("stream_batch", "(items, done)", reply, call);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object items) {
    return (List<Object>) items;
  }

  static SnakeBridgeException malformed(String op, String shape, Object reply, String call) {
    return new SnakeBridgeException(
        "the Python worker answered the "
            + op
            + " op of "
            + call
            + " with "
            + (reply == null ? "None" : "a " + reply.getClass().getName())
            + " instead of "
            + shape
            + "; it does not follow WIRE-PROTOCOL.md §6.2");
  }
}
