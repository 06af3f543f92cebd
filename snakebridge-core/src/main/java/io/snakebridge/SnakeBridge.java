package io.snakebridge;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Static access to a shared default {@link SnakeBridgeRuntime}: the quickest way to call Python.
 *
 * <pre>{@code
 * double root = (Double) SnakeBridge.call("math", "sqrt", 16);     // 4.0
 * Object pi = SnakeBridge.getModuleAttr("math", "pi");             // 3.141592653589793
 * CompletableFuture<Object> joined = SnakeBridge.callAsync("os.path", "join", "a", "b");
 * }</pre>
 *
 * <p>The default runtime is built on first use with every default setting, except the Python
 * interpreter: the {@code SNAKEBRIDGE_PYTHON} environment variable if set, else the {@code
 * snakebridge.python} system property, else {@code python3} on {@code PATH}. Its workers start on
 * first use, and a JVM shutdown hook closes it. Build your own runtime for another interpreter,
 * pool size, environment or timeout.
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

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static volatile SnakeBridgeRuntime defaultRuntime;

  private SnakeBridge() {}

  /**
   * Returns the default runtime, building it on first use (which starts no process) and
   * registering the shutdown hook that closes it.
   */
  public static SnakeBridgeRuntime runtime() {
    SnakeBridgeRuntime runtime = defaultRuntime;
    if (runtime != null) {
      return runtime;
    }
    LOCK.lock();
    try {
      if (defaultRuntime == null) {
        SnakeBridgeRuntime built = SnakeBridgeRuntime.builder().python(defaultPython()).build();
        Thread hook = new Thread(built::close, "snakebridge-default-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        defaultRuntime = built;
      }
      return defaultRuntime;
    } finally {
      LOCK.unlock();
    }
  }

  private static String defaultPython() {
    String fromEnvironment = System.getenv(PYTHON_ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    String fromProperty = System.getProperty(PYTHON_PROPERTY);
    if (fromProperty != null && !fromProperty.isBlank()) {
      return fromProperty;
    }
    return SnakeBridgeRuntime.DEFAULT_PYTHON;
  }

  /** Calls {@code module.function(*args)} on the default runtime. */
  public static Object call(String module, String function, Object... args) {
    return runtime().call(module, function, args);
  }

  /** Calls {@code module.function(*args, **options.kwargs())} on the default runtime. */
  public static Object call(String module, String function, List<?> args, CallOptions options) {
    return runtime().call(module, function, args, options);
  }

  /** Calls a function named at run time on the default runtime; the same as {@code call}. */
  public static Object callDynamic(
      String module, String function, List<?> args, CallOptions options) {
    return runtime().callDynamic(module, function, args, options);
  }

  /** Returns {@code module.attr} from the default runtime. */
  public static Object getModuleAttr(String module, String attr) {
    return runtime().getModuleAttr(module, attr);
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

  /** Returns what the default runtime's workers report about their interpreter. */
  public static PythonInfo pythonInfo() {
    return runtime().pythonInfo();
  }
}
