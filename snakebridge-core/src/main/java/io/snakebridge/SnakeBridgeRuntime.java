package io.snakebridge;

import io.snakebridge.internal.runtime.RealRuntime;
import io.snakebridge.internal.runtime.RuntimeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

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
 *   Object rounded = python.call("builtins", "round", List.of(2.675),
 *       CallOptions.defaults().kwarg("ndigits", 2));                              // 2.67
 * }
 * }</pre>
 *
 * <p>Thread-safe. Runtimes are heavy (processes and threads) and should be shared: build one per
 * interpreter configuration and keep it for the application's life. Closing is required; a runtime
 * that is not closed leaves its workers running until the JVM exits (they exit by themselves
 * then, even if the JVM is killed). {@link SnakeBridge} offers a shared default runtime.
 *
 * <p>Each call leases one worker for its whole duration, so at most {@link Builder#poolSize} calls
 * run at once and further calls wait, within their timeout, for a worker. Workers start on first
 * use unless {@link Builder#eagerStart} is set; a worker that crashed or whose call timed out is
 * replaced in the background.
 *
 * @since 0.1
 */
public final class SnakeBridgeRuntime implements AutoCloseable {
  /** The name of a runtime that sets none. */
  public static final String DEFAULT_NAME = "default";

  /** The Python command used when none is set: {@code python3} on {@code PATH}. */
  public static final String DEFAULT_PYTHON = "python3";

  /** The timeout of calls that set none. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** How long a worker may take to start and complete its handshake, unless set. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

  /** The largest frame either side accepts, unless set: 512 MiB. */
  public static final long DEFAULT_MAX_FRAME_BYTES = 512L * 1024 * 1024;

  /** How deeply values may nest, unless set. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 1000;

  private final RealRuntime delegate;

  SnakeBridgeRuntime(RealRuntime delegate) {
    this.delegate = delegate;
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
   * @param function a function of the module; dotted names reach nested attributes, such as
   *     {@code path.join} on module {@code os}
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
   * Calls {@code module.function(*args, **options.kwargs())} with the options' timeout.
   *
   * @see #call(String, String, Object...)
   */
  public Object call(String module, String function, List<?> args, CallOptions options) {
    return delegate.call(module, function, args, options);
  }

  /**
   * Calls a function named at run time; the same as {@link #call(String, String, List,
   * CallOptions)}, kept under this name for code written against the seed's {@code
   * call_dynamic}.
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
   * Like {@link #call(String, String, Object...)}, on one of the runtime's threads. Arguments are
   * converted before this method returns, so they may be changed afterwards; a value that cannot
   * be converted fails the future.
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

  private static List<Object> varargs(Object[] args) {
    return Arrays.asList(Objects.requireNonNull(
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
     * SnakeBridgeRuntime#DEFAULT_NAME}. Letters, digits, '.', '_' and '-', starting with a
     * letter or digit, at most 64 characters.
     */
    public Builder name(String name) {
      settings.name(name);
      return this;
    }

    /**
     * Sets the Python interpreter: a path, or a command looked up on {@code PATH}; default {@value
     * SnakeBridgeRuntime#DEFAULT_PYTHON}. After the first worker's handshake, later workers
     * start with the interpreter path it reported ({@code sys.executable}), so a version
     * manager's shim (pyenv's costs over 100 ms a start) is paid once per runtime.
     */
    public Builder python(String python) {
      settings.python(python);
      return this;
    }

    /** Sets how many workers run at most, at least 1; default: the number of processors. */
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
     * Sets folders put at the front of the workers' {@code sys.path}, in order, replacing earlier
     * ones. Relative paths are resolved against the JVM's working directory.
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
     * Sets how long a worker may take to start and complete its handshake, positive; default
     * {@link SnakeBridgeRuntime#DEFAULT_STARTUP_TIMEOUT} (30 s).
     */
    public Builder startupTimeout(Duration timeout) {
      settings.startupTimeout(timeout);
      return this;
    }

    /** Sets whether every worker starts when the runtime is built; default false (on first use). */
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
     * Sets where the worker package is extracted; default the {@code snakebridge.cacheDir}
     * system property, else {@code $XDG_CACHE_HOME/snakebridge}, else {@code
     * ~/.cache/snakebridge}.
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
     * Sets how deeply values may nest, at least 1; default {@value
     * SnakeBridgeRuntime#DEFAULT_MAX_NESTING_DEPTH}.
     */
    public Builder maxNestingDepth(int maxNestingDepth) {
      settings.maxNestingDepth(maxNestingDepth);
      return this;
    }

    /** Builds the runtime; starts its workers now only with {@link #eagerStart(boolean)}. */
    public SnakeBridgeRuntime build() {
      return new SnakeBridgeRuntime(new RealRuntime(settings.toConfig()));
    }
  }
}
