package io.snakebridge;

/**
 * Python's {@code None} where Java's {@code null} cannot stand: an item of a stream taken with
 * {@link SnakeBridgeRuntime#streamNext}, whose {@code Optional} is empty only when the stream is
 * exhausted. Everywhere else {@code None} is {@code null}.
 *
 * <pre>{@code
 * Optional<Object> next = python.streamNext(stream);
 * if (next.isEmpty()) {
 *   // exhausted
 * } else if (next.get() == PyNone.NONE) {
 *   // the generator yielded None
 * }
 * }</pre>
 *
 * <p>Passed as an argument, {@code NONE} becomes {@code None}, so an item can be handed back to
 * Python as it came. Immutable and thread-safe.
 *
 * @since 0.3
 */
public enum PyNone {
  /** Python's {@code None}. */
  NONE;

  /** Returns {@code "None"}. */
  @Override
  public String toString() {
    return "None";
  }
}
