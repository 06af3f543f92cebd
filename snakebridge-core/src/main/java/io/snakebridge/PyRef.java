package io.snakebridge;

import java.util.Objects;

/**
 * A Python object that stays in its worker process and is used from Java by reference: what a call
 * returns for any value that has no by-value mapping (a {@code pandas.DataFrame}, a compiled
 * regular expression, an open file, an instance of the user's own class), also deep inside a
 * returned list or dict, where it replaces just that leaf.
 *
 * <pre>{@code
 * PyRef df = python.callClass("pandas", "DataFrame", Map.of("a", List.of(1, 2, 3)));
 * Object mean = df.callMethod("mean");                    // a pandas Series: another PyRef
 * Object shape = df.getAttr("shape");                     // PyTuple [3, 1]
 * PyRef column = (PyRef) df.getItem("a");                 // df["a"]
 * df.release();                                           // optional: see "Lifetime"
 * }</pre>
 *
 * <p>A reference can be passed back as an argument to any call, where Python receives the live
 * object. Its own methods ({@link #callMethod(String, Object...)}, {@link #call(Object...)}, {@link
 * #getAttr}, {@link #setAttr}, {@link #getItem}, {@link #setItem}, {@link #str}, {@link #repr},
 * {@link #release}) run on the runtime that made it, as the same-named methods of {@link
 * SnakeBridgeRuntime} taking the reference do, and follow their one rule for arguments: a trailing
 * {@code Object...} is always the positional arguments, the {@link CallOptions} before it. {@link
 * #toString()} is local and never calls Python. It belongs to a session ({@link #sessionId()}): the
 * call that created it ran in that session, and every call that uses it runs in it too, on the
 * worker process that holds the object.
 *
 * <p><b>Identity.</b> Within a session the worker gives one Python object one reference id, and a
 * runtime keeps one {@code PyRef} instance per live reference, so the same object returned twice
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
 * ReferenceNotFoundException}; using it after its worker died throws {@link SessionLostException}.
 *
 * <p>A reference to a Python generator or iterator is a {@link StreamRef}. A typed wrapper of a
 * Python class (what the code generator makes) extends {@link PyHandle}, a reference to the same
 * object, usable wherever a {@code PyRef} is.
 *
 * <p>Immutable and thread-safe; may be passed between threads (see {@link SessionContext} for
 * keeping a session alive while several threads use it).
 *
 * @since 0.2
 */
public sealed class PyRef permits StreamRef, PyHandle {
  private final String refId;
  private final String sessionId;
  private final String typeName;
  private final String module;

  /** The runtime whose workers hold the object (null only in tests). */
  final SnakeBridgeRuntime runtime;

  PyRef(
      String refId, String sessionId, String typeName, String module, SnakeBridgeRuntime runtime) {
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
   * Calls {@code obj.method(*args)} on the runtime that made this reference, in its session and on
   * the worker holding it.
   *
   * @param args the positional arguments; pass {@code (Object) null} for a single None
   * @throws ReferenceNotFoundException when the reference was released, expired or evicted
   * @throws IllegalStateException when its runtime is closed
   * @see SnakeBridgeRuntime#callMethod(PyRef, String, Object...) for everything it throws
   * @since 0.2
   */
  public final Object callMethod(String method, Object... args) {
    return runtime().callMethod(this, method, args);
  }

  /**
   * Calls {@code obj.method(*args, **options.kwargs())}; see {@link #callMethod(String,
   * Object...)}.
   *
   * @since 0.2
   */
  public final Object callMethod(String method, CallOptions options, Object... args) {
    return runtime().callMethod(this, method, options, args);
  }

  /**
   * Calls the object itself, {@code obj(*args)}: a function, a class, a bound method or any object
   * with {@code __call__}.
   *
   * @throws PythonException ({@code builtins.TypeError}) when the object is not callable
   * @see #callMethod(String, Object...) for everything else it throws
   * @since 0.2
   */
  public final Object call(Object... args) {
    return runtime().callMethod(this, "__call__", args);
  }

  /**
   * Calls the object itself, {@code obj(*args, **options.kwargs())}; see {@link #call(Object...)}.
   *
   * @since 0.2
   */
  public final Object call(CallOptions options, Object... args) {
    return runtime().callMethod(this, "__call__", options, args);
  }

  /**
   * Returns {@code getattr(obj, name)}: a value, or another reference.
   *
   * @see #callMethod(String, Object...) for what it throws
   * @since 0.2
   */
  public final Object getAttr(String name) {
    return runtime().getAttr(this, name);
  }

  /**
   * Runs {@code setattr(obj, name, value)}.
   *
   * @see #callMethod(String, Object...) for what it throws
   * @since 0.2
   */
  public final void setAttr(String name, Object value) {
    runtime().setAttr(this, name, value);
  }

  /**
   * Returns {@code obj[key]}, as Python's {@code operator.getitem}: a dict's value, a list's
   * element, a pandas column.
   *
   * @throws PythonException such as {@code builtins.KeyError} when Python raised
   * @see #callMethod(String, Object...) for what else it throws
   * @since 0.2
   */
  public final Object getItem(Object key) {
    return runtime().callOn("operator", "getitem", this, key);
  }

  /**
   * Runs {@code obj[key] = value}, as Python's {@code operator.setitem}.
   *
   * @see #getItem(Object) for what it throws
   * @since 0.2
   */
  public final void setItem(Object key, Object value) {
    runtime().callOn("operator", "setitem", this, key, value);
  }

  /**
   * Returns Python's {@code str()} of the object: a call to its worker, which waits for the worker
   * like any call and throws like any call ({@link #toString()} never calls Python).
   *
   * @throws ReferenceNotFoundException when the reference was released
   * @throws PythonException when {@code __str__} raised
   * @since 0.2
   */
  public final String str() {
    return (String) runtime().callOn("builtins", "str", this);
  }

  /**
   * Returns Python's {@code repr()} of the object: a call to its worker, which waits for the worker
   * like any call and throws like any call.
   *
   * @throws ReferenceNotFoundException when the reference was released
   * @throws PythonException when {@code __repr__} raised
   */
  public final String repr() {
    return (String) runtime().callOn("builtins", "repr", this);
  }

  /**
   * Releases the reference, as {@link SnakeBridgeRuntime#releaseRef} does: the Python object is
   * unregistered from its session. Idempotent.
   *
   * @since 0.2
   */
  public final void release() {
    runtime().releaseRef(this);
  }

  /**
   * Returns {@code PyRef[<type> <id>]} ({@code StreamRef[<type> <id>]} for a stream), such as
   * {@code PyRef[re.Pattern 7]}. Local: it never calls Python, so logging a reference or showing it
   * in a debugger sends nothing to a worker; {@link #str()} and {@link #repr()} ask Python.
   */
  @Override
  public final String toString() {
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

  /** The reference the runtime works with: this one, or the one a handle wraps. */
  PyRef target() {
    return this;
  }

  /**
   * Returns the runtime that made this reference, whose workers hold the object: what code given
   * only a reference (an optional module such as snakebridge-arrow) calls it with.
   *
   * @throws IllegalStateException for a reference that belongs to no runtime
   * @since 0.3
   */
  public final SnakeBridgeRuntime runtime() {
    if (runtime == null) {
      throw new IllegalStateException("reference " + refId + " has no runtime");
    }
    return runtime;
  }
}
