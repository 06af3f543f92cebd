package io.snakebridge.internal.wire;

import org.jspecify.annotations.Nullable;

/**
 * The kinds of frame of the wire protocol (WIRE-PROTOCOL.md §2 and §5.4, §5.6), with the code each
 * has on the wire and whether its body carries a value section.
 *
 * <p>Immutable and thread-safe.
 */
public enum FrameKind {
  HELLO(1, true),
  CALL(2, true),
  RESULT(3, true),
  ERROR(4, true),
  CANCEL(5, false),
  PING(6, false),
  PONG(7, false),
  SHUTDOWN(8, false),
  /** Worker to JVM: Python called a Java callback (§5.4); the id has its top bit set. */
  CALLBACK(16, true),
  /** JVM to worker: the callback's result, with the CALLBACK's id. */
  CALLBACK_RESULT(17, true),
  /** JVM to worker: the callback threw, with the CALLBACK's id. */
  CALLBACK_ERROR(18, true),
  /** JVM to worker: references or a whole session the JVM let go of (§5.6); never answered. */
  RELEASE(19, true);

  private static final FrameKind[] BY_CODE = new FrameKind[20];

  static {
    for (FrameKind kind : values()) {
      BY_CODE[kind.code] = kind;
    }
  }

  private final int code;
  private final boolean hasBody;

  FrameKind(int code, boolean hasBody) {
    this.code = code;
    this.hasBody = hasBody;
  }

  /** Returns the byte that identifies this kind on the wire. */
  public int code() {
    return code;
  }

  /** Returns whether frames of this kind carry a value section; the others have an empty body. */
  public boolean hasBody() {
    return hasBody;
  }

  /** Returns whether a worker may send this kind to the JVM. */
  public boolean fromWorker() {
    return this == HELLO || this == RESULT || this == ERROR || this == PONG || this == CALLBACK;
  }

  /** Returns the kind with this code, or null when the protocol defines none. */
  public static @Nullable FrameKind ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
