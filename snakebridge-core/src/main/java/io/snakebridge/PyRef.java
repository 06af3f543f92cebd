package io.snakebridge;

import java.util.List;
import java.util.Objects;

/**
 * A Python object that stays in its worker process and is used from Java by reference: what a
 * call returns for any value that has no by-value mapping (a {@code pandas.DataFrame}, a compiled
 * regular expression, an open file, an instance of the user's own class), also deep inside a
 * returned list or dict, where it replaces just that leaf.
 *
 * <pre>{@code
 * PyRef df = python.callClass("pandas", "DataFrame", List.of(List.of(1, 2, 3)),
 *     CallOptions.defaults());
 * Object mean = python.callMethod(df, "mean");           // a pandas Series: another PyRef
 * Object shape = python.getAttr(df, "shape");             // PyTuple [3, 1]
 * python.releaseRef(df);                                  // optional: see "Lifetime"
 * }</pre>
 *
 * <p>A reference can be passed back as an argument to any call, where Python receives the live
 * object, or as the target of {@code callMethod}, {@code getAttr} and {@code setAttr}. It belongs
 * to a session ({@link #sessionId()}): the call that created it ran in that session, and every
 * call that uses it runs in it too, on the worker process that holds the object.
 *
 * <p><b>Identity.</b> Within a session the worker gives one Python object one reference id, and
 * a runtime keeps one {@code PyRef} instance per live reference, so the same object returned twice
 * (by one call or by two) is the same {@code PyRef}. {@link #equals} and {@link #hashCode} compare
 * the session id and the reference id, so they mean "the same Python object".
 *
 * <p><b>Lifetime.</b> The Python object stays registered until the first of: {@link
 * SnakeBridgeRuntime#releaseRef}; the end of its session ({@link
 * SnakeBridgeRuntime#releaseSession}, the last thread leaving an explicit session, the end of the
 * thread that owns an automatic session); the session's limits (least recently used beyond {@link
 * SessionOptions#maxRefs}, idle longer than {@link SessionOptions#ttl}); or, as a safety net, this
 * {@code PyRef} becoming unreachable in Java, which the runtime notices after a garbage collection
 * and reports to the worker in the background. Using a reference after that throws {@link
 * ReferenceNotFoundException}; using it after its worker died throws {@link
 * SessionLostException}.
 *
 * <p>A reference to a Python generator or iterator is a {@link StreamRef}, the only subclass.
 *
 * <p>Immutable and thread-safe; may be passed between threads (see {@link SessionContext} for
 * keeping a session alive while several threads use it).
 *
 * @since 0.2
 */
public sealed class PyRef permits StreamRef {
  private static final CallOptions DESCRIBE = CallOptions.defaults()
      .affinity(Affinity.STRICT_FAIL_FAST);

  private final String refId;
  private final String sessionId;
  private final String typeName;
  private final String module;
  /** The runtime whose workers hold the object (null only in tests). */
  final SnakeBridgeRuntime runtime;

  PyRef(String refId, String sessionId, String typeName, String module,
      SnakeBridgeRuntime runtime) {
    this.refId = Objects.requireNonNull(refId, "refId");
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    this.typeName = Objects.requireNonNull(typeName, "typeName");
    this.module = Objects.requireNonNull(module, "module");
    this.runtime = runtime;
  }

  /** Returns the reference's id, unique within its worker process. */
  public final String refId() {
    return refId;
  }

  /** Returns the id of the session the reference belongs to. */
  public final String sessionId() {
    return sessionId;
  }

  /**
   * Returns the qualified name of the object's type as Python gives it ({@code __module__} and
   * {@code __qualname__}), such as {@code re.Pattern} or {@code pandas.DataFrame}.
   */
  public final String typeName() {
    return typeName;
  }

  /** Returns the top-level package the object's type comes from, such as {@code pandas}. */
  public final String module() {
    return module;
  }

  /**
   * Returns Python's {@code repr()} of the object: a call to its worker, which waits for the
   * worker like any call and throws like any call.
   *
   * @throws ReferenceNotFoundException when the reference was released
   * @throws PythonException when {@code __repr__} raised
   */
  public final String repr() {
    return String.valueOf(
        runtime().call("builtins", "repr", List.of(this), CallOptions.defaults()));
  }

  /**
   * Returns Python's {@code str()} of the object, or {@code PyRef[<type> <id>]} ({@code
   * StreamRef[<type> <id>]} for a stream) when that is not available at once. Asking makes a call
   * to the worker holding the object, but never waits for it: when that worker is running another
   * call, or the reference was released, or {@code __str__} raised, or anything else failed, the
   * result is the {@code PyRef[...]} form. It never throws, so logging a reference is always
   * safe; Python's {@code str} is not cached, because the object may change.
   */
  @Override
  public final String toString() {
    if (runtime != null) {
      try {
        return String.valueOf(runtime.call("builtins", "str", List.of(this), DESCRIBE));
      } catch (RuntimeException unavailable) {
        // Busy worker, released reference, closed runtime, __str__ raised: fall through.
      }
    }
    return (this instanceof StreamRef ? "StreamRef[" : "PyRef[") + typeName + " " + refId + "]";
  }

  /** Returns whether {@code other} refers to the same Python object: same session, same id. */
  @Override
  public final boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof PyRef)) {
      return false;
    }
    PyRef that = (PyRef) other;
    return refId.equals(that.refId) && sessionId.equals(that.sessionId);
  }

  @Override
  public final int hashCode() {
    return 31 * sessionId.hashCode() + refId.hashCode();
  }

  private SnakeBridgeRuntime runtime() {
    if (runtime == null) {
      throw new IllegalStateException("reference " + refId + " has no runtime");
    }
    return runtime;
  }
}
