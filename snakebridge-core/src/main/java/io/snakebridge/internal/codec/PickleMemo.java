package io.snakebridge.internal.codec;

import java.util.Arrays;

/**
 * The pickle memo: objects stored by {@code MEMOIZE}/{@code BINPUT} and fetched again by {@code
 * BINGET}, so an object shared in Python is one shared object in Java. Each entry keeps its stack
 * {@code meta} (depth and hashability) too.
 *
 * <p>An index is bounded by the pickle's length (CPython numbers entries 0, 1, 2...), so a forged
 * index cannot make the memo grow beyond the size of the input.
 */
final class PickleMemo {
  private static final int UNSET = -1;

  private final PickleInput input;
  private final long maxIndex;
  private Object[] values = new Object[0];
  private int[] metas = new int[0];
  private int count;

  PickleMemo(PickleInput input) {
    this.input = input;
    this.maxIndex = (long) input.end - input.pos;
  }

  private static int[] newMetas(int size) {
    int[] metas = new int[size];
    Arrays.fill(metas, UNSET);
    return metas;
  }

  /** The index {@code MEMOIZE} uses: the number of entries set so far. */
  long nextIndex() {
    return count;
  }

  void put(long index, Object value, int meta) {
    if (index >= maxIndex) {
      throw input.error(
          "memo index " + index + " is out of range for a pickle of " + maxIndex + " bytes");
    }
    int i = (int) index;
    if (i >= values.length) {
      int size = (int) Math.min(maxIndex, Math.max(i + 16L, values.length * 2L));
      values = Arrays.copyOf(values, size);
      int[] grown = newMetas(size);
      System.arraycopy(metas, 0, grown, 0, metas.length);
      metas = grown;
    }
    if (metas[i] == UNSET) {
      count++;
    }
    values[i] = value;
    metas[i] = meta;
  }

  Object get(long index) {
    check(index);
    return values[(int) index];
  }

  int meta(long index) {
    check(index);
    return metas[(int) index];
  }

  private void check(long index) {
    if (index >= metas.length || metas[(int) index] == UNSET) {
      throw input.error("memo index " + index + " was never set");
    }
  }
}
