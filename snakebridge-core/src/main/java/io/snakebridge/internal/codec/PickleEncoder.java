package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Opcodes.ADDITEMS;
import static io.snakebridge.internal.codec.Opcodes.APPENDS;
import static io.snakebridge.internal.codec.Opcodes.EMPTY_DICT;
import static io.snakebridge.internal.codec.Opcodes.EMPTY_LIST;
import static io.snakebridge.internal.codec.Opcodes.EMPTY_SET;
import static io.snakebridge.internal.codec.Opcodes.EMPTY_TUPLE;
import static io.snakebridge.internal.codec.Opcodes.FROZENSET;
import static io.snakebridge.internal.codec.Opcodes.MARK;
import static io.snakebridge.internal.codec.Opcodes.NEWFALSE;
import static io.snakebridge.internal.codec.Opcodes.NEWTRUE;
import static io.snakebridge.internal.codec.Opcodes.NONE;
import static io.snakebridge.internal.codec.Opcodes.PROTO;
import static io.snakebridge.internal.codec.Opcodes.PROTOCOL;
import static io.snakebridge.internal.codec.Opcodes.REDUCE;
import static io.snakebridge.internal.codec.Opcodes.SETITEMS;
import static io.snakebridge.internal.codec.Opcodes.STOP;
import static io.snakebridge.internal.codec.Opcodes.TUPLE;
import static io.snakebridge.internal.codec.Opcodes.TUPLE1;
import static io.snakebridge.internal.codec.Opcodes.TUPLE2;

