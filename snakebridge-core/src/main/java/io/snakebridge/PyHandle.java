package io.snakebridge;

import java.util.Objects;

/**
 * The base of typed wrappers of Python objects: a final class per Python class (what the code
 * generator makes, say {@code LinearRegression}) that is a {@link PyRef} to the same object, so it
 * can be passed wherever a {@code PyRef} can (as an argument, where Python receives the live
 * object; to {@link SnakeBridgeRuntime#callMethod}; to any API taking a {@code PyRef}), and has
 * every operation of one ({@link #callMethod(String, Object...)}, {@link #getAttr}, {@link
 * #getItem}, ...), on the runtime that made the reference.
 *
 * <pre>{@code
 * public final class Counter extends PyHandle {
 *   private Counter(PyRef ref) {
 *     super(ref);
 *   }
 *
 *   public static Counter wrap(PyRef ref) {
 *     return new Counter(ref);
 *   }
 *
 *   public static Counter create(SnakeBridgeRuntime python, Object iterable) {
 *     return wrap(python.callClass("collections", "Counter", iterable));
 *   }
 *
 *   public long count(Object key) {
 *     return (Long) getItem(key);
 *   }
 * }
 * }</pre>
 *
 * <p>A handle wraps the reference it is built from ({@link #ref()}): it has the same id, session,
 * type and runtime, and equals it (and any other {@code PyRef} to the same object). While the
 * handle is reachable so is that reference, so the object is not released behind its back by the
 * garbage collector (see "Lifetime" in {@link PyRef}); releasing either releases the object.
 *
 * <p>Immutable and thread-safe, as {@code PyRef}; subclasses should stay so.
 *
 * @since 0.2
 */
public abstract non-sealed class PyHandle extends PyRef {
  private final PyRef ref;

  /**
   * Wraps {@code ref}; a handle given here is unwrapped, so a handle always wraps the runtime's own
   * reference.
   *
   * @throws NullPointerException when {@code ref} is null
   */
  protected PyHandle(PyRef ref) {
    // A handle's fields are those of the reference it wraps, so ref may be a handle too.
    super(
        Objects.requireNonNull(ref, "ref").refId(),
        ref.sessionId(),
        ref.typeName(),
        ref.module(),
        ref.runtime);
    this.ref = ref.target();
  }

  /** Returns the reference this handle wraps, as the runtime returned it. */
  public final PyRef ref() {
    return ref;
  }

  @Override
  final PyRef target() {
    return ref;
  }
}
