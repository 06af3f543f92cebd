package io.snakebridge;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Static access to a shared default {@link SnakeBridgeRuntime}: the quickest way to call Python.
 *
 * <pre>{@code
 * double root = (Double) SnakeBridge.call("math", "sqrt", 16);     // 4.0
 * Object pi = SnakeBridge.getModuleAttr("math", "pi");             // 3.141592653589793
 * CompletableFuture<Object> joined = SnakeBridge.callAsync("os.path", "join", "a", "b");
 * PyRef pattern = (PyRef) SnakeBridge.call("re", "compile", "a+b");  // no by-value form
 * Object match = SnakeBridge.callMethod(pattern, "match", "aab");    // another PyRef
 * }</pre>
 *
 * <p>The default runtime is built on first use with every default setting, except the Python
 * interpreter: the {@code SNAKEBRIDGE_PYTHON} environment variable if set, else the {@code
 * snakebridge.python} system property, else the project's managed venv (see {@link
 * SnakeBridgeRuntime.Builder#python}), else {@code python3} on {@code PATH}. Its workers start on
 * first use, and a JVM shutdown hook closes it. Build your own runtime for another interpreter,
 * pool size, environment or timeout.
 *
 * <p>Arguments follow the one rule of {@link SnakeBridgeRuntime}: a trailing {@code Object...} is
 * always the positional arguments, with the {@link CallOptions} before it ({@code call("numpy",
 * "array", kw("dtype", "float32"), List.of(1, 2, 3))} passes one list); the deprecated {@code
 * (List<?> args, CallOptions options)} forms read the list as the argument list.
 *
 * <p>Thread-safe: every method may be called from any thread.
 *
 * @since 0.1
 */
public final class SnakeBridge {
  /** The environment variable naming the default runtime's Python. */
  public static final String PYTHON_ENV = "SNAKEBRIDGE_PYTHON";

  /** The system property naming the default runtime's Python, when the variable is not set. */
  public static final String PYTHON_PROPERTY = "snakebridge.python";

  /** The system property listing the default runtime's helper folders (path separator between). */
  public static final String HELPER_PATHS_PROPERTY = "snakebridge.helperPaths";

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static volatile @Nullable SnakeBridgeRuntime defaultRuntime;

  private SnakeBridge() {}

