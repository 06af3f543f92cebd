package io.snakebridge.internal.codec;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The extra pass for decoded values in which the memo shared a list, dict or set: measures the real
 * nesting depth and refuses cycles (a list that contains itself), which Java collections cannot
 * print, compare or hash. Iterative, visits each container once.
 */
final class SharedValueCheck {
  private static final int IN_PROGRESS = -1;

  private SharedValueCheck() {}

  static void check(Object root, int maxDepth, PickleInput input) {
    if (!isContainer(root)) {
      return;
    }
    IdentityHashMap<Object, Integer> depths = new IdentityHashMap<>();
    ArrayDeque<Object> containers = new ArrayDeque<>();
    ArrayDeque<Iterator<?>> iterators = new ArrayDeque<>();
    ArrayDeque<int[]> deepest = new ArrayDeque<>();
    enter(root, depths, containers, iterators, deepest);
    while (!containers.isEmpty()) {
      Iterator<?> children = iterators.peek();
      if (children.hasNext()) {
        Object child = children.next();
        if (!isContainer(child)) {
          continue;
        }
        Integer known = depths.get(child);
        if (known != null && known == IN_PROGRESS) {
          throw input.unrepresentable("the value contains itself (a cycle through the memo)");
        } else if (known != null) {
          deepest.peek()[0] = Math.max(deepest.peek()[0], known);
        } else if (containers.size() >= maxDepth) {
          throw input.unrepresentable(
              "value nests deeper than the limit of " + maxDepth + " levels");
        } else {
          enter(child, depths, containers, iterators, deepest);
        }
      } else {
        int depth = deepest.pop()[0] + 1;
        if (depth > maxDepth) {
          throw input.unrepresentable(
              "value nests deeper than the limit of " + maxDepth + " levels");
        }
        depths.put(containers.pop(), depth);
        iterators.pop();
        if (!deepest.isEmpty()) {
          deepest.peek()[0] = Math.max(deepest.peek()[0], depth);
        }
      }
    }
  }

  private static void enter(
      Object container,
      Map<Object, Integer> depths,
      ArrayDeque<Object> containers,
      ArrayDeque<Iterator<?>> iterators,
      ArrayDeque<int[]> deepest) {
    depths.put(container, IN_PROGRESS);
    containers.push(container);
    iterators.push(children(container));
    deepest.push(new int[1]);
  }

  private static boolean isContainer(Object value) {
    return value instanceof Collection || value instanceof Map;
  }

  private static Iterator<?> children(Object container) {
    if (container instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) container;
      Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      return new Iterator<Object>() {
        private @Nullable Object pendingValue;
        private boolean hasPending;

        @Override
        public boolean hasNext() {
          return hasPending || entries.hasNext();
        }

        @Override
        @SuppressWarnings("NullAway") // a map value may be null, as the caller expects
        public Object next() {
          if (hasPending) {
            hasPending = false;
            return pendingValue;
          }
          Map.Entry<?, ?> entry = entries.next();
          pendingValue = entry.getValue();
          hasPending = true;
          return entry.getKey();
        }
      };
    }
    return ((Collection<?>) container).iterator();
  }
}
