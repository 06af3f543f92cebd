package io.snakebridge.internal.wire;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One frame read from a worker: its kind, request id and body (WIRE-PROTOCOL.md §2).
 *
 * <p>The body is never modified while the frame holds it; a frame is safe to hand from the thread
 * that read it to the thread that waits for it. The array may be longer than the body: the body is
 * {@code body()[0, bodyLength())}.
 *
 * <p>A large body may sit in an array its reader lends out (see {@link FrameReader}). The one
 * thread that consumes the frame calls {@link #recycle()} once it no longer needs the body and has
 * kept nothing that points into it; the array then goes back to the reader for a later frame, and
 * this frame's body must not be read again. A frame never recycled costs only the reuse.
 */
public final class Frame {
  private static final byte[] EMPTY = new byte[0];

  private final FrameKind kind;
  private final long id;
  private final byte[] body;
  private final int bodyLength;
  private final @Nullable FrameReader lender;
  private boolean recycled;

  /** A frame whose body is all of {@code body} (empty when null), which nobody recycles. */
  public Frame(FrameKind kind, long id, byte[] body) {
    this(kind, id, body == null ? EMPTY : body, body == null ? 0 : body.length, null);
  }

  Frame(FrameKind kind, long id, byte[] body, int bodyLength, @Nullable FrameReader lender) {
    Objects.checkFromIndexSize(0, bodyLength, body.length);
    this.kind = kind;
    this.id = id;
    this.body = body;
    this.bodyLength = bodyLength;
    this.lender = lender;
  }

  /** Returns the frame's kind. */
  public FrameKind kind() {
    return kind;
  }

  /** Returns the request id this frame answers (an unsigned 64-bit value; 0 for HELLO). */
  public long id() {
    return id;
  }

  /**
   * Returns the array holding the body, which is its first {@link #bodyLength()} bytes: a value
   * section for kinds that have one, else nothing.
   *
   * @throws IllegalStateException after {@link #recycle()}
   */
  public byte[] body() {
    if (recycled) {
      throw new IllegalStateException("the body of " + this + " was recycled");
    }
    return body;
  }

  /** Returns the number of body bytes. */
  public int bodyLength() {
    return bodyLength;
  }

  /**
   * Gives a lent body array back to its reader; does nothing for other frames or when called again.
   * Only the frame's consumer calls it, after its last use of {@link #body()}.
   */
  public void recycle() {
    if (!recycled && lender != null) {
      recycled = true;
      lender.giveBack(body);
    }
  }

  @Override
  public String toString() {
    return kind + " frame, id " + Long.toUnsignedString(id) + ", " + bodyLength + " body bytes";
  }
}