  /**
   * Returns the default runtime, building it on first use (which starts no process) and registering
   * the shutdown hook that closes it.
   */
  public static SnakeBridgeRuntime runtime() {
    SnakeBridgeRuntime runtime = defaultRuntime;
    if (runtime != null) {
      return runtime;
    }
    LOCK.lock();
    try {
      if (defaultRuntime == null) {
        SnakeBridgeRuntime.Builder builder =
            SnakeBridgeRuntime.builder()
                .pythonHint(
                    "name an interpreter with the "
                        + PYTHON_ENV
                        + " environment variable or"
                        + " -D"
                        + PYTHON_PROPERTY);
        String helpers = System.getProperty(HELPER_PATHS_PROPERTY);
        if (helpers != null && !helpers.isBlank()) {
          List<Path> folders = new ArrayList<>();
          for (String folder : helpers.split(File.pathSeparator)) {
            if (!folder.isBlank()) {
              folders.add(Path.of(folder));
            }
          }
          builder.helperPaths(folders);
        }
        SnakeBridgeRuntime built = builder.build();
        Thread hook = new Thread(built::close, "snakebridge-default-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        defaultRuntime = built;
      }
      return defaultRuntime;
    } finally {
      LOCK.unlock();
    }
  }

  /** Calls {@code module.function(*args)} on the default runtime. */
  public static Object call(String module, String function, Object... args) {
    return runtime().call(module, function, args);
  }

  /**
   * Calls {@code module.function(*args, **options.kwargs())} on the default runtime; see {@link
   * SnakeBridgeRuntime#call(String, String, CallOptions, Object...)}.
   *
   * @since 0.2
   */
  public static Object call(String module, String function, CallOptions options, Object... args) {
    return runtime().call(module, function, options, args);
  }

  /**
   * Calls {@code module.function(*args, **options.kwargs())} on the default runtime, where {@code
   * args} is the argument list.
   *
   * @deprecated use {@link #call(String, String, CallOptions, Object...)}
   */
  @Deprecated(since = "0.2")
  public static Object call(String module, String function, List<?> args, CallOptions options) {
    return runtime().call(module, function, args, options);
  }

  /**
   * Calls {@code module.function(*args, **options.kwargs())} on the default runtime; see {@link
   * SnakeBridgeRuntime#callDynamic}.
   */
  public static Object callDynamic(
      String module, String function, List<?> args, CallOptions options) {
    return runtime().callDynamic(module, function, args, options);
  }

  /** Returns {@code module.attr} from the default runtime. */
  public static Object getModuleAttr(String module, String attr) {
    return runtime().getModuleAttr(module, attr);
  }

  /**
   * Returns {@code module.attr} from the default runtime with the options' timeout and session.
   *
   * @since 0.2
   */
  public static Object getModuleAttr(String module, String attr, CallOptions options) {
    return runtime().getModuleAttr(module, attr, options);
  }

  /** Calls {@code module.function(*args)} on one of the default runtime's threads. */
  public static CompletableFuture<Object> callAsync(
      String module, String function, Object... args) {
    return runtime().callAsync(module, function, args);
  }

  /** Calls {@code module.function(*args, **kwargs)} on one of the default runtime's threads. */
  public static CompletableFuture<Object> callAsync(
      String module, String function, List<?> args, CallOptions options) {
    return runtime().callAsync(module, function, args, options);
  }

  /** Like {@link #callDynamic}, on one of the default runtime's threads. */
  public static CompletableFuture<Object> callDynamicAsync(
      String module, String function, List<?> args, CallOptions options) {
    return runtime().callDynamicAsync(module, function, args, options);
  }

  /** Returns {@code module.attr} from the default runtime, on one of its threads. */
  public static CompletableFuture<Object> getModuleAttrAsync(String module, String attr) {
    return runtime().getModuleAttrAsync(module, attr);
  }

  /**
   * Creates an instance of {@code module.className(*args)} on the default runtime; see {@link
   * SnakeBridgeRuntime#callClass(String, String, Object...)}.
   *
   * @since 0.2
   */
  public static PyRef callClass(String module, String className, Object... args) {
    return runtime().callClass(module, className, args);
  }

  /**
   * Creates an instance of {@code module.className(*args, **options.kwargs())} on the default
   * runtime.
   *
   * @since 0.2
   */
  public static PyRef callClass(
      String module, String className, CallOptions options, Object... args) {
    return runtime().callClass(module, className, options, args);
  }

  /**
   * Creates an instance of {@code module.className} on the default runtime, where {@code args} is
   * the argument list.
   *
   * @deprecated use {@link #callClass(String, String, CallOptions, Object...)}
   */
  @Deprecated(since = "0.2")
  public static PyRef callClass(
      String module, String className, List<?> args, CallOptions options) {
    return runtime().callClass(module, className, args, options);
  }

  /** Like {@link #callClass}, on one of the default runtime's threads. */
  public static CompletableFuture<PyRef> callClassAsync(
      String module, String className, List<?> args, CallOptions options) {
    return runtime().callClassAsync(module, className, args, options);
  }

  /**
   * Calls {@code ref.method(*args)} on the default runtime; see {@link
   * SnakeBridgeRuntime#callMethod(PyRef, String, Object...)}.
   */
  public static Object callMethod(PyRef ref, String method, Object... args) {
    return runtime().callMethod(ref, method, args);
  }

  /**
   * Calls {@code ref.method(*args, **options.kwargs())} on the default runtime.
   *
   * @since 0.2
   */
  public static Object callMethod(PyRef ref, String method, CallOptions options, Object... args) {
    return runtime().callMethod(ref, method, options, args);
  }

  /**
   * Calls {@code ref.method(*args, **options.kwargs())} on the default runtime, where {@code args}
   * is the argument list.
   *
   * @deprecated use {@link #callMethod(PyRef, String, CallOptions, Object...)}
   */
  @Deprecated(since = "0.2")
  public static Object callMethod(PyRef ref, String method, List<?> args, CallOptions options) {
    return runtime().callMethod(ref, method, args, options);
  }

  /** Like {@link #callMethod(PyRef, String, Object...)}, on a default runtime's thread. */
  public static CompletableFuture<Object> callMethodAsync(
      PyRef ref, String method, Object... args) {
    return runtime().callMethodAsync(ref, method, args);
  }

  /** Like {@link #callMethod(PyRef, String, List, CallOptions)}, on a default runtime's thread. */
  public static CompletableFuture<Object> callMethodAsync(
      PyRef ref, String method, List<?> args, CallOptions options) {
    return runtime().callMethodAsync(ref, method, args, options);
  }

  /** Returns {@code getattr(ref, attr)} from the default runtime. */
  public static Object getAttr(PyRef ref, String attr) {
    return runtime().getAttr(ref, attr);
  }

  /** Like {@link #getAttr}, on one of the default runtime's threads. */
  public static CompletableFuture<Object> getAttrAsync(PyRef ref, String attr) {
    return runtime().getAttrAsync(ref, attr);
  }

  /** Runs {@code setattr(ref, attr, value)} on the default runtime. */
  public static void setAttr(PyRef ref, String attr, Object value) {
    runtime().setAttr(ref, attr, value);
  }

  /** Like {@link #setAttr}, on one of the default runtime's threads. */
  public static CompletableFuture<Void> setAttrAsync(PyRef ref, String attr, Object value) {
    return runtime().setAttrAsync(ref, attr, value);
  }

  /**
   * Calls a helper of the default runtime. Its helper folders come from the {@code
   * snakebridge.helperPaths} system property (paths separated by the platform's path separator);
   * see {@link SnakeBridgeRuntime#callHelper(String, Object...)}.
   *
   * @since 0.2
   */
  public static Object callHelper(String helper, Object... args) {
    return runtime().callHelper(helper, args);
  }

  /**
   * Calls a helper of the default runtime with keyword arguments and per-call settings.
   *
   * @since 0.2
   */
  public static Object callHelper(String helper, CallOptions options, Object... args) {
    return runtime().callHelper(helper, options, args);
  }

  /**
   * Calls a helper of the default runtime, where {@code args} is the argument list.
   *
   * @deprecated use {@link #callHelper(String, CallOptions, Object...)}
   */
  @Deprecated(since = "0.2")
  public static Object callHelper(String helper, List<?> args, CallOptions options) {
    return runtime().callHelper(helper, args, options);
  }

  /** Like {@link #callHelper}, on one of the default runtime's threads. */
  public static CompletableFuture<Object> callHelperAsync(
      String helper, List<?> args, CallOptions options) {
    return runtime().callHelperAsync(helper, args, options);
  }

  /** Runs a {@code with} block on the default runtime; see {@link SnakeBridgeRuntime#with}. */
  public static <T> @Nullable T with(PyRef manager, Function<Object, ? extends T> body) {
    return runtime().with(manager, body);
  }

  /**
   * Streams the result of {@code module.function} to {@code onItem} on the default runtime, batched
   * with one batch in flight; see {@link SnakeBridgeRuntime#stream}.
   */
  public static void stream(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    runtime().stream(module, function, args, options, onItem);
  }

  /**
   * Streams the result of {@code module.function} to {@code onItem} on the default runtime, one
   * call per item; see {@link SnakeBridgeRuntime#streamDynamic}.
   */
  public static void streamDynamic(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    runtime().streamDynamic(module, function, args, options, onItem);
  }

  /**
   * Takes the next item of a stream of the default runtime, empty once exhausted (a None item is
   * {@link PyNone#NONE}); see {@link SnakeBridgeRuntime#streamNext}.
   */
  public static Optional<Object> streamNext(StreamRef stream) {
    return runtime().streamNext(stream);
  }

  /**
   * {@link #streamNext(StreamRef)} waiting at most {@code timeout}; see {@link
   * SnakeBridgeRuntime#streamNext(StreamRef, Duration)}.
   */
  public static Optional<Object> streamNext(StreamRef stream, Duration timeout) {
    return runtime().streamNext(stream, timeout);
  }

  /** Returns Python's {@code len()} of a stream of the default runtime, empty when it has none. */
  public static OptionalLong streamLen(StreamRef stream) {
    return runtime().streamLen(stream);
  }

  /** Closes a stream of the default runtime in Python (idempotent). */
  public static void closeStream(StreamRef stream) {
    runtime().closeStream(stream);
  }

  /**
   * Streams the result of {@code module.function} on the default runtime as a {@link PyStream}; see
   * {@link SnakeBridgeRuntime#openStream(String, String, List, CallOptions)}.
   */
  public static PyStream openStream(
      String module, String function, List<?> args, CallOptions options) {
    return runtime().openStream(module, function, args, options);
  }

  /**
   * A per-item view of a stream of the default runtime; see {@link
   * SnakeBridgeRuntime#openStream(StreamRef)}.
   */
  public static PyStream openStream(StreamRef stream) {
    return runtime().openStream(stream);
  }

  /**
   * {@link #openStream(StreamRef)} waiting at most {@code timeout} for each item; see {@link
   * SnakeBridgeRuntime#openStream(StreamRef, Duration)}.
   */
  public static PyStream openStream(StreamRef stream, Duration timeout) {
    return runtime().openStream(stream, timeout);
  }

  /**
   * A cold publisher of the items of {@code module.function} on the default runtime; see {@link
   * SnakeBridgeRuntime#publisher(String, String, List, CallOptions)}.
   */
  public static Flow.Publisher<Object> publisher(
      String module, String function, List<?> args, CallOptions options) {
    return runtime().publisher(module, function, args, options);
  }

  /** A publisher of a stream of the default runtime, for one subscriber. */
  public static Flow.Publisher<Object> publisher(StreamRef stream) {
    return runtime().publisher(stream);
  }

  /** Releases one reference of the default runtime (idempotent). */
  public static void releaseRef(PyRef ref) {
    runtime().releaseRef(ref);
  }

  /** Releases a session in the default runtime (idempotent). */
  public static void releaseSession(String sessionId) {
    runtime().releaseSession(sessionId);
  }

  /**
   * Returns the session a call on the default runtime would use now; see {@link
   * SnakeBridgeRuntime#currentSession}.
   */
  public static String currentSession() {
    return runtime().currentSession();
  }

  /** Forgets this thread's automatic session of the default runtime without releasing it. */
  public static void clearAutoSession() {
    runtime().clearAutoSession();
  }

  /** Releases this thread's automatic session of the default runtime and forgets it. */
  public static void releaseAutoSession() {
    runtime().releaseAutoSession();
  }

  /**
   * Returns the default runtime's live references by session; see {@link
   * SnakeBridgeRuntime#sessionStats}.
   */
  public static Map<String, Long> sessionStats() {
    return runtime().sessionStats();
  }

  /** Returns what the default runtime's workers report about their interpreter. */
  public static PythonInfo pythonInfo() {
    return runtime().pythonInfo();
  }
}