import io.snakebridge.ConversionException;
import io.snakebridge.NdArray;
import io.snakebridge.PyFrozenSet;
import io.snakebridge.PyHandle;
import io.snakebridge.PyNonFiniteDecimal;
import io.snakebridge.PyNone;
import io.snakebridge.PyRef;
import io.snakebridge.PyTuple;
import io.snakebridge.StreamRef;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes one value section: walks the Java value with an explicit stack (no recursion, so the depth
 * limit, not the thread's stack size, bounds nesting) and emits the restricted pickle. Not
 * thread-safe; {@link ValueWriter} makes one per encoding.
 *
 * <p>Maintainer notes. Each container writes its opening opcodes when it is pushed and its closing
 * opcode ({@code APPENDS}, {@code SETITEMS}, {@code TUPLE}...) when its elements run out. Empty
 * containers never get a frame. Paths for error messages are rebuilt from the frames only when
 * something fails, so the hot path pays nothing for them. References and Java functions are handed
 * to the call's {@link LiveObjects} as they are met; whatever it throws ends the encoding unchanged
 * (a released reference is not a conversion problem).
 */
final class PickleEncoder {
  private static final int INITIAL_CAPACITY = 256;

  private final int maxDepth;
  private final long maxBody;
  private final PickleOutput out;
  private final @Nullable String rootName;
  private final LiveObjects live;
  private EncoderFrame[] frames = new EncoderFrame[4];
  private int depth;
  private OutOfBandBuffer @Nullable [] buffers;
  private int bufferCount;

  PickleEncoder(CodecLimits limits, @Nullable String rootName, LiveObjects live) {
    this.live = live;
    this.maxDepth = limits.maxDepth();
    this.maxBody = limits.maxBodyBytes();
    // Budget for pickle + buffers; the header and padding are checked exactly at the end.
    this.out = new PickleOutput(INITIAL_CAPACITY, maxBody - PickleOutput.HEADER_ROOM);
    this.rootName = rootName;
  }

  EncodedValue encodeTuple(Object[] items, String @Nullable [] names) {
    out.op2(PROTO, PROTOCOL);
    try {
      if (items.length == 0) {
        out.op(EMPTY_TUPLE);
      } else {
        if (items.length > 3) {
          out.op(MARK);
        }
        push().openArray(EncoderFrame.ROOT, items, names);
        drain();
      }
      return finish(items);
    } catch (PickleOutput.LimitExceeded e) {
      throw tooLarge(items, e.atLeast);
    }
  }

  EncodedValue encode(@Nullable Object value) {
    out.op2(PROTO, PROTOCOL);
    try {
      write(value, false);
      drain();
      return finish(value);
    } catch (PickleOutput.LimitExceeded e) {
      throw tooLarge(value, e.atLeast);
    }
  }

  private EncodedValue finish(@Nullable Object root) {
    out.op(STOP);
    long pickleLength = out.pickleLength();
    // Zero padding after the pickle, always (§2.1), appended to the buffer so that a section
    // without out-of-band buffers is still one contiguous array.
    long pickleEnd = 8L + 8L * bufferCount + pickleLength;
    out.zeros((int) (EncodedValue.align(pickleEnd) - pickleEnd));
    EncodedValue encoded = new EncodedValue(out, pickleLength, buffers, bufferCount);
    if (encoded.bodyLength() > maxBody) {
      throw tooLarge(root, encoded.bodyLength());
    }
    return encoded;
  }

  /** Writes the elements of every open container, closing each when it runs out. */
  private void drain() {
    while (depth > 0) {
      EncoderFrame frame = frames[depth - 1];
      boolean more;
      try {
        more = frame.advance();
      } catch (ConcurrentModificationException
          | IndexOutOfBoundsException
          | NoSuchElementException e) {
        throw modified(frame.source, depth - 1);
      }
      if (more) {
        write(frame.current, frame.currentMustBeHashable());
      } else {
        if (frame.resized()) {
          throw modified(frame.source, depth - 1);
        }
        depth--;
        close(frame);
      }
    }
  }

  /**
   * A collection changed while it was being written (by another thread, say): what was written is
   * no snapshot of it. {@code frameCount} frames lead to it; its own frame, if any, is in no state
   * to name an element.
   */
  private ConversionException modified(@Nullable Object collection, int frameCount) {
    return new ConversionException(
        "the collection was modified while it was being encoded;"
            + " pass a copy or keep other threads from changing it during the call",
        javaType(collection),
        null,
        path(frameCount));
  }

  private void write(@Nullable Object value, boolean mustBeHashable) {
    if (value == null) {
      out.op(NONE);
      return;
    }
    Class<?> type = value.getClass();
    if (type == String.class) {
      out.writeString((String) value);
    } else if (type == Long.class || type == Integer.class) {
      out.writeLong(((Number) value).longValue());
    } else if (type == Double.class) {
      out.writeDouble((Double) value);
    } else if (type == Boolean.class) {
      out.op((Boolean) value ? NEWTRUE : NEWFALSE);
    } else if (type == byte[].class) {
      out.writeBytes((byte[]) value);
    } else if (value instanceof Number) {
      writeNumber((Number) value);
    } else if (type == Character.class) {
      out.writeString(value.toString());
    } else if (value instanceof Collection || value instanceof Map || type.isArray()) {
      writeContainer(value, mustBeHashable);
    } else if (type == PyRef.class || type == StreamRef.class) {
      writeRef((PyRef) value); // a stream reference goes back as a plain sbw.ref (§6.1)
    } else if (value instanceof PyHandle) {
      writeRef(((PyHandle) value).ref()); // a typed handle goes as the reference it wraps
    } else if (type == PyNone.class) {
      out.op(NONE);
    } else if (type == RefTarget.class) {
      PyRef ref = ((RefTarget) value).ref();
      checkRef(ref);
      out.writeString(ref.refId());
    } else {
      writeSbw(value, mustBeHashable);
    }
  }

  private void writeRef(PyRef ref) {
    checkRef(ref);
    out.raw(SbwGlobal.REF.reference);
    out.writeString(ref.refId());
    out.writeString(ref.sessionId());
    out.op2(TUPLE2, REDUCE);
  }

  private void checkRef(PyRef ref) {
    try {
      live.writeRef(ref);
    } catch (UnsupportedOperationException refused) {
      throw refuse(ref, String.valueOf(refused.getMessage()));
    }
  }

  /** Writes a Java function Python may call; false when {@code value} is none. */
  private boolean writeFunction(Object value) {
    String kind = Functions.kind(value);
    if (kind == null) {
      return false;
    }
    long id;
    try {
      id = live.writeCallback(value);
    } catch (UnsupportedOperationException refused) {
      throw refuse(value, String.valueOf(refused.getMessage()));
    }
    writeCallback(id, kind);
    return true;
  }

  private void writeCallback(long id, String name) {
    out.raw(SbwGlobal.CALLBACK.reference);
    out.writeLong(id);
    out.writeString(name);
    out.op2(TUPLE2, REDUCE);
  }

  private void writeWireRef(WireRef ref) {
    out.raw((ref.stream() ? SbwGlobal.STREAM_REF : SbwGlobal.REF).reference);
    if (ref.typeName() == null) {
      out.writeString(ref.refId());
      out.writeString(ref.sessionId());
      out.op2(TUPLE2, REDUCE);
      return;
    }
    out.op(MARK);
    out.writeString(ref.refId());
    out.writeString(ref.sessionId());
    out.writeString(ref.typeName());
    out.writeString(java.util.Objects.requireNonNull(ref.module(), "module")); // set with typeName
    out.op2(TUPLE, REDUCE);
  }

  private void writeNumber(Number value) {
    if (value instanceof Short || value instanceof Byte) {
      out.writeLong(value.longValue());
    } else if (value instanceof BigInteger) {
      out.writeBigInteger((BigInteger) value);
    } else if (value instanceof Float) {
      out.writeDouble(value.doubleValue());
    } else if (value instanceof BigDecimal) {
      writeSbw(value, false);
    } else {
      throw refuse(
          value,
          "no Python mapping for this Number type; pass a Long, Double, "
              + "BigInteger or BigDecimal");
    }
  }

  private void writeContainer(Object value, boolean mustBeHashable) {
    if (value instanceof PyTuple) {
      writeTuple((PyTuple) value, mustBeHashable);
      return;
    }
    if (value instanceof PyFrozenSet) {
      writeFrozenSet((PyFrozenSet) value);
      return;
    }
    if (mustBeHashable) {
      throw refuse(
          value,
          "unhashable in Python: a dict key or set element must not be a "
              + "list, dict, set or array (use a PyTuple or a PyFrozenSet)");
    }
    // Every container counts towards the depth, empty ones too, as the reader counts them.
    checkDepth(value);
    if (value instanceof List) {
      writeList((List<?>) value);
    } else if (value instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) value;
      checkKeys(map, map.keySet(), "keys", "dict");
      openIterated(EMPTY_DICT, EncoderFrame.MAP, map, map.entrySet(), map.size());
    } else if (value instanceof Set) {
      Set<?> set = (Set<?>) value;
      checkKeys(set, set, "elements", "set");
      openIterated(EMPTY_SET, EncoderFrame.SET, set, set, set.size());
    } else if (value instanceof Object[]) {
      Object[] array = (Object[]) value;
      out.op(EMPTY_LIST);
      if (array.length > 0) {
        out.op(MARK);
        push().openArray(EncoderFrame.ARRAY, array, null);
      }
    } else if (value.getClass().isArray()) {
      PrimitiveLists.write(out, value);
    } else {
      throw refuse(value, "no Python mapping for this Collection type; pass a List or a Set");
    }
  }

  private void writeTuple(PyTuple tuple, boolean mustBeHashable) {
    checkDepth(tuple);
    int size = tuple.size();
    if (size == 0) {
      out.op(EMPTY_TUPLE);
      return;
    }
    if (size > 3) {
      out.op(MARK);
    }
    EncoderFrame frame = push();
    frame.openList(EncoderFrame.TUPLE, tuple, size);
    frame.hashableItems = mustBeHashable;
  }

  /**
   * {@code MARK}, the elements (which must be hashable), {@code FROZENSET}: as CPython writes one.
   */
  private void writeFrozenSet(PyFrozenSet set) {
    checkDepth(set);
    out.op(MARK);
    if (set.isEmpty()) {
      out.op(FROZENSET);
      return;
    }
    push().openIterator(EncoderFrame.FROZENSET, set.iterator(), set.size());
  }

  private void writeList(List<?> list) {
    out.op(EMPTY_LIST);
    int size = list.size();
    if (size == 0) {
      return;
    }
    out.op(MARK);
    EncoderFrame frame = push();
    if (list instanceof RandomAccess) {
      frame.openList(EncoderFrame.INDEXED_LIST, list, size);
    } else {
      frame.openIterator(EncoderFrame.ITERATED_LIST, list.iterator(), size);
    }
    frame.source = list;
  }

  /** Refuses keys (or elements) that are distinct in Java but one in Python (PythonKeys). */
  private void checkKeys(Object container, Collection<?> keys, String what, String pythonType) {
    if (keys.size() < 2) {
      return;
    }
    Object[] clash;
    try {
      clash = PythonKeys.collision(keys);
    } catch (ConcurrentModificationException | NoSuchElementException e) {
      throw modified(container, depth);
    }
    if (clash != null) {
      throw new ConversionException(
          "the "
              + what
              + " "
              + describeKey(clash[0])
              + " and "
              + describeKey(clash[1])
              + " are distinct in Java but equal in Python, where the "
              + pythonType
              + " would keep only one of them",
          javaType(container),
          null,
          path());
    }
  }

  private static String describeKey(Object key) {
    if (key == null) {
      return "null";
    }
    String text =
        key instanceof byte[]
            ? "byte["
                + ((byte[]) key).length
                + "] "
                + Arrays.toString(Arrays.copyOf((byte[]) key, Math.min(8, ((byte[]) key).length)))
            : key instanceof String ? '"' + (String) key + '"' : String.valueOf(key);
    if (text.length() > 60) {
      text = text.substring(0, 57) + "...";
    }
    return text + " (" + key.getClass().getSimpleName() + ")";
  }

  private void openIterated(
      int emptyOpcode, int kind, Object source, Collection<?> items, int size) {
    out.op(emptyOpcode);
    if (size == 0) {
      return;
    }
    out.op(MARK);
    EncoderFrame frame = push();
    frame.openIterator(kind, items.iterator(), size);
    frame.source = source;
  }

  private void close(EncoderFrame frame) {
    switch (frame.kind) {
      case EncoderFrame.ROOT:
      case EncoderFrame.TUPLE:
        out.op(frame.size <= 3 ? TUPLE1 - 1 + frame.size : TUPLE);
        break;
      case EncoderFrame.MAP:
        out.op(SETITEMS);
        break;
      case EncoderFrame.SET:
        out.op(ADDITEMS);
        break;
      case EncoderFrame.FROZENSET:
        out.op(FROZENSET);
        break;
      default:
        out.op(APPENDS);
        break;
    }
  }

  private void writeSbw(Object value, boolean mustBeHashable) {
    try {
      if (value instanceof NdArray) {
        if (mustBeHashable) {
          throw refuse(
              value, "unhashable in Python: a numpy array cannot be a dict key or set element");
        }
        if (bufferCount == EncodedValue.MAX_BUFFERS) {
          throw refuse(
              value, "more than " + EncodedValue.MAX_BUFFERS + " numpy arrays in one value");
        }
        addBuffer(SbwWriter.writeNdArray(out, (NdArray) value));
      } else if (mustBeHashable
          && value instanceof PyNonFiniteDecimal
          && ((PyNonFiniteDecimal) value).isSignaling()) {
        throw refuse(
            value,
            "unhashable in Python: a signalling NaN Decimal cannot be a dict key "
                + "or set element");
      } else if (value instanceof WireRef) {
        writeWireRef((WireRef) value);
      } else if (value instanceof WireCallback) {
        writeCallback(((WireCallback) value).id(), ((WireCallback) value).name());
      } else if (!SbwWriter.write(out, value) && !writeFunction(value)) {
        throw refuse(value, "no Python mapping for this type");
      }
    } catch (SbwWriter.Refused e) {
      throw refuse(value, String.valueOf(e.getMessage()));
    }
  }

  private void addBuffer(OutOfBandBuffer buffer) {
    if (buffers == null) {
      buffers = new OutOfBandBuffer[4];
    } else if (bufferCount == buffers.length) {
      buffers = Arrays.copyOf(buffers, bufferCount * 2);
    }
    buffers[bufferCount++] = buffer;
    out.reserveOutOfBand(buffer.byteLength());
  }

  private EncoderFrame push() {
    if (depth == frames.length) {
      frames = Arrays.copyOf(frames, depth * 2);
    }
    EncoderFrame frame = frames[depth];
    if (frame == null) {
      frame = frames[depth] = new EncoderFrame();
    }
    depth++;
    return frame;
  }

  private void checkDepth(Object container) {
    if (depth >= maxDepth) {
      throw refuse(container, "nested deeper than the limit of " + maxDepth + " levels");
    }
  }

  private ConversionException refuse(Object value, String reason) {
    return new ConversionException(reason, javaType(value), null, path());
  }

  private ConversionException tooLarge(@Nullable Object root, long atLeast) {
    Object value = depth > 0 ? frames[depth - 1].current : root;
    return new ConversionException(
        "the value section takes at least "
            + atLeast
            + " bytes, more than the "
            + maxBody
            + " bytes a frame of at most "
            + (maxBody + 12)
            + " bytes allows",
        javaType(value),
        null,
        path());
  }

  private static @Nullable String javaType(@Nullable Object value) {
    return value == null ? null : value.getClass().getTypeName();
  }

  private @Nullable String path() {
    return path(depth);
  }

  /** The path through the first {@code frameCount} open containers. */
  private @Nullable String path(int frameCount) {
    StringBuilder path = new StringBuilder(rootName == null ? "" : rootName);
    for (int i = 0; i < frameCount; i++) {
      frames[i].appendPathSegment(path);
    }
    return path.length() == 0 ? null : path.toString();
  }
}
