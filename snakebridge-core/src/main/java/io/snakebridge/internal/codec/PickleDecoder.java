package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Opcodes.*;

import io.snakebridge.PyFrozenSet;
import io.snakebridge.PyTuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The pickle machine of the reader: executes the restricted opcode set of WIRE-PROTOCOL.md §3.1 on
 * an explicit stack, never recursing. Not thread-safe; {@link ValueReader} makes one per decoding.
 *
 * <p>Maintainer notes. Next to each stack slot sits a {@code meta} int: the nesting depth of the
 * value (scalars 0, a flat list 1), an {@link #UNHASHABLE} bit and an {@link #INTERNAL} bit
 * (cheaper to test than the object's type). Depth is checked on every insertion, so over-deep input
 * fails as it grows. Hashability is what Python would enforce: a dict key or set element that is
 * (or, in a tuple, holds) a list, dict, set, bytearray or array is a format error, which also keeps
 * Java's recursive {@code hashCode} away from any cycle.
 *
 * <p>The memo can hand out a list, dict or set again after it has been filled further, which makes
 * its recorded depth stale and allows cycles. CPython only does that for shared objects, so when it
 * happens the finished value gets one extra iterative pass ({@link SharedValueCheck}).
 */
final class PickleDecoder {
  static final int UNHASHABLE = 1 << 30;

  /** The slot holds a {@link StackOnly} object. */
  static final int INTERNAL = 1 << 29;

  private static final int DEPTH = INTERNAL - 1;

  private final PickleInput input;
  private final int maxDepth;
  private final SbwReader sbw;
  private Object[] stack = new Object[16];
  private int[] meta = new int[16];
  private int sp;
  private int[] marks = new int[8];
  private int markCount;
  private final PickleMemo memo;
  private boolean sharedMutable;

  PickleDecoder(byte[] body, SectionLayout layout, CodecLimits limits, LiveObjects live) {
    this.input = new PickleInput(body, layout.base, layout.pickleStart, layout.pickleEnd);
    this.maxDepth = limits.maxDepth();
    this.sbw = new SbwReader(body, layout, input, live, limits.maxDecimalDigits());
    this.memo = new PickleMemo(input);
  }

  /** Opcodes run between two readings of the deadline clock. */
  private static final int OPCODES_PER_CLOCK_CHECK = 4096;

  /** Runs the pickle; with a {@code clock}, gives up once it reads {@code deadline} or later. */
  Object run(@Nullable LongSupplier clock, long deadline) {
    int untilCheck = OPCODES_PER_CLOCK_CHECK;
    while (input.hasMore()) {
      if (clock != null && --untilCheck == 0) {
        untilCheck = OPCODES_PER_CLOCK_CHECK;
        if (clock.getAsLong() - deadline >= 0) {
          throw new DecodingTimedOutException(
              "the deadline passed while its value was decoded"
                  + " ("
                  + (input.pos - input.base)
                  + " of "
                  + (input.end - input.base)
                  + " bytes read)");
        }
      }
      int opcode = input.opcode();
      if (opcode == STOP) {
        return stop();
      }
      execute(opcode);
    }
    throw input.error("truncated input: the pickle ends without STOP");
  }

  private void execute(int op) {
    switch (op) {
      case PROTO -> protocol(input.u8());
      case FRAME -> frame(input.u64());
      case NONE -> push(null, 0);
      case NEWTRUE -> push(true, 0);
      case NEWFALSE -> push(false, 0);
      case BININT1 -> push((long) input.u8(), 0);
      case BININT2 -> push((long) input.u16(), 0);
      case BININT -> push((long) input.i32(), 0);
      case LONG1 -> push(input.signedInteger(input.u8()), 0);
      case LONG4 -> push(input.signedInteger(long4Length()), 0);
      case BINFLOAT -> push(input.f64(), 0);
      case SHORT_BINUNICODE -> push(input.utf8(input.u8()), 0);
      case BINUNICODE -> push(input.utf8(input.u32()), 0);
      case BINUNICODE8 -> push(input.utf8(input.u64()), 0);
      case SHORT_BINBYTES -> push(input.bytes(input.u8(), "bytes"), 0);
      case BINBYTES -> push(input.bytes(input.u32(), "bytes"), 0);
      case BINBYTES8 -> push(input.bytes(input.u64(), "bytes"), 0);
      case BYTEARRAY8 -> push(input.bytes(input.u64(), "a bytearray"), UNHASHABLE);
      case EMPTY_LIST -> push(new ArrayList<>(), 1 | UNHASHABLE);
      case EMPTY_DICT -> push(new LinkedHashMap<>(), 1 | UNHASHABLE);
      case EMPTY_SET -> push(new LinkedHashSet<>(), 1 | UNHASHABLE);
      case EMPTY_TUPLE -> push(PyTuple.of(), 1);
      case MARK -> mark();
      case APPEND -> append(sp - 1);
      case APPENDS -> append(popMark());
      case SETITEM -> setItems(sp - 2);
      case SETITEMS -> setItems(popMark());
      case ADDITEMS -> addItems(popMark());
      case FROZENSET -> frozenSet(popMark());
      case TUPLE -> tuple(popMark());
      case TUPLE1, TUPLE2, TUPLE3 -> tuple(sp - (op - TUPLE1 + 1));
      case STACK_GLOBAL -> stackGlobal();
      case REDUCE -> reduce();
      case NEXT_BUFFER -> push(sbw.nextBuffer(), UNHASHABLE | INTERNAL);
      case READONLY_BUFFER -> readonlyBuffer();
      case MEMOIZE -> memo.put(memo.nextIndex(), top(), meta[sp - 1]);
      case BINPUT -> memo.put(input.u8(), top(), meta[sp - 1]);
      case LONG_BINPUT -> memo.put(input.u32(), top(), meta[sp - 1]);
      case BINGET -> get(input.u8());
      case LONG_BINGET -> get(input.u32());
      case POP -> pop();
      case POP_MARK -> popToMark();
      default -> throw input.error(Opcodes.describe(op) + " is not allowed in a SnakeBridge value");
    }
  }

  private long long4Length() {
    int length = input.i32();
    if (length < 0) {
      throw input.error("LONG4 with a negative length " + length);
    }
    return length;
  }

  /** A FRAME only announces how many bytes follow; they are decoded as usual. */
  private void frame(long length) {
    if (length < 0 || length > input.remaining()) {
      throw input.error(
          "FRAME of "
              + Long.toUnsignedString(length)
              + " bytes but only "
              + input.remaining()
              + " remain in the pickle");
    }
  }

  private void protocol(int version) {
    if (version < 2 || version > PROTOCOL) {
      throw input.error("pickle protocol " + version + " is not supported (2 to " + PROTOCOL + ")");
    }
  }

  private Object stop() {
    if (markCount != 0) {
      throw input.error("STOP with " + markCount + " unclosed MARK");
    }
    if (sp != 1) {
      throw input.error(
          sp == 0
              ? "stack underflow: STOP on an empty stack"
              : "STOP leaves " + sp + " objects on the stack instead of one");
    }
    if (input.hasMore()) {
      throw input.error(input.remaining() + " trailing bytes after STOP");
    }
    Object result = stack[0];
    checkElement(0, "the result");
    sbw.checkAllBuffersUsed();
    if (sharedMutable) {
      SharedValueCheck.check(result, maxDepth, input);
    }
    return result;
  }

  // ---- the stack -------------------------------------------------------------------------

  private void push(@Nullable Object value, int valueMeta) {
    if (sp == stack.length) {
      stack = Arrays.copyOf(stack, sp * 2);
      meta = Arrays.copyOf(meta, sp * 2);
    }
    stack[sp] = value;
    meta[sp++] = valueMeta;
  }

  /** The lowest slot the current opcode may pop: everything below the last MARK is fenced off. */
  private int floor() {
    return markCount == 0 ? 0 : marks[markCount - 1];
  }

  private Object top() {
    if (sp <= floor()) {
      throw input.error("stack underflow: nothing to memoize");
    }
    return stack[sp - 1];
  }

  private void mark() {
    if (markCount == marks.length) {
      marks = Arrays.copyOf(marks, markCount * 2);
    }
    marks[markCount++] = sp;
  }

  private int popMark() {
    if (markCount == 0) {
      throw input.error("stack underflow: no MARK to close");
    }
    return marks[--markCount];
  }

  private void pop() {
    if (sp > floor()) {
      stack[--sp] = null;
    } else if (markCount > 0) {
      markCount--;
    } else {
      throw input.error("stack underflow: POP on an empty stack");
    }
  }

  private void popToMark() {
    int mark = popMark();
    Arrays.fill(stack, mark, sp, null);
    sp = mark;
  }

  /** Checks that items start at or above the floor and that a target sits just below them. */
  private int target(int itemsStart) {
    if (itemsStart - 1 < floor() || itemsStart > sp) {
      throw input.error("stack underflow: no container below the items");
    }
    return itemsStart - 1;
  }

  /** Returns the depth of a container holding an item of {@code itemMeta}'s depth, if allowed. */
  private int depthWith(int containerMeta, int itemMeta) {
    int depth = Math.max(containerMeta & DEPTH, (itemMeta & DEPTH) + 1);
    if (depth > maxDepth) {
      throw input.unrepresentable("value nests deeper than the limit of " + maxDepth + " levels");
    }
    return depth;
  }

  private void checkElement(int slot, String where) {
    if ((meta[slot] & INTERNAL) != 0) {
      throw input.error(stack[slot] + " cannot be " + where);
    }
  }

  private void checkHashable(int slot, String where) {
    if ((meta[slot] & UNHASHABLE) != 0) {
      String type = stack[slot] == null ? "None" : stack[slot].getClass().getSimpleName();
      throw input.error("unhashable " + type + " used as " + where);
    }
  }

  // ---- containers ------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private void append(int itemsStart) {
    int target = target(itemsStart);
    if (!(stack[target] instanceof ArrayList)) {
      throw input.error("APPEND(S) to a " + typeName(stack[target]) + ", not a list");
    }
    ArrayList<Object> list = (ArrayList<Object>) stack[target];
    int depth = depthWith(meta[target], deepestItem(itemsStart, "a list element"));
    list.addAll(Arrays.asList(stack).subList(itemsStart, sp));
    Arrays.fill(stack, itemsStart, sp, null);
    meta[target] = depth | UNHASHABLE;
    sp = itemsStart;
  }

  /**
   * Returns the largest meta depth of the items from {@code itemsStart} up (0 when there are none),
   * refusing internal objects; one pass over ints, no type checks.
   */
  private int deepestItem(int itemsStart, String where) {
    int combined = 0;
    int deepest = 0;
    for (int i = itemsStart; i < sp; i++) {
      combined |= meta[i];
      deepest = Math.max(deepest, meta[i] & DEPTH);
    }
    if ((combined & INTERNAL) != 0) {
      for (int i = itemsStart; i < sp; i++) {
        checkElement(i, where);
      }
    }
    return deepest;
  }

  @SuppressWarnings("unchecked")
  private void setItems(int itemsStart) {
    int target = target(itemsStart);
    if (!(stack[target] instanceof LinkedHashMap) || ((sp - itemsStart) & 1) != 0) {
      throw input.error(
          "SETITEM(S) needs a dict and key-value pairs, got a "
              + typeName(stack[target])
              + " and "
              + (sp - itemsStart)
              + " items");
    }
    Map<Object, Object> map = (Map<Object, Object>) stack[target];
    int depth = depthWith(meta[target], deepestItem(itemsStart, "a dict key or value"));
    for (int i = itemsStart; i < sp; i += 2) {
      checkHashable(i, "a dict key");
      int before = map.size();
      map.put(stack[i], stack[i + 1]);
      if (map.size() == before) {
        throw collision("dict key", stack[i]);
      }
    }
    Arrays.fill(stack, itemsStart, sp, null);
    meta[target] = depth | UNHASHABLE;
    sp = itemsStart;
  }

  @SuppressWarnings("unchecked")
  private void addItems(int itemsStart) {
    int target = target(itemsStart);
    if (!(stack[target] instanceof LinkedHashSet)) {
      throw input.error("ADDITEMS to a " + typeName(stack[target]) + ", not a set");
    }
    meta[target] = collect((Set<Object>) stack[target], meta[target], itemsStart) | UNHASHABLE;
  }

  private void frozenSet(int itemsStart) {
    if (itemsStart < floor() || itemsStart > sp) {
      throw input.error("stack underflow: FROZENSET");
    }
    Set<Object> set = new LinkedHashSet<>();
    int setMeta = collect(set, 1, itemsStart);
    push(PyFrozenSet.copyOf(set), setMeta);
  }

  /** Moves the items from {@code itemsStart} into {@code set}; returns the set's new depth. */
  private int collect(Set<Object> set, int setMeta, int itemsStart) {
    int depth = depthWith(setMeta, deepestItem(itemsStart, "a set element"));
    for (int i = itemsStart; i < sp; i++) {
      checkHashable(i, "a set element");
      if (!set.add(stack[i])) {
        throw collision("set element", stack[i]);
      }
      stack[i] = null;
    }
    sp = itemsStart;
    return depth;
  }

  /**
   * Two keys Python keeps apart that are one in Java (two NaN floats, tuples holding them): the map
   * or set would silently lose one; the value has no faithful Java form.
   */
  private WireFormatException collision(String what, Object key) {
    String text = key instanceof byte[] ? "bytes" : String.valueOf(key);
    return input.unrepresentable(
        "two "
            + what
            + "s are distinct in Python but equal in Java, "
            + (text.length() <= 60 ? text : text.substring(0, 57) + "...")
            + " ("
            + typeName(key)
            + "); the Java "
            + (what.startsWith("dict") ? "map" : "set")
            + " would keep only one of them");
  }

  private void tuple(int itemsStart) {
    if (itemsStart < floor() || itemsStart > sp) {
      throw input.error("stack underflow: a tuple needs " + (sp - itemsStart) + " items");
    }
    int depth = 1;
    int combined = 0;
    for (int i = itemsStart; i < sp; i++) {
      depth = depthWith(depth, meta[i]);
      combined |= meta[i];
    }
    boolean internal = (combined & INTERNAL) != 0;
    int unhashable = combined & UNHASHABLE;
    // A tuple holding a global or a buffer can only be the arguments of a REDUCE.
    Object tuple =
        internal
            ? new StackOnly.ArgsTuple(Arrays.copyOfRange(stack, itemsStart, sp))
            : PyTuple.copyOf(Arrays.asList(stack).subList(itemsStart, sp));
    Arrays.fill(stack, itemsStart, sp, null);
    sp = itemsStart;
    push(tuple, internal ? UNHASHABLE | INTERNAL : depth | unhashable);
  }

  // ---- globals, buffers, memo ------------------------------------------------------------

  private void stackGlobal() {
    target(sp - 1);
    Object name = stack[--sp];
    Object module = stack[--sp];
    SbwGlobal global =
        module instanceof String && name instanceof String
            ? SbwGlobal.find((String) module, (String) name)
            : null;
    if (global == null) {
      throw input.error(
          "global " + describe(module) + "." + describe(name) + " is not allowed (only sbw.*)");
    }
    push(global, UNHASHABLE | INTERNAL);
  }

  private void reduce() {
    target(sp - 1);
    Object args = stack[--sp];
    Object callable = stack[--sp];
    if (!(callable instanceof SbwGlobal)) {
      throw input.error("REDUCE of a " + typeName(callable) + ", not an sbw global");
    }
    Object[] items =
        args instanceof StackOnly.ArgsTuple
            ? ((StackOnly.ArgsTuple) args).items
            : args instanceof PyTuple ? ((PyTuple) args).toArray() : null;
    if (items == null) {
      throw input.error("REDUCE arguments are a " + typeName(args) + ", not a tuple");
    }
    Object value = sbw.construct((SbwGlobal) callable, items);
    push(value, value instanceof io.snakebridge.NdArray ? UNHASHABLE : 0);
  }

  private void readonlyBuffer() {
    if (sp <= floor() || !(stack[sp - 1] instanceof StackOnly.BufferRef)) {
      throw input.error("READONLY_BUFFER without a buffer on the stack");
    }
  }

  private void get(long index) {
    Object value = memo.get(index);
    int valueMeta = memo.meta(index);
    sharedMutable |=
        value instanceof ArrayList
            || value instanceof LinkedHashMap
            || value instanceof LinkedHashSet;
    push(value, valueMeta);
  }

  /** A string as itself (shortened), anything else by type: never a decoded value's toString. */
  private static String describe(@Nullable Object value) {
    if (value instanceof String) {
      String text = (String) value;
      return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
    return "<" + typeName(value) + ">";
  }

  static String typeName(@Nullable Object value) {
    return value == null
        ? "None"
        : value instanceof StackOnly ? value.toString() : value.getClass().getSimpleName();
  }
}
