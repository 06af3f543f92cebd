package io.snakebridge.internal.codec;

/**
 * Marks the reader's intermediate objects (an {@code sbw} callable, an out-of-band buffer, an
 * argument tuple holding one) that may sit on the pickle stack but must never end up inside a
 * decoded value. Containers refuse them, and so does {@code STOP}.
 */
interface StackOnly {

  /** A {@code NEXT_BUFFER} on the stack: the index of a buffer of the value section. */
  final class BufferRef implements StackOnly {
    final int index;

    BufferRef(int index) {
      this.index = index;
    }

    @Override
    public String toString() {
      return "out-of-band buffer " + index;
    }
  }

  /** The arguments of a {@code REDUCE} that hold a global or a buffer. */
  final class ArgsTuple implements StackOnly {
    final Object[] items;

    ArgsTuple(Object[] items) {
      this.items = items;
    }

    @Override
    public String toString() {
      return "an argument tuple holding a buffer or global";
    }
  }
}
