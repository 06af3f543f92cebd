package io.snakebridge.internal.wire;

/**
 * One frame read from a worker: its kind, request id and body (WIRE-PROTOCOL.md §2).
 *
 * <p>The body array is owned by the frame and is never modified after the frame is read; a frame
 * is safe to hand from the thread that read it to the thread that waits for it.
 */
public final class Frame {
  private static final byte[] EMPTY = new byte[0];

  private final FrameKind kind;
  private final long id;
  private final byte[] body;

  public Frame(FrameKind kind, long id, byte[] body) {
    this.kind = kind;
    this.id = id;
    this.body = body == null ? EMPTY : body;
  }

  /** Returns the frame's kind. */
  public FrameKind kind() {
    return kind;
  }

  /** Returns the request id this frame answers (an unsigned 64-bit value; 0 for HELLO). */
  public long id() {
    return id;
  }

  /** Returns the body: a value section for kinds that have one, else an empty array. */
  public byte[] body() {
    return body;
  }

  @Override
  public String toString() {
    return kind + " frame, id " + Long.toUnsignedString(id) + ", " + body.length + " body bytes";
  }
}
