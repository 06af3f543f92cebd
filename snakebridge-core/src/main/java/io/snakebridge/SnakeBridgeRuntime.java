package io.snakebridge;

import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.runtime.RealRuntime;
import io.snakebridge.internal.runtime.RuntimeConfig;
import io.snakebridge.internal.runtime.RuntimeSettings;
import io.snakebridge.internal.session.RefFactory;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A Python runtime: a pool of CPython worker processes with its own interpreter, environment and
 * limits, which runs calls from any number of threads.
 *
 * <pre>{@code
 * try (SnakeBridgeRuntime python = SnakeBridgeRuntime.builder()
 *     .python("/opt/venvs/ml/bin/python")
 *     .poolSize(4)
 *     .build()) {
 *   double root = (Double) python.call("math", "sqrt", 16);                      // 4.0
 *   Object joined = python.call("os", "path.join", "a", "b");                    // "a/b"
 *   Object rounded = python.call("builtins", "round", kw("ndigits", 2), 2.675);  // 2.67
 *   Object floats = python.call("numpy", "array", kw("dtype", "float32"),
 *       List.of(1, 2, 3));                                    // one argument: the list
 * }
 * }</pre>
 *
 * <p><b>Arguments: one rule for every overload.</b> A trailing {@code Object... args} is always the
 * positional arguments, each element one Python argument, and the {@link CallOptions} (keyword
 * arguments, timeout, session, pool) come <em>before</em> it: {@code call(module, function,
 * args...)} and {@code call(module, function, options, args...)} read their arguments the same way,
 * so adding options never changes how the positional ones are read. A {@code List} among them is
 * one argument (a Python list). A {@code CallOptions} right after the names is always the options,
 * never an argument (it has no Python value). {@code call(module, function)} passes no argument and
 * {@code call(module, function, (Object) null)} one None. A method that takes a {@code (List<?>
 * args, CallOptions options)} pair instead reads the list as the argument list itself, each element
 * one argument: the streams, the publishers and the {@code *Async} calls, and the older forms of
 * {@code call}, {@code callClass}, {@code callMethod} and {@code callHelper}, which are kept,
 * deprecated.
 *
 * <p>Thread-safe. Runtimes are heavy (processes and threads) and should be shared: build one per
 * interpreter configuration and keep it for the application's life. Closing is required; a runtime
 * that is not closed leaves its workers running until the JVM exits (they exit by themselves then,
 * even if the JVM is killed). {@link SnakeBridge} offers a shared default runtime.
 *
 * <p>Each call leases one worker for its whole duration (or one of its threads, see {@link
 * PoolOptions.Builder#threadsPerWorker}), so at most {@link Builder#poolSize} calls run at once and
 * further calls wait in line, within their timeout, for a worker. Workers start on first use unless
 * {@link Builder#eagerStart} is set; a worker that crashed, hung or did not stop a timed-out call
 * is replaced in the background. Besides its default pool a runtime may have named pools, each with
 * its own interpreter, size, environment and limits ({@link Builder#pool}); {@link
 * CallOptions#pool} chooses one. {@link #poolStats()} tells how a pool is doing and {@link
 * Builder#eventListener} reports what happens in it; {@code docs/LIFECYCLE.md} describes workers'
 * lives, every timeout and what each failure looks like.
 *
 * <p><b>Objects and sessions.</b> A result with no by-value mapping comes back as a {@link PyRef}
 * to the object, which stays in its worker; {@link #callMethod}, {@link #getAttr}, {@link #setAttr}
 * and {@link #with} use it, as do its own methods ({@link PyRef#callMethod(String, Object...)},
 * {@link PyRef#getItem}, ...), and any call accepts it as an argument. Every call runs in a session
 * (see {@link SessionContext}): by default the calling thread's automatic session, which starts
 * with the thread's first call and is released a few seconds after the thread has ended. A
 * session's objects live in one worker, and every call that uses them runs there, waiting for it as
 * {@link CallOptions#affinity} says; calls of a session that holds no objects run anywhere. Java
 * functions passed as arguments become Python callables (see {@link PyCallable}).
 *
 * <p><b>Streams.</b> {@link #stream} and {@link #openStream(String, String, List, CallOptions)}
 * consume a generator or any iterable result while Python produces it, in batches with one in
 * flight; {@link #streamDynamic}, {@link #streamNext} and {@link #openStream(StreamRef)} take one
 * item per call; {@link #publisher(String, String, List, CallOptions)} offers the items as a {@link
 * Flow.Publisher}. A generator or iterator returned by any call is a {@link StreamRef}.
 *
 * @since 0.1
 */
public final class SnakeBridgeRuntime implements AutoCloseable {
  /** The name of a runtime that sets none. */
  public static final String DEFAULT_NAME = "default";

  /** The Python command used when none is set: {@code python3} on {@code PATH}. */
  public static final String DEFAULT_PYTHON = "python3";

  /** The timeout of calls that set none. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /** How long a worker may take to start and complete its handshake, unless set. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

  /** The most items one stream batch holds, unless set. */
  public static final int DEFAULT_STREAM_BATCH_SIZE = 1024;

  /** The largest frame either side accepts, unless set: 512 MiB. */
  public static final long DEFAULT_MAX_FRAME_BYTES = 512L * 1024 * 1024;

  /** How deeply values may nest, unless set. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 1000;

  private final RealRuntime delegate;

  private static final AtomicLong BUILT = new AtomicLong();

  /** This runtime's number among those built in this JVM, to tell runtimes of one name apart. */
  private final long serial = BUILT.incrementAndGet();

  SnakeBridgeRuntime(RuntimeConfig config) {
    this.delegate = new RealRuntime(config, refs());
  }

  /** A runtime over other workers and another clock (tests). */
  SnakeBridgeRuntime(RuntimeConfig config, WorkerSpawner spawner, Ticker ticker) {
    this.delegate = new RealRuntime(config, spawner, ticker, refs());
  }

  private RefFactory refs() {
    return new RefFactory() {
      @Override
      public PyRef create(
          String refId, String sessionId, String typeName, String module, boolean stream) {
        return newRef(refId, sessionId, typeName, module, stream);
      }

      @Override
      public @Nullable String foreign(PyRef ref) {
        PyRef target = ref.target();
        return target.runtime == SnakeBridgeRuntime.this ? null : foreignMessage(target);
      }
    };
  }

  private PyRef newRef(
      String refId, String sessionId, String typeName, String module, boolean stream) {
    return stream
        ? new StreamRef(refId, sessionId, typeName, module, this)
        : new PyRef(refId, sessionId, typeName, module, this);
  }

  /** The implementation, for tests in this package. */
  RealRuntime delegate() {
    return delegate;
  }

  /** Returns a builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the runtime's name, the prefix of its worker ids ({@code default-1}) and threads. */
  public String name() {
    return delegate.name();
  }

  /**
   * Calls {@code module.function(*args)} and returns its result converted to Java.
   *
   * @param module a module to import, such as {@code math} or {@code os.path}
   * @param function a function of the module; dotted names reach nested attributes, such as {@code
   *     path.join} on module {@code os}
   * @param args the positional arguments; pass {@code (Object) null} for a single None
   * @throws PythonException when the Python code raised (also for a missing module or function)
   * @throws ConversionException when an argument or the result cannot be converted
   * @throws CallTimeoutException when the runtime's default timeout passed
   * @throws WorkerCrashedException when the worker died during the call
   * @throws IllegalStateException when the runtime is closed
   */
  public Object call(String module, String function, Object... args) {
    return delegate.call(module, function, varargs(args), CallOptions.defaults());
  }

  /**
   * Calls {@code module.function(*args, **options.kwargs())} with the options' timeout, session and
   * pool; {@code args} are the positional arguments, whatever their types ({@code call("numpy",
   * "array", kw("dtype", "float32"), List.of(1, 2, 3))} passes one list).
   *
   * @param options keyword arguments and per-call settings, such as {@code kw("ndigits", 2)}
   * @param args the positional arguments; none, or {@code (Object) null} for a single None
   * @see #call(String, String, Object...) for what it throws
   * @since 0.2
   */
  public Object call(String module, String function, CallOptions options, Object... args) {
    return delegate.call(module, function, varargs(args), options);
  }

  /**
   * Calls {@code module.function(*args, **options.kwargs())} with the options' timeout, where
   * {@code args} <em>is the argument list</em>: each element is one positional argument ({@code
   * List.of(List.of(1, 2))} passes one list, {@code List.of(1, 2)} two numbers).
   *
   * @deprecated the list here is the argument list, unlike everywhere else; use {@link
   *     #call(String, String, CallOptions, Object...)}, whose varargs are always the arguments
   * @see #call(String, String, Object...)
   */
  @Deprecated(since = "0.2")
  public Object call(String module, String function, List<?> args, CallOptions options) {
    return delegate.call(module, function, args, options);
  }

  /**
   * Calls {@code module.function(*args, **options.kwargs())} with the options' timeout, exactly as
   * {@link #call(String, String, List, CallOptions)} does. The worker looks both names up when the
   * call arrives, so either method suits names chosen at run time; this one says so at the call
   * site.
   */
  public Object callDynamic(String module, String function, List<?> args, CallOptions options) {
    return delegate.call(module, function, args, options);
  }

  /**
   * Returns the module's attribute {@code attr} (dotted names reach nested attributes), such as
   * {@code getModuleAttr("math", "pi")}.
   */
  public Object getModuleAttr(String module, String attr) {
    return delegate.getModuleAttr(module, attr);
  }

  /**
   * Returns the module's attribute {@code attr} with the options' timeout, session and pool.
   *
   * @throws IllegalArgumentException when the options hold keyword arguments
   * @since 0.2
   */
  public Object getModuleAttr(String module, String attr, CallOptions options) {
    return delegate.getModuleAttr(module, attr, options);
  }

  /**
   * Like {@link #call(String, String, Object...)}, on one of the runtime's threads. Arguments are
   * converted before this method returns, so they may be changed afterwards; a value that cannot be
   * converted fails the future.
   */
  public CompletableFuture<Object> callAsync(String module, String function, Object... args) {
    return delegate.callAsync(module, function, varargs(args), CallOptions.defaults());
  }

  /** Like {@link #call(String, String, List, CallOptions)}, on one of the runtime's threads. */
  public CompletableFuture<Object> callAsync(
      String module, String function, List<?> args, CallOptions options) {
    return delegate.callAsync(module, function, args, options);
  }

  /** Like {@link #callDynamic}, on one of the runtime's threads. */
  public CompletableFuture<Object> callDynamicAsync(
      String module, String function, List<?> args, CallOptions options) {
    return delegate.callAsync(module, function, args, options);
  }

  /** Like {@link #getModuleAttr}, on one of the runtime's threads. */
  public CompletableFuture<Object> getModuleAttrAsync(String module, String attr) {
    return delegate.getModuleAttrAsync(module, attr);
  }

  /**
   * Calls the class {@code module.className(*args)} and returns a reference to the new instance,
   * which stays in Python even when its type has a by-value mapping ({@code
   * callClass("collections", "Counter", ...)} is a reference; {@code call} would return a map).
   *
   * @param args the positional arguments, each one Python argument
   * @see #call(String, String, Object...) for what it throws
   * @since 0.2
   */
  public PyRef callClass(String module, String className, Object... args) {
    return delegate.callClass(module, className, varargs(args), CallOptions.defaults());
  }

  /**
   * Calls the class {@code module.className(*args, **options.kwargs())} and returns a reference to
   * the new instance; see {@link #callClass(String, String, Object...)}.
   *
   * @since 0.2
   */
  public PyRef callClass(String module, String className, CallOptions options, Object... args) {
    return delegate.callClass(module, className, varargs(args), options);
  }

  /**
   * Like {@link #callClass(String, String, CallOptions, Object...)}, where {@code args} is the
   * argument list: each element is one positional argument.
   *
   * @deprecated the list here is the argument list; use {@link #callClass(String, String,
   *     CallOptions, Object...)}
   */
  @Deprecated(since = "0.2")
  public PyRef callClass(String module, String className, List<?> args, CallOptions options) {
    return delegate.callClass(module, className, args, options);
  }

  /** Like {@link #callClass}, on one of the runtime's threads. */
  public CompletableFuture<PyRef> callClassAsync(
      String module, String className, List<?> args, CallOptions options) {
    return delegate.callClassAsync(module, className, args, options);
  }

  /**
   * Calls {@code ref.method(*args)} in the reference's session, on the worker holding it.
   *
   * @throws ReferenceNotFoundException when the reference was released, expired or evicted
   * @throws SessionMismatchException when the arguments hold a reference of another session
   * @throws SessionLostException when the worker holding the object is gone
   * @throws WorkerBusyException with {@link Affinity#STRICT_FAIL_FAST}, when that worker is busy
   * @see #call(String, String, Object...) for everything else it throws
   */
  public Object callMethod(PyRef ref, String method, Object... args) {
    return delegate.callMethod(owned(ref), method, varargs(args), CallOptions.defaults());
  }

  /**
   * Calls {@code ref.method(*args, **options.kwargs())}; see {@link #callMethod(PyRef, String,
   * Object...)}. The same as {@link PyRef#callMethod(String, CallOptions, Object...)}.
   *
   * @since 0.2
   */
  public Object callMethod(PyRef ref, String method, CallOptions options, Object... args) {
    return delegate.callMethod(owned(ref), method, varargs(args), options);
  }

  /**
   * Calls {@code ref.method(*args, **options.kwargs())}, where {@code args} is the argument list:
   * each element is one positional argument; see {@link #callMethod(PyRef, String, Object...)}.
   *
   * @deprecated the list here is the argument list; use {@link #callMethod(PyRef, String,
   *     CallOptions, Object...)}
   */
  @Deprecated(since = "0.2")
  public Object callMethod(PyRef ref, String method, List<?> args, CallOptions options) {
    return delegate.callMethod(owned(ref), method, args, options);
  }

  /** Like {@link #callMethod(PyRef, String, Object...)}, on one of the runtime's threads. */
  public CompletableFuture<Object> callMethodAsync(PyRef ref, String method, Object... args) {
    return delegate.callMethodAsync(owned(ref), method, varargs(args), CallOptions.defaults());
  }

  /** Like {@link #callMethod(PyRef, String, List, CallOptions)}, on a runtime's thread. */
  public CompletableFuture<Object> callMethodAsync(
      PyRef ref, String method, List<?> args, CallOptions options) {
    return delegate.callMethodAsync(owned(ref), method, args, options);
  }

  /**
   * Returns {@code getattr(ref, attr)}: a value, or another reference.
   *
   * @see #callMethod(PyRef, String, Object...) for what it throws
   */
  public Object getAttr(PyRef ref, String attr) {
    return delegate.getAttr(owned(ref), attr, CallOptions.defaults());
  }

  /** Like {@link #getAttr}, on one of the runtime's threads. */
  public CompletableFuture<Object> getAttrAsync(PyRef ref, String attr) {
    return delegate.getAttrAsync(owned(ref), attr, CallOptions.defaults());
  }

  /**
   * Runs {@code setattr(ref, attr, value)}.
   *
   * @see #callMethod(PyRef, String, Object...) for what it throws
   */
  public void setAttr(PyRef ref, String attr, Object value) {
    delegate.setAttr(owned(ref), attr, value, CallOptions.defaults());
  }

  /** Like {@link #setAttr}, on one of the runtime's threads. */
  public CompletableFuture<Void> setAttrAsync(PyRef ref, String attr, Object value) {
    return delegate.setAttrAsync(owned(ref), attr, value, CallOptions.defaults());
  }

  /**
   * Calls a helper: a function of the user's own Python modules under one of the folders set with
   * {@link Builder#helperPaths}. {@code helper} is {@code module.function}, the module dotted as
   * for an import ({@code "text.tools.slugify"} is {@code slugify} in {@code
   * <folder>/text/tools.py}).
   *
   * @throws PythonException with {@link PythonException#pythonType()} {@code
   *     snakebridge_worker.HelperNotFound} when no helper folder holds that module and function
   *     (its message names the folders searched); otherwise as {@link #call}
   * @since 0.2
   */
  public Object callHelper(String helper, Object... args) {
    return delegate.callHelper(helper, varargs(args), CallOptions.defaults());
  }

  /**
   * Calls a helper with keyword arguments and per-call settings; see {@link #callHelper(String,
   * Object...)}.
   *
   * @since 0.2
   */
  public Object callHelper(String helper, CallOptions options, Object... args) {
    return delegate.callHelper(helper, varargs(args), options);
  }

  /**
   * Like {@link #callHelper(String, CallOptions, Object...)}, where {@code args} is the argument
   * list: each element is one positional argument.
   *
   * @deprecated the list here is the argument list; use {@link #callHelper(String, CallOptions,
   *     Object...)}
   */
  @Deprecated(since = "0.2")
  public Object callHelper(String helper, List<?> args, CallOptions options) {
    return delegate.callHelper(helper, args, options);
  }

  /** Like {@link #callHelper}, on one of the runtime's threads. */
  public CompletableFuture<Object> callHelperAsync(
      String helper, List<?> args, CallOptions options) {
    return delegate.callHelperAsync(helper, args, options);
  }

  /**
   * Runs Python's {@code with} statement on a context manager: calls its {@code __enter__}, runs
   * {@code body} with what that returned (a value or a reference), then calls {@code __exit__},
   * also when the body throws.
   *
   * <pre>{@code
   * PyRef file = (PyRef) python.call("builtins", "open", "data.txt");
   * String text = python.with(file, f -> (String) python.callMethod((PyRef) f, "read"));
   * }</pre>
   *
   * <p>When the body throws, {@code __exit__} receives a real Python exception standing for it
   * (type {@code snakebridge_worker.JavaError}, message {@code "<Java class>: <message>"}), so a
   * manager can roll back, log or suppress as in Python. If {@code __exit__} returns true the
   * exception is suppressed and this method returns null; otherwise the body's exception is
   * rethrown unchanged. If {@code __exit__} itself raises, that {@link PythonException} is thrown,
   * with the body's exception in its cause chain or, failing that, suppressed. If {@code __enter__}
   * raises, the body does not run.
   *
   * @param manager a reference to the context manager
   * @param body runs inside the block; its result is returned
   */
  public <T> @Nullable T with(PyRef manager, Function<Object, ? extends T> body) {
    return delegate.with(owned(manager), body);
  }

  // ---- streams ------------------------------------------------------------------------------

  /**
   * Calls {@code module.function(*args, **options.kwargs())} and streams its result: {@code onItem}
   * receives each item of a generator, iterator or other iterable, in order, on this thread; this
   * method returns when the stream is exhausted.
   *
   * <pre>{@code
   * python.stream("pandas", "read_csv", List.of(path),
   *     CallOptions.defaults().kwarg("chunksize", 100),
   *     chunk -> totals.add(python.callMethod((PyRef) chunk, "sum")));
   * }</pre>
   *
   * <p><b>What is streamed.</b> An iterator or async iterator result is streamed itself; any other
   * iterable ({@code list}, {@code range}, pandas' {@code TextFileReader}...) through {@code
   * iter()}; a result that is not iterable, and a {@code str}, {@code bytes} or {@code dict}, is
   * one item. A coroutine result is awaited first, and async generators work like generators. A
   * Python {@code None} item is {@code null}; items that have no by-value mapping are {@link
   * PyRef}s in the call's session, usable from {@code onItem} (a call on one waits while the next
   * batch runs on the same worker).
   *
   * <p><b>Flow.</b> Items come in batches of up to {@link Builder#streamBatchSize} (fewer when the
   * producer is slow, so items arrive as soon as they exist), and the next batch is asked for
   * before the current one is handed to {@code onItem}: Python produces while Java consumes, but
   * never more than one batch ahead, so a slow consumer holds the producer back (memory stays
   * flat). The stream's worker is leased for each batch, not for the whole stream; when no worker
   * is free the stream waits for one, within its timeout, like any call.
   *
   * <p><b>Timeout.</b> {@code options.timeout()} (else the runtime's default, 120 s) bounds each
   * request to Python: the wait for the call's first batch, then for each following batch, so it is
   * the longest Python may take to produce items (an idle timeout), not a limit on the whole
   * stream. On expiry this throws {@link CallTimeoutException}, and the worker, stuck in the
   * generator, is stopped and replaced.
   *
   * <p><b>Early end.</b> If {@code onItem} throws, the stream stops: the batch in flight is
   * cancelled, the Python iterator is closed (a generator's {@code finally} blocks have run when
   * this method returns) and the exception is rethrown unchanged (a failure to close is added to it
   * as suppressed). If the Python iterator raises, every item produced before the error is
   * delivered, then its {@link PythonException} is thrown.
   *
   * <p>Inside a Java callback the next batch is not asked for ahead (the worker is busy waiting for
   * the callback), so batches run one after another on the callback's thread.
   *
   * @param onItem receives each item
   * @throws PythonException when the call or the iterator raised
   * @see #call(String, String, List, CallOptions) for what else it throws
   * @see #openStream(String, String, List, CallOptions) for the same items as an iterator
   * @see #streamDynamic for one call per item
   * @since 0.3
   */
  public void stream(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    delegate.stream(module, function, args, options, onItem);
  }

  /**
   * Like {@link #stream}, but takes the items from Python one call at a time, when {@code onItem}
   * is ready for the next one: nothing is produced ahead of the consumer, at the cost of a round
   * trip per item (see {@code BENCHMARKS.md}). The timeout bounds each item's wait; an exception
   * from {@code onItem} closes the Python iterator before it is rethrown, as for {@code stream}.
   *
   * @since 0.3
   */
  public void streamDynamic(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    delegate.streamDynamic(module, function, args, options, onItem);
  }

  /**
   * Takes the next item of a stream reference from Python (one call): {@code Optional.empty()} once
   * the stream is exhausted, and only then. Since an {@code Optional} cannot hold {@code null}, an
   * item that is Python's {@code None} comes back as {@link PyNone#NONE}.
   *
   * <pre>{@code
   * StreamRef counter = (StreamRef) python.call("itertools", "count", 1);
   * python.streamNext(counter);   // Optional[1]
   * }</pre>
   *
   * <p>Uses the runtime's default timeout; {@link #streamNext(StreamRef, Duration)} takes one.
   *
   * @throws PythonException when the iterator raised (it is finished then)
   * @throws ReferenceNotFoundException when the reference was released or closed
   * @see #callMethod(PyRef, String, Object...) for everything else it throws
   * @since 0.3
   */
  public Optional<Object> streamNext(StreamRef stream) {
    return delegate.streamNext(owned(stream));
  }

  /**
   * Like {@link #streamNext(StreamRef)}, waiting at most {@code timeout} for the item instead of
   * the runtime's default timeout; past it the call fails with {@link CallTimeoutException} as any
   * call does.
   *
   * @throws IllegalArgumentException when {@code timeout} is zero or negative
   * @since 0.3
   */
  public Optional<Object> streamNext(StreamRef stream, Duration timeout) {
    return delegate.streamNext(owned(stream), positive(timeout));
  }

  /**
   * Returns Python's {@code len()} of a stream reference, or empty when its type has no length (a
   * generator has none; a {@code range} iterator has one: the items left).
   *
   * @since 0.3
   */
  public OptionalLong streamLen(StreamRef stream) {
    return delegate.streamLen(owned(stream));
  }

  /**
   * Closes a stream reference: Python closes the iterator (a generator's {@code finally} blocks
   * have run when this returns; an async generator is closed with {@code aclose()}) and releases
   * the reference. Idempotent: a reference already closed, released, or whose worker is gone, is
   * ignored.
   *
   * @throws PythonException when closing raised (a {@code finally} block did)
   * @since 0.3
   */
  public void closeStream(StreamRef stream) {
    delegate.closeStream(owned(stream));
  }

  /**
   * Calls {@code module.function(*args, **options.kwargs())} and returns its result's items as a
   * {@link PyStream}: the items of {@link #stream}, with the same batches, one in flight, timeout
   * and errors, taken when the caller wants them. The call runs before this method returns; close
   * the {@code PyStream} if you do not read it to its end.
   *
   * @see #stream for what is streamed and what it throws
   * @since 0.3
   */
  public PyStream openStream(String module, String function, List<?> args, CallOptions options) {
    return new PyStream(delegate.openStream(module, function, args, options));
  }

  /**
   * Returns a view of a stream reference's items as a {@link PyStream}, one call per item, taken
   * only when asked for ({@link PyStream#hasNext()}): nothing is consumed from the Python iterator
   * that was not taken, so the reference can be used on afterwards, and closing the view leaves the
   * reference open. Uses the runtime's default timeout for each item; {@link #openStream(StreamRef,
   * Duration)} takes one.
   *
   * @since 0.3
   */
  public PyStream openStream(StreamRef stream) {
    return new PyStream(delegate.openStream(owned(stream)));
  }

  /**
   * Like {@link #openStream(StreamRef)}, waiting at most {@code timeout} for each item instead of
   * the runtime's default timeout.
   *
   * @throws IllegalArgumentException when {@code timeout} is zero or negative
   * @since 0.3
   */
  public PyStream openStream(StreamRef stream, Duration timeout) {
    return new PyStream(delegate.openStream(owned(stream), positive(timeout)));
  }

  /**
   * Returns a cold {@link Flow.Publisher} of the items of {@code module.function(*args,
   * **options.kwargs())}: each subscriber makes the call anew, when it first requests items, in the
   * session of the thread that subscribed (arguments are converted when it subscribes; one that
   * cannot be fails that subscription with {@code onError}).
   *
   * <p>It follows the Reactive Streams rules: signals are serial and come from the runtime's async
   * threads (never from inside {@code request}), no more {@code onNext} than requested, {@code
   * onComplete} or {@code onError} exactly once, {@code request(n)} with {@code n <= 0} signals
   * {@code onError(IllegalArgumentException)}. Since elements cannot be null, a Python {@code None}
   * item is signalled as {@link PyNone#NONE}. Batches are as for {@link #stream} (one in flight
   * ahead of the demand). {@code cancel()} cancels the batch in flight and closes the Python
   * iterator, so a generator's {@code finally} blocks run. An exception thrown by {@code onNext}
   * cancels the subscription and is signalled to {@code onError}.
   *
   * @since 0.3
   */
  public Flow.Publisher<Object> publisher(
      String module, String function, List<?> args, CallOptions options) {
    return delegate.publisher(module, function, args, options);
  }

  /**
   * Returns a {@link Flow.Publisher} of a stream reference's items, for one subscriber (another
   * gets {@code onError(IllegalStateException)}), as {@link #publisher(String, String, List,
   * CallOptions)} but taking from Python only what was requested (a batch of at most the
   * outstanding demand, when none is buffered). Cancelling stops taking items and leaves the
   * reference open (a batch in flight is waited for and its items dropped).
   *
   * @since 0.3
   */
  public Flow.Publisher<Object> publisher(StreamRef stream) {
    return delegate.publisher(owned(stream));
  }

  /**
   * Releases one reference: its Python object is unregistered from its session (Python frees it
   * unless something else holds it) before any later call reaches its worker. Idempotent: a
   * reference already released, expired, or of an ended session is ignored.
   */
  public void releaseRef(PyRef ref) {
    delegate.releaseRef(owned(ref));
  }

  /**
   * Releases a session in this runtime: its references and callbacks, in every worker that ran one
   * of its calls. Its {@code PyRef}s fail with {@link ReferenceNotFoundException} at once; the
   * workers are told before this returns, waiting for a busy one as {@link Affinity#STRICT_QUEUE}
   * would (within the default timeout). Idempotent. Threads still inside a {@link SessionContext}
   * block for the id go on using the id; their next calls start the session afresh.
   */
  public void releaseSession(String sessionId) {
    delegate.releaseSession(sessionId);
  }

  /**
   * Returns the id of the session a call without a session option would use on this thread now: the
   * innermost {@link SessionContext} block's, inside a callback the invoking call's, else this
   * thread's automatic session, which this starts if the thread has none.
   */
  public String currentSession() {
    return delegate.currentSession();
  }

  /**
   * Forgets this thread's automatic session without releasing it: the next call starts a new one.
   * The old session's references stay usable (their calls run in it); it is released when this
   * thread ends, or by {@link #releaseSession}. Idempotent.
   */
  public void clearAutoSession() {
    delegate.clearAutoSession();
  }

  /**
   * Releases this thread's automatic session, as {@link #releaseSession} would, and forgets it: the
   * next call starts a new one. Does nothing when the thread has none.
   */
  public void releaseAutoSession() {
    delegate.releaseAutoSession();
  }

  /**
   * Asks every running worker how many references each session holds and returns the totals by
   * session id: observability, and a leak check for tests. Waits for busy workers (within the
   * default timeout); sessions holding nothing are absent.
   */
  public Map<String, Long> sessionStats() {
    return delegate.sessionStats();
  }

  /**
   * Returns a snapshot of the default pool: its workers now (busy, idle, starting), the calls
   * waiting, and its counters since the runtime was built.
   *
   * @since 0.2
   */
  public PoolStats poolStats() {
    return delegate.poolStats(CallOptions.DEFAULT_POOL);
  }

  /**
   * Returns a snapshot of pool {@code pool}; see {@link #poolStats()}.
   *
   * @throws IllegalArgumentException naming the runtime's pools when it has no such pool
   * @since 0.2
   */
  public PoolStats poolStats(String pool) {
    Objects.requireNonNull(pool, "pool");
    return delegate.poolStats(pool);
  }

  /**
   * Returns a snapshot of every pool, the default one first.
   *
   * @since 0.2
   */
  public List<PoolStats> allPoolStats() {
    return delegate.allPoolStats();
  }

  /** Returns what a worker reported about its interpreter, starting a worker if none runs yet. */
  public PythonInfo pythonInfo() {
    return delegate.pythonInfo();
  }

  /**
   * Closes the runtime: calls waiting for a worker fail, idle workers are asked to exit, running
   * calls get two seconds to finish before their workers are terminated and then killed. Returns
   * when every worker process has exited. Idempotent; later calls fail with {@link
   * IllegalStateException}.
   */
  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "SnakeBridgeRuntime{" + delegate.name() + "}";
  }

  /**
   * Calls {@code module.function(ref, *more)} for {@link PyRef}'s operations that Python spells as
   * functions ({@code operator.getitem}, {@code builtins.str}); passing the reference makes the
   * call run in its session, on its worker.
   */
  Object callOn(String module, String function, PyRef ref, Object... more) {
    Object[] args = new Object[more.length + 1];
    args[0] = owned(ref);
    System.arraycopy(more, 0, args, 1, more.length);
    return delegate.call(module, function, Arrays.asList(args), CallOptions.defaults());
  }

  /**
   * A reference of another runtime is misuse: its object lives in that runtime's workers. A {@link
   * PyHandle} stands for the reference it wraps, which is what the runtime works with.
   */
  @SuppressWarnings("unchecked") // T is PyRef itself whenever target() is another object
  private <T extends PyRef> T owned(T ref) {
    Objects.requireNonNull(ref, "ref");
    PyRef target = ref.target();
    if (target.runtime != this) {
      throw new IllegalArgumentException(foreignMessage(target));
    }
    return (T) target;
  }

  /** Names both runtimes apart, even when they have the same name, and says which is closed. */
  private String foreignMessage(PyRef target) {
    return "reference "
        + target.refId()
        + " to a "
        + target.typeName()
        + " belongs to "
        + (target.runtime == null ? "no runtime" : target.runtime.describe())
        + ", not to "
        + describe()
        + ": its object lives in the workers of the runtime that made it";
  }

  /** The runtime's name, its number among the runtimes this JVM built, and whether it is closed. */
  private String describe() {
    return "runtime '"
        + delegate.name()
        + "' #"
        + serial
        + (delegate.isClosed() ? " (closed)" : "");
  }

  /** Checks a timeout as {@link CallOptions#timeout(Duration)} does. */
  private static Duration positive(Duration timeout) {
    return CallOptions.defaults().timeout(timeout).timeout().orElseThrow();
  }

  private static List<Object> varargs(Object[] args) {
    return Arrays.asList(
        Objects.requireNonNull(
            args, "args (to pass None as the only argument, write (Object) null)"));
  }

  /**
   * Builds a {@link SnakeBridgeRuntime}. Every setter checks its value at once and throws {@link
   * IllegalArgumentException} or {@link NullPointerException} naming the parameter; nothing is
   * silently corrected.
   *
   * <p>Not thread-safe; use one builder per thread. A builder may build several runtimes.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final RuntimeSettings settings = new RuntimeSettings();

    Builder() {}

    /**
     * Sets the runtime's name, used in worker ids, thread names and logs; default {@value
     * SnakeBridgeRuntime#DEFAULT_NAME}. Letters, digits, '.', '_' and '-', starting with a letter
     * or digit, at most 64 characters.
     */
    public Builder name(String name) {
      settings.name(name);
      return this;
    }

    /**
     * Sets the Python interpreter: a path, or a command looked up on {@code PATH}. After the first
     * worker's handshake, later workers start with the interpreter path it reported ({@code
     * sys.executable}), so a version manager's shim (pyenv's costs over 100 ms a start) is paid
     * once per runtime.
     *
     * <p>Default, resolved by {@link #build()}: the {@code SNAKEBRIDGE_PYTHON} environment
     * variable, else the {@code snakebridge.python} system property, else the managed venv of the
     * {@code META-INF/snakebridge/snakebridge.lock} that the Maven plugin's {@code env} goal puts
     * on the class path (found in the cache folder, checked against the lock, and created there
     * when missing unless {@link #createEnvironment} says not to), else {@value
     * SnakeBridgeRuntime#DEFAULT_PYTHON}. Not together with {@link #requirements}, which chooses
     * the interpreter too.
     */
    public Builder python(String python) {
      settings.python(python);
      return this;
    }

    /**
     * Sets whether {@link #build()} creates the project's managed venv when it is missing or does
     * not match the embedded lock (which takes as long as installing the packages), or fails with a
     * message naming the command that creates it; default: the {@code
     * snakebridge.createEnvironment} system property, else true. Only used when no Python is set
     * (see {@link #python}).
     */
    public Builder createEnvironment(boolean create) {
      settings.createEnvironment(create);
      return this;
    }

    /**
     * Runs the workers in a managed venv holding these pip requirements, for programs that no build
     * plugin prepares (scripts, JShell):
     *
     * <pre>{@code
     * try (SnakeBridgeRuntime python =
     *     SnakeBridgeRuntime.builder().requirements("numpy", "pandas").build()) { ... }
     * }</pre>
     *
     * <p>{@link #build()} resolves them once with pip into a {@code snakebridge.lock} kept in the
     * cache folder ({@code locks/<hash of the requirements and base interpreter>/}), then creates
     * or reuses the venv for that lock ({@code venvs/<hash>}, the one a project with the same pins
     * gets), logging progress through {@code System.Logger} {@code io.snakebridge.env}. Later
     * builds with the same requirements read that lock and install nothing. The venv is made from
     * the {@code snakebridge.basePython} system property, else {@code SNAKEBRIDGE_PYTHON}, else the
     * {@code snakebridge.python} property, else {@code python3}. Replaces earlier requirements; an
     * empty list (and no {@link #requirementsFile}) means none.
     *
     * @throws IllegalArgumentException when a requirement is blank or starts with {@code -}
     * @see #requirementsFile(Path)
     * @since 0.3
     */
    public Builder requirements(String... requirements) {
      settings.requirements(Arrays.asList(Objects.requireNonNull(requirements, "requirements")));
      return this;
    }

    /** Like {@link #requirements(String...)}, from a list. @since 0.3 */
    public Builder requirements(List<String> requirements) {
      settings.requirements(requirements);
      return this;
    }

    /**
     * Like {@link #requirements(String...)}, from a pip requirements file (besides any requirements
     * given in code); a change to its text resolves again. {@link #build()} throws {@link
     * IllegalStateException} when an interpreter is also set with {@link #python} or {@link #pool}
     * for the default pool: the venv's interpreter is the one the workers run.
     *
     * @throws IllegalArgumentException when the file does not exist
     * @since 0.3
     */
    public Builder requirementsFile(Path file) {
      settings.requirementsFile(file);
      return this;
    }

    /**
     * Sets how many workers the default pool keeps, at least 1; default: the number of processors.
     * This and the other interpreter, environment and timeout setters configure the default pool;
     * they throw {@link IllegalStateException} after {@link #pool} with {@link
     * CallOptions#DEFAULT_POOL}, the other way to configure it.
     */
    public Builder poolSize(int poolSize) {
      settings.poolSize(poolSize);
      return this;
    }

    /** Adds environment variables for the workers, on top of the JVM's environment. */
    public Builder environment(Map<String, String> environment) {
      settings.environment(environment);
      return this;
    }

    /** Adds one environment variable for the workers, on top of the JVM's environment. */
    public Builder environmentVariable(String name, String value) {
      settings.environmentVariable(name, value);
      return this;
    }

    /**
     * Sets folders put on the workers' {@code sys.path}, in order, replacing earlier ones. They
     * come right after the standard library's folders, followed by the working directory, and
     * before installed packages: a module of yours named like a standard library module ({@code
     * token.py}, say) does not shadow it. Relative paths are resolved against the JVM's working
     * directory.
     */
    public Builder pythonPath(Path... folders) {
      settings.pythonPath(Arrays.asList(Objects.requireNonNull(folders, "folders")));
      return this;
    }

    /** Like {@link #pythonPath(Path...)}, from a list. */
    public Builder pythonPath(List<Path> folders) {
      settings.pythonPath(folders);
      return this;
    }

    /**
     * Sets the timeout of calls whose options set none, positive; default {@link
     * SnakeBridgeRuntime#DEFAULT_TIMEOUT} (120 s).
     */
    public Builder defaultTimeout(Duration timeout) {
      settings.defaultTimeout(timeout);
      return this;
    }

    /**
     * Sets how long a worker may take to start and complete its handshake, positive; default {@link
     * SnakeBridgeRuntime#DEFAULT_STARTUP_TIMEOUT} (30 s).
     */
    public Builder startupTimeout(Duration timeout) {
      settings.startupTimeout(timeout);
      return this;
    }

    /**
     * Sets whether every worker of every pool starts when the runtime is built, in parallel and in
     * the background; default false (on first use). Calls wait only for the first worker of their
     * pool that is ready. With true, {@link #build()} returns once each pool has a worker ready,
     * and throws (a {@link PoolExhaustedException} saying why) when a pool's workers cannot start.
     */
    public Builder eagerStart(boolean eagerStart) {
      settings.eagerStart(eagerStart);
      return this;
    }

    /** Sets the workers' working directory, an existing folder; default: the JVM's. */
    public Builder workingDirectory(Path folder) {
      settings.workingDirectory(folder);
      return this;
    }

    /**
     * Sets where the worker package is extracted; default the {@code snakebridge.cacheDir} system
     * property, else {@code $XDG_CACHE_HOME/snakebridge}, else {@code ~/.cache/snakebridge}. It is
     * created {@code 0700} when missing. Workers start from it only if nobody but the JVM's user
     * can write to it or to the folders above it (a sticky folder such as {@code /tmp} is fine); a
     * copy of the package that differs from the jar's is extracted again.
     */
    public Builder cacheDirectory(Path folder) {
      settings.cacheDirectory(folder);
      return this;
    }

    /**
     * Sets the largest frame either side accepts, from 4 KiB to 2 GiB - 1; default {@value
     * SnakeBridgeRuntime#DEFAULT_MAX_FRAME_BYTES} (512 MiB). A result above it fails with a {@link
     * ConversionException}; the worker never sends it.
     */
    public Builder maxFrameBytes(long maxFrameBytes) {
      settings.maxFrameBytes(maxFrameBytes);
      return this;
    }

    /**
     * Sets whether large values (from 1 MiB: {@code NdArray} data, {@code byte[]}, long strings,
     * and their Python counterparts) cross through memory shared with each worker instead of its
     * pipes; default true. Where the system offers no such memory (it needs Linux's {@code memfd}
     * and {@code /proc}) they go through the pipes, and one log line says so. Callers see no
     * difference but speed.
     *
     * @since 0.3
     */
    public Builder sharedMemory(boolean enabled) {
      settings.sharedMemory(enabled);
      return this;
    }

    /**
     * Sets the most shared memory each worker maps per direction, from 1 MiB to 2 GiB - 1; default
     * 1 GiB. It grows to what the largest frame so far needed; a frame whose large values need more
     * goes through the pipe (one log line).
     *
     * @since 0.3
     */
    public Builder sharedMemoryLimit(long bytes) {
      settings.sharedMemoryLimit(bytes);
      return this;
    }

    /**
     * Sets how deeply values may nest, at least 1; default {@value
     * SnakeBridgeRuntime#DEFAULT_MAX_NESTING_DEPTH}.
     */
    public Builder maxNestingDepth(int maxNestingDepth) {
      settings.maxNestingDepth(maxNestingDepth);
      return this;
    }

    /**
     * Sets the folders of the user's own Python modules that {@link SnakeBridgeRuntime#callHelper}
     * may call, replacing earlier ones; each must exist. They are also put on the workers' {@code
     * sys.path}. Relative paths are resolved against the JVM's working directory.
     */
    public Builder helperPaths(Path... folders) {
      settings.helperPaths(Arrays.asList(Objects.requireNonNull(folders, "folders")));
      return this;
    }

    /** Like {@link #helperPaths(Path...)}, from a list. */
    public Builder helperPaths(List<Path> folders) {
      settings.helperPaths(folders);
      return this;
    }

    /**
     * Sets the most items one stream batch holds, at least 1; default {@value
     * SnakeBridgeRuntime#DEFAULT_STREAM_BATCH_SIZE}. Python sends a batch sooner when it has taken
     * about 4 MiB of items or the producer is slow (WIRE-PROTOCOL.md §6.3); at most one batch per
     * stream is in flight, so this bounds how far a producer runs ahead of its consumer.
     */
    public Builder streamBatchSize(int streamBatchSize) {
      settings.streamBatchSize(streamBatchSize);
      return this;
    }

    /**
     * Sets the executor that runs Java callbacks ({@link PyCallable} and the other functions passed
     * to Python). Default: the runtime's own daemon threads, {@code
     * snakebridge-<name>-callback-<n>}, created as needed, at most 256 at once, and shut down with
     * the runtime. A callback that calls Python which calls back again occupies one thread per
     * level, so an executor with a bounded number of threads bounds that nesting. A callback the
     * executor refuses (all 256 threads busy, say) is not queued: the Python code that called it
     * gets an error naming the {@code RejectedExecutionException}. When the call that made a
     * callback ends (its result, its deadline, a cancel) while the callback still runs, the
     * callback's thread is interrupted; one that ignores interrupts keeps its thread until it
     * returns. The executor must run tasks on threads of its own (a direct {@code Runnable::run}
     * executor would run callbacks on the thread reading the worker's replies); it is not shut down
     * by the runtime.
     */
    public Builder callbackExecutor(Executor executor) {
      settings.callbackExecutor(executor);
      return this;
    }

    /**
     * Adds a named pool, with its own interpreter, size, environment, timeouts and limits; calls
     * reach it with {@link CallOptions#pool(String)}. Adding a name twice keeps the last options. A
     * pool whose options name no interpreter runs this builder's ({@link #python}). With the name
     * {@link CallOptions#DEFAULT_POOL} it sets the default pool's options instead; then {@link
     * #python}, {@link #poolSize}, {@link #environment}, {@link #environmentVariable}, {@link
     * #pythonPath}, {@link #defaultTimeout} and {@link #startupTimeout} may be used neither before
     * nor after it (one way to configure the default pool).
     *
     * @throws IllegalStateException when {@code name} is {@link CallOptions#DEFAULT_POOL} and one
     *     of the default pool's setters above was already called
     * @param name 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit
     * @since 0.2
     */
    public Builder pool(String name, PoolOptions options) {
      settings.pool(name, options, Objects.requireNonNull(options, "options").pythonGiven());
      return this;
    }

    /** What a missing interpreter's message advises instead of {@link #python}. */
    Builder pythonHint(String hint) {
      settings.pythonHint(hint);
      return this;
    }

    /**
     * Sets the listener of the runtime's events (workers starting, ready, exiting, recycled; calls
     * starting, queued, acquired, ending, failing); default {@link EventListener#NONE}. See {@link
     * EventListener} for the threads it is called on.
     *
     * @since 0.2
     */
    public Builder eventListener(EventListener listener) {
      settings.eventListener(listener);
      return this;
    }

    /** Builds the runtime; starts its workers now only with {@link #eagerStart(boolean)}. */
    public SnakeBridgeRuntime build() {
      return new SnakeBridgeRuntime(settings.toConfig());
    }
  }
}
