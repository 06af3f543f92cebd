package io.snakebridge.internal.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Bytes allocated so far by the current thread, from HotSpot's {@code
 * com.sun.management.ThreadMXBean}.
 *
 * <p>Looked up at run time rather than compiled against: the tests compile inside the library's
 * module, which (rightly) does not read {@code java.management}. Where the JVM has no such counter,
 * {@link #bytes()} stays 0 and allocation checks pass trivially.
 */
final class AllocationCounter {
  private final MethodHandle counter;

  private AllocationCounter(MethodHandle counter) {
    this.counter = counter;
  }

  static AllocationCounter forCurrentThread() {
    try {
      Object threads =
          Class.forName("java.lang.management.ManagementFactory")
              .getMethod("getThreadMXBean")
              .invoke(null);
      Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
      MethodHandle handle =
          MethodHandles.publicLookup()
              .findVirtual(
                  hotspot, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
              .bindTo(threads);
      return new AllocationCounter(handle);
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      System.out.println("AllocationCounter: no per-thread allocation counter (" + e + ")");
      return new AllocationCounter(null);
    }
  }

  long bytes() {
    if (counter == null) {
      return 0;
    }
    try {
      return (long) counter.invokeExact();
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }
}
