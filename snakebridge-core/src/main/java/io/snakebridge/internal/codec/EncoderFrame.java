package io.snakebridge.internal.codec;

import io.snakebridge.PyTuple;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One open container on the writer's explicit stack: where it is in its elements, and how to name
 * the current element in a {@code ConversionException} path. Frames are reused by depth within one
 * encoding.
 */
final class EncoderFrame {
  static final int ROOT = 0;
  static final int ARRAY = 1;
  static final int INDEXED_LIST = 2;
  static final int TUPLE = 3;
  static final int ITERATED_LIST = 4;
  static final int MAP = 5;
  static final int SET = 6;
  static final int FROZENSET = 7;

  private static final int MAX_KEY_TEXT = 40;

  int kind;

  /** Elements must be hashable in Python: this is a set or frozenset, or a tuple inside a key. */
  boolean hashableItems;

  /** Index of the current element (for maps: of the current entry). */
  int index;

  int size;
  @Nullable Object current;

  /** The collection being walked, for the message when it changes meanwhile; may be null. */
  @Nullable Object source;

  private Object @Nullable [] array;
  private String @Nullable [] names;
  private @Nullable List<?> list;
  private @Nullable Iterator<?> iterator;
  private Map.@Nullable Entry<?, ?> entry;
  private boolean atKey;

  void openArray(int kind, Object[] array, String @Nullable [] names) {
    reset(kind, array.length);
    this.array = array;
    this.names = names;
  }

  void openList(int kind, List<?> list, int size) {
    reset(kind, size);
    this.list = list;
  }

  void openIterator(int kind, Iterator<?> iterator, int size) {
    reset(kind, size);
    this.iterator = iterator;
    this.atKey = false;
  }

  private void reset(int kind, int size) {
    this.kind = kind;
    this.size = size;
    this.index = -1;
    this.hashableItems = kind == SET || kind == FROZENSET;
    this.source = null;
  }

  /** True if an indexed list no longer has the size it had when it was opened. */
  @SuppressWarnings("NullAway") // the fields of the frame's kind are set by its open method
  boolean resized() {
    return kind == INDEXED_LIST && list.size() != size;
  }

  /** Moves to the next element, leaving it in {@link #current}; false when there is none. */
  @SuppressWarnings("NullAway") // the fields of the frame's kind are set by its open method
  boolean advance() {
    switch (kind) {
      case ROOT:
      case ARRAY:
        if (++index >= size) {
          return false;
        }
        current = array[index];
        return true;
      case INDEXED_LIST:
      case TUPLE:
        if (++index >= size) {
          return false;
        }
        current = list.get(index);
        return true;
      case MAP:
        return advanceMap();
      default:
        if (!iterator.hasNext()) {
          return false;
        }
        index++;
        current = iterator.next();
        return true;
    }
  }

  @SuppressWarnings("NullAway") // the fields of the frame's kind are set by its open method
  private boolean advanceMap() {
    if (atKey) {
      atKey = false;
      current = entry.getValue();
      return true;
    }
    if (!iterator.hasNext()) {
      return false;
    }
    entry = (Map.Entry<?, ?>) iterator.next();
    index++;
    atKey = true;
    current = entry.getKey();
    return true;
  }

  /** True when the current element must be hashable in Python: a dict key or a set element. */
  boolean currentMustBeHashable() {
    return hashableItems || (kind == MAP && atKey);
  }

  /**
   * Appends how the current element is reached from this container: {@code [3]}, {@code ["key"]}.
   */
  @SuppressWarnings("NullAway") // the fields of the frame's kind are set by its open method
  void appendPathSegment(StringBuilder path) {
    if (kind == ROOT && names != null && names[index] != null) {
      path.append(names[index]);
    } else if (kind == MAP) {
      if (atKey) {
        path.append("<key ").append(index).append('>');
      } else {
        path.append('[');
        appendKey(path, entry.getKey());
        path.append(']');
      }
    } else if (kind == SET || kind == FROZENSET) {
      path.append("<element ").append(index).append('>');
    } else {
      path.append('[').append(index).append(']');
    }
  }

  private static void appendKey(StringBuilder path, Object key) {
    if (key == null) {
      path.append("None");
    } else if (key instanceof Boolean) {
      path.append((Boolean) key ? "True" : "False");
    } else if (key instanceof String || key instanceof Character) {
      String text = key.toString();
      boolean cut = text.length() > MAX_KEY_TEXT;
      path.append('"');
      for (int i = 0, n = cut ? MAX_KEY_TEXT : text.length(); i < n; i++) {
        char c = text.charAt(i);
        path.append(
            c == '"' || c == '\\'
                ? "\\" + c
                : c < ' ' ? String.format("\\x%02x", (int) c) : String.valueOf(c));
      }
      path.append(cut ? "...\"" : "\"");
    } else if (key instanceof Number || key instanceof PyTuple) {
      String text = key.toString();
      path.append(text.length() > MAX_KEY_TEXT ? text.substring(0, MAX_KEY_TEXT) + "..." : text);
    } else {
      path.append('<').append(key.getClass().getSimpleName()).append('>');
    }
  }
}
