package io.snakebridge.internal.codec;

/**
 * A callback as the wire carries it (WIRE-PROTOCOL.md §5.4): what a fake worker reads from a CALL.
 *
 * @param id the callback id the JVM chose
 * @param name a name for messages, such as {@code Function}
 */
public record WireCallback(long id, String name) {}
