package io.snakebridge.internal.wire;

import java.io.IOException;

/**
 * Thrown when bytes read from a worker break the framing rules of WIRE-PROTOCOL.md §2: a length out
 * of range, an unknown kind, non-zero flags, a frame cut short by end of stream, or a frame the JVM
 * never expects from a worker. The peer can no longer be trusted and must be stopped.
 *
 * <p>It is an {@link IOException} because it surfaces from the same reads as a broken pipe; callers
 * that care tell the two apart by type.
 */
public final class FrameFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public FrameFormatException(String message) {
    super(message);
  }
}
