package io.snakebridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one pool of Python workers: its interpreter (or virtual environment), size,
 * environment, extra paths, timeouts, queue, health checks, recycling and threads per worker. A
 * runtime has a default pool, configured by {@link SnakeBridgeRuntime.Builder}'s own setters, and
 * any number of named pools added with {@link SnakeBridgeRuntime.Builder#pool}; a call chooses one
 * with {@link CallOptions#pool(String)}.
 *
 * <pre>{@code
 * PoolOptions gpu = PoolOptions.builder()
 *     .venv(Path.of("/opt/venvs/torch"))
 *     .size(2)
 *     .defaultTimeout(Duration.ofMinutes(10))
 *     .maxCallsPerWorker(10_000)
 *     .build();
 * try (SnakeBridgeRuntime python = SnakeBridgeRuntime.builder().pool("gpu", gpu).build()) {
 *   python.call("math", "sqrt", 16);                                          // default pool
 *   python.call("torch", "cuda.is_available", List.of(), CallOptions.defaults().pool("gpu"));
 * }
 * }</pre>
 *
 * <p>A named pool's options are its own: nothing is inherited from the default pool. Settings that
 * stay runtime-wide (the working directory, the cache folder, helper folders, frame and nesting
 * limits, the callback executor, the event listener) are set on the runtime's builder. {@code
 * docs/LIFECYCLE.md} describes what each timeout does.
 *
 * <p>Immutable and thread-safe; {@link #toBuilder()} starts a modified copy.
 *
 * @since 0.2
 */
public final class PoolOptions {
  /** How many callers may wait for a worker of one pool at once, unless set. */
  public static final int DEFAULT_MAX_WAITERS = 1_000;

  /** How long a cancelled or timed-out call may take to stop before its worker is killed. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(2);

  /** How often each worker is pinged, unless set. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

  /** How long a worker may take to answer a ping before it counts as hung, unless set. */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long a worker due for recycling keeps serving the sessions whose objects it holds before it
   * is recycled anyway, unless set.
   */
  public static final Duration DEFAULT_RECYCLE_TIMEOUT = Duration.ofSeconds(60);

  /** How many times an idempotent call whose worker crashed runs again, unless set. */
  public static final int DEFAULT_CRASH_RETRIES = 1;

  /** The most {@link Builder#crashRetries} accepted. */
  public static final int MAX_CRASH_RETRIES = 10;

  /** The most calls one worker may run at once. */
  public static final int MAX_THREADS_PER_WORKER = 256;

  /** The smallest {@link Builder#maxWorkerMemory} and {@link Builder#workerMemoryLimit}: 16 MiB. */
  public static final long MIN_WORKER_MEMORY = 16L * 1024 * 1024;

  private static final PoolOptions DEFAULTS = new Builder().build();

  private final String python;
  private final boolean pythonGiven;
  private final int size;
  private final Map<String, String> environment;
  private final List<Path> pythonPath;
  private final Duration defaultTimeout;
  private final Duration startupTimeout;
  private final int maxWaiters;
  private final @Nullable Duration acquireTimeout;
  private final Duration cancelGrace;
  private final int crashRetries;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final long maxCallsPerWorker;
  private final @Nullable Duration maxWorkerLifetime;
  private final long maxWorkerMemory;
  private final long workerMemoryLimit;
  private final Duration recycleTimeout;
  private final int threadsPerWorker;

  private PoolOptions(Builder b) {
    this.python = b.python;
    this.pythonGiven = b.pythonGiven;
    this.size = b.size;
    this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
    this.pythonPath = List.copyOf(b.pythonPath);
    this.defaultTimeout = b.defaultTimeout;
    this.startupTimeout = b.startupTimeout;
    this.maxWaiters = b.maxWaiters;
    this.acquireTimeout = b.acquireTimeout;
    this.cancelGrace = b.cancelGrace;
    this.crashRetries = b.crashRetries;
    this.heartbeatInterval = b.heartbeatInterval;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.maxCallsPerWorker = b.maxCallsPerWorker;
    this.maxWorkerLifetime = b.maxWorkerLifetime;
    this.maxWorkerMemory = b.maxWorkerMemory;
    this.workerMemoryLimit = b.workerMemoryLimit;
    this.recycleTimeout = b.recycleTimeout;
    this.threadsPerWorker = b.threadsPerWorker;
  }

  /** Returns the options with every setting at its default. */
  public static PoolOptions defaults() {
    return DEFAULTS;
  }

  /** Returns a builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these options, to derive others from them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Returns the interpreter: a path, or a command looked up on {@code PATH}. */
  public String python() {
    return python;
  }

  /** Whether {@link Builder#python} or {@link Builder#venv} set the interpreter. */
  boolean pythonGiven() {
    return pythonGiven;
  }

  /** Returns how many workers the pool keeps. */
  public int size() {
    return size;
  }

  /** Returns the variables added to the JVM's environment for the workers; unmodifiable. */
  public Map<String, String> environment() {
    return environment;
  }

  /** Returns the folders put on the workers' {@code sys.path}, after the standard library. */
  public List<Path> pythonPath() {
    return pythonPath;
  }

  /** Returns the timeout of calls whose options set none. */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** Returns how long a worker may take to start and complete its handshake. */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /** Returns how many callers may wait for a worker at once. */
  public int maxWaiters() {
    return maxWaiters;
  }

  /** Returns how long a call may wait for a worker, or empty when only its deadline limits it. */
  public Optional<Duration> acquireTimeout() {
    return Optional.ofNullable(acquireTimeout);
  }

  /** Returns how long a cancelled or timed-out call may take to stop before its worker dies. */
  public Duration cancelGrace() {
    return cancelGrace;
  }

  /** Returns how many times an idempotent call whose worker crashed runs again elsewhere. */
  public int crashRetries() {
    return crashRetries;
  }

  /** Returns how often each worker is pinged. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** Returns how long a ping may go unanswered before the worker counts as hung. */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /** Returns after how many calls a worker is recycled, or empty for never. */
  public OptionalLong maxCallsPerWorker() {
    return maxCallsPerWorker == 0 ? OptionalLong.empty() : OptionalLong.of(maxCallsPerWorker);
  }

  /** Returns after how long (±10 %) a worker is recycled, or empty for never. */
  public Optional<Duration> maxWorkerLifetime() {
    return Optional.ofNullable(maxWorkerLifetime);
  }

  /** Returns the resident memory, in bytes, above which a worker is recycled, or empty. */
  public OptionalLong maxWorkerMemory() {
    return maxWorkerMemory == 0 ? OptionalLong.empty() : OptionalLong.of(maxWorkerMemory);
  }

  /**
   * Returns the hard limit, in bytes, of each worker process's data memory ({@code RLIMIT_DATA}),
   * or empty for none.
   */
  public OptionalLong workerMemoryLimit() {
    return workerMemoryLimit == 0 ? OptionalLong.empty() : OptionalLong.of(workerMemoryLimit);
  }

  /** Returns how long a worker due for recycling keeps serving sessions whose objects it holds. */
  public Duration recycleTimeout() {
    return recycleTimeout;
  }

  /** Returns how many calls one worker runs at once. */
  public int threadsPerWorker() {
    return threadsPerWorker;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof PoolOptions)) {
      return false;
    }
    PoolOptions that = (PoolOptions) other;
    return python.equals(that.python)
        && size == that.size
        && environment.equals(that.environment)
        && pythonPath.equals(that.pythonPath)
        && defaultTimeout.equals(that.defaultTimeout)
        && startupTimeout.equals(that.startupTimeout)
        && maxWaiters == that.maxWaiters
        && Objects.equals(acquireTimeout, that.acquireTimeout)
        && cancelGrace.equals(that.cancelGrace)
        && crashRetries == that.crashRetries
        && heartbeatInterval.equals(that.heartbeatInterval)
        && heartbeatTimeout.equals(that.heartbeatTimeout)
        && maxCallsPerWorker == that.maxCallsPerWorker
        && Objects.equals(maxWorkerLifetime, that.maxWorkerLifetime)
        && maxWorkerMemory == that.maxWorkerMemory
        && workerMemoryLimit == that.workerMemoryLimit
        && recycleTimeout.equals(that.recycleTimeout)
        && threadsPerWorker == that.threadsPerWorker;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        python,
        size,
        environment,
        pythonPath,
        defaultTimeout,
        startupTimeout,
        maxWaiters,
        acquireTimeout,
        cancelGrace,
        crashRetries,
        heartbeatInterval,
        heartbeatTimeout,
        maxCallsPerWorker,
        maxWorkerLifetime,
        maxWorkerMemory,
        workerMemoryLimit,
        recycleTimeout,
        threadsPerWorker);
  }

  @Override
  public String toString() {
    return "PoolOptions{python="
        + python
        + ", size="
        + size
        + ", environment="
        + environment.keySet()
        + ", pythonPath="
        + pythonPath
        + ", defaultTimeout="
        + defaultTimeout
        + ", startupTimeout="
        + startupTimeout
        + ", maxWaiters="
        + maxWaiters
        + ", acquireTimeout="
        + (acquireTimeout == null ? "none" : acquireTimeout)
        + ", cancelGrace="
        + cancelGrace
        + ", crashRetries="
        + crashRetries
        + ", heartbeat="
        + heartbeatInterval
        + "/"
        + heartbeatTimeout
        + ", maxCallsPerWorker="
        + (maxCallsPerWorker == 0 ? "none" : maxCallsPerWorker)
        + ", maxWorkerLifetime="
        + (maxWorkerLifetime == null ? "none" : maxWorkerLifetime)
        + ", maxWorkerMemory="
        + (maxWorkerMemory == 0 ? "none" : maxWorkerMemory)
        + ", workerMemoryLimit="
        + (workerMemoryLimit == 0 ? "none" : workerMemoryLimit)
        + ", recycleTimeout="
        + recycleTimeout
        + ", threadsPerWorker="
        + threadsPerWorker
        + "}";
  }

  /**
   * Builds {@link PoolOptions}. Every setter checks its value at once and throws {@link
   * IllegalArgumentException} or {@link NullPointerException} naming the parameter; nothing is
   * silently corrected.
   *
   * <p>Not thread-safe; use one builder per thread.
   *
   * @since 0.2
   */
  public static final class Builder {
    private String python = SnakeBridgeRuntime.DEFAULT_PYTHON;
    private boolean pythonGiven;
    private int size = Runtime.getRuntime().availableProcessors();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private List<Path> pythonPath = List.of();
    private Duration defaultTimeout = SnakeBridgeRuntime.DEFAULT_TIMEOUT;
    private Duration startupTimeout = SnakeBridgeRuntime.DEFAULT_STARTUP_TIMEOUT;
    private int maxWaiters = DEFAULT_MAX_WAITERS;
    private @Nullable Duration acquireTimeout;
    private Duration cancelGrace = DEFAULT_CANCEL_GRACE;
    private int crashRetries = DEFAULT_CRASH_RETRIES;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
    private long maxCallsPerWorker;
    private @Nullable Duration maxWorkerLifetime;
    private long maxWorkerMemory;
    private long workerMemoryLimit;
    private Duration recycleTimeout = DEFAULT_RECYCLE_TIMEOUT;
    private int threadsPerWorker = 1;

    Builder() {}

    private Builder(PoolOptions o) {
      python = o.python;
      pythonGiven = o.pythonGiven;
      size = o.size;
      environment.putAll(o.environment);
      pythonPath = o.pythonPath;
      defaultTimeout = o.defaultTimeout;
      startupTimeout = o.startupTimeout;
      maxWaiters = o.maxWaiters;
      acquireTimeout = o.acquireTimeout;
      cancelGrace = o.cancelGrace;
      crashRetries = o.crashRetries;
      heartbeatInterval = o.heartbeatInterval;
      heartbeatTimeout = o.heartbeatTimeout;
      maxCallsPerWorker = o.maxCallsPerWorker;
      maxWorkerLifetime = o.maxWorkerLifetime;
      maxWorkerMemory = o.maxWorkerMemory;
      workerMemoryLimit = o.workerMemoryLimit;
      recycleTimeout = o.recycleTimeout;
      threadsPerWorker = o.threadsPerWorker;
    }

    /**
     * Sets the Python interpreter: a path, or a command looked up on {@code PATH}; default: the
     * runtime builder's ({@link SnakeBridgeRuntime.Builder#python}, itself {@value
     * SnakeBridgeRuntime#DEFAULT_PYTHON} by default) for a pool added with {@link
     * SnakeBridgeRuntime.Builder#pool}, {@value SnakeBridgeRuntime#DEFAULT_PYTHON} otherwise. After
     * the first worker's handshake, later workers start with the interpreter path it reported
     * ({@code sys.executable}).
     */
    public Builder python(String python) {
      Objects.requireNonNull(python, "python");
      if (python.isBlank() || python.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "python must be a path or a command name: '" + python + "'");
      }
      this.python = python;
      this.pythonGiven = true;
      return this;
    }

    /**
     * Sets the interpreter to a virtual environment's: {@code <folder>/bin/python} ({@code
     * Scripts\python.exe} on Windows), which must exist. Replaces {@link #python(String)}.
     */
    public Builder venv(Path folder) {
      Objects.requireNonNull(folder, "venv");
      Path absolute = folder.toAbsolutePath();
      boolean windows = System.getProperty("os.name", "").startsWith("Windows");
      Path interpreter =
          windows
              ? absolute.resolve("Scripts").resolve("python.exe")
              : absolute.resolve("bin").resolve("python");
      if (!Files.isExecutable(interpreter)) {
        throw new IllegalArgumentException(
            "venv must be a virtual environment folder holding " + interpreter + ": " + folder);
      }
      this.python = interpreter.toString();
      this.pythonGiven = true;
      return this;
    }

    /** Sets how many workers the pool keeps, at least 1; default: the number of processors. */
    public Builder size(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("size must be at least 1: " + size);
      }
      this.size = size;
      return this;
    }

    /** Adds environment variables for the workers, on top of the JVM's environment. */
    public Builder environment(Map<String, String> variables) {
      Objects.requireNonNull(variables, "environment");
      Map<String, String> checked = new LinkedHashMap<>();
      variables.forEach((key, value) -> checked.put(checkVariable(key), checkValue(key, value)));
      environment.putAll(checked);
      return this;
    }

    /** Adds one environment variable for the workers, on top of the JVM's environment. */
    public Builder environmentVariable(String name, String value) {
      environment.put(checkVariable(name), checkValue(name, value));
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
      return pythonPath(Arrays.asList(Objects.requireNonNull(folders, "folders")));
    }

    /** Like {@link #pythonPath(Path...)}, from a list. */
    public Builder pythonPath(List<Path> folders) {
      Objects.requireNonNull(folders, "pythonPath");
      List<Path> checked = new ArrayList<>(folders.size());
      for (int i = 0; i < folders.size(); i++) {
        checked.add(
            Objects.requireNonNull(folders.get(i), "pythonPath[" + i + "]").toAbsolutePath());
      }
      this.pythonPath = List.copyOf(checked);
      return this;
    }

    /**
     * Sets the timeout of calls whose options set none, positive; default {@link
     * SnakeBridgeRuntime#DEFAULT_TIMEOUT} (120 s). It covers the wait for a worker and the run.
     */
    public Builder defaultTimeout(Duration timeout) {
      this.defaultTimeout = positive(timeout, "defaultTimeout");
      return this;
    }

    /**
     * Sets how long a worker may take to start and complete its handshake, positive; default {@link
     * SnakeBridgeRuntime#DEFAULT_STARTUP_TIMEOUT} (30 s).
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = positive(timeout, "startupTimeout");
      return this;
    }

    /**
     * Sets how many callers may wait for a worker at once, at least 0; default {@value
     * PoolOptions#DEFAULT_MAX_WAITERS}. A call beyond it fails at once with {@link
     * PoolExhaustedException}; with 0 a call that finds no free worker fails at once.
     */
    public Builder maxWaiters(int maxWaiters) {
      if (maxWaiters < 0) {
        throw new IllegalArgumentException("maxWaiters must not be negative: " + maxWaiters);
      }
      this.maxWaiters = maxWaiters;
      return this;
    }

    /**
     * Sets how long a call may wait for a worker, positive; past it the call fails with {@link
     * PoolExhaustedException}. Default: no limit of its own, the call's deadline (which covers the
     * wait) is the limit, and passing it gives {@link CallTimeoutException}.
     */
    public Builder acquireTimeout(Duration timeout) {
      this.acquireTimeout = positive(timeout, "acquireTimeout");
      return this;
    }

    /**
     * Sets how long a call that was cancelled or passed its deadline may take to stop after the
     * worker was asked to interrupt it, at least zero; default 2 s. A worker whose call stops in
     * time serves on; one that does not is killed and replaced.
     */
    public Builder cancelGrace(Duration grace) {
      Objects.requireNonNull(grace, "cancelGrace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("cancelGrace must not be negative: " + grace);
      }
      this.cancelGrace = grace;
      return this;
    }

    /**
     * Sets how many times a call made with {@link CallOptions#idempotent(boolean) idempotent(true)}
     * runs again, each time on another worker, when the worker running it crashes, 0 to {@value
     * PoolOptions#MAX_CRASH_RETRIES}; default 1. The retries stay within the call's deadline, and a
     * call passing {@link PyRef}s is never retried (its objects died with the worker). Each retry
     * may cost a worker if the call itself is what crashes them, so raise this only where workers
     * die of outside causes (an operator, a chaos test, preempted hosts). Calls that are not
     * idempotent are never retried.
     */
    public Builder crashRetries(int retries) {
      if (retries < 0 || retries > MAX_CRASH_RETRIES) {
        throw new IllegalArgumentException(
            "crashRetries must be between 0 and " + MAX_CRASH_RETRIES + ": " + retries);
      }
      this.crashRetries = retries;
      return this;
    }

    /**
     * Sets how often each worker, idle or busy, is pinged, positive; default 5 s. The worker
     * answers from a thread of its own, also while a call runs.
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = positive(interval, "heartbeatInterval");
      return this;
    }

    /**
     * Sets how long a ping may go unanswered, positive; default 10 s. A worker that misses it is
     * killed and replaced, and its callers get {@link WorkerCrashedException}: a hung worker is
     * replaced within about {@code heartbeatInterval + heartbeatTimeout}. A worker that misses it
     * while running a call (code holding the GIL cannot answer) and whose process is not stopped is
     * busy, not hung: only the call's deadline ends it. That state is read from {@code /proc}
     * (Linux); elsewhere every missed ping counts as a hang.
     */
    public Builder heartbeatTimeout(Duration timeout) {
      this.heartbeatTimeout = positive(timeout, "heartbeatTimeout");
      return this;
    }

    /**
     * Recycles a worker after it has run this many calls (whatever their outcome), at least 1;
     * default: never.
     */
    public Builder maxCallsPerWorker(long calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("maxCallsPerWorker must be at least 1: " + calls);
      }
      this.maxCallsPerWorker = calls;
      return this;
    }

    /**
     * Recycles a worker once it has been ready for this long, positive, give or take 10 % chosen at
     * random per worker so that workers do not all restart together; default: never.
     */
    public Builder maxWorkerLifetime(Duration lifetime) {
      this.maxWorkerLifetime = positive(lifetime, "maxWorkerLifetime");
      return this;
    }

    /**
     * Recycles a worker whose Python process's resident memory exceeds this many bytes, at least
     * {@value PoolOptions#MIN_WORKER_MEMORY}; default: never. Checked at every heartbeat, from
     * {@code /proc}: Linux only, ignored elsewhere.
     */
    public Builder maxWorkerMemory(long bytes) {
      if (bytes < MIN_WORKER_MEMORY) {
        throw new IllegalArgumentException(
            "maxWorkerMemory must be at least " + MIN_WORKER_MEMORY + " bytes: " + bytes);
      }
      this.maxWorkerMemory = bytes;
      return this;
    }

    /**
     * Sets a hard limit on each worker process's data memory, at least {@value
     * PoolOptions#MIN_WORKER_MEMORY} bytes; default: none. The worker sets it on itself at start
     * ({@code RLIMIT_DATA}: its heap and other private writable memory). Unlike {@link
     * #maxWorkerMemory}, which recycles a worker after the call that grew it, the limit stops the
     * growth: an allocation past it fails, so the call that makes it, or whose request does not fit
     * under it, gets a {@link PythonException} of type {@code builtins.MemoryError}, and the
     * worker, which frees that memory as the error unwinds, serves on. Where the failure cannot
     * become an exception of the call (a C library that aborts when an allocation fails), the
     * worker dies instead: the call gets a {@link WorkerCrashedException} whose message names the
     * limit, and the worker is replaced.
     *
     * <p>The limit counts memory reserved for writing, not resident memory: numpy's OpenBLAS
     * reserves buffers for each CPU when imported (about 80 MB on 2 CPUs), so leave room above what
     * the calls themselves use. Processes that user code starts inherit the limit, each for itself.
     * Enforced by Linux; other systems enforce {@code RLIMIT_DATA} less strictly or not at all, and
     * a worker on a system without it (Windows) fails to start rather than run without the limit.
     */
    public Builder workerMemoryLimit(long bytes) {
      if (bytes < MIN_WORKER_MEMORY) {
        throw new IllegalArgumentException(
            "workerMemoryLimit must be at least " + MIN_WORKER_MEMORY + " bytes: " + bytes);
      }
      this.workerMemoryLimit = bytes;
      return this;
    }

    /**
     * Sets how long a worker due for recycling that still holds objects of sessions (live {@link
     * PyRef}s) keeps serving those sessions, positive; default 60 s. It takes no other call
     * meanwhile, and leaves as soon as it holds no live object; after this time it is recycled
     * anyway and those objects are lost ({@link SessionLostException}).
     */
    public Builder recycleTimeout(Duration timeout) {
      this.recycleTimeout = positive(timeout, "recycleTimeout");
      return this;
    }

    /**
     * Sets how many calls one worker runs at once, 1 to {@value
     * PoolOptions#MAX_THREADS_PER_WORKER}; default 1. Above 1 the worker runs calls on that many
     * threads: for free-threaded CPython or I/O-bound libraries. The code called must then be
     * thread-safe.
     */
    public Builder threadsPerWorker(int threads) {
      if (threads < 1 || threads > MAX_THREADS_PER_WORKER) {
        throw new IllegalArgumentException(
            "threadsPerWorker must be between 1 and " + MAX_THREADS_PER_WORKER + ": " + threads);
      }
      this.threadsPerWorker = threads;
      return this;
    }

    /** Builds the options. */
    public PoolOptions build() {
      return new PoolOptions(this);
    }

    private static String checkVariable(String name) {
      Objects.requireNonNull(name, "environment variable name");
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "environment variable name must be non-empty, without '=' or NUL: '" + name + "'");
      }
      return name;
    }

    private static String checkValue(String name, String value) {
      Objects.requireNonNull(value, () -> "value of environment variable " + name);
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "value of environment variable " + name + " must not contain NUL");
      }
      return value;
    }

    private static Duration positive(Duration value, String parameter) {
      Objects.requireNonNull(value, parameter);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(parameter + " must be positive: " + value);
      }
      return value;
    }
  }
}
