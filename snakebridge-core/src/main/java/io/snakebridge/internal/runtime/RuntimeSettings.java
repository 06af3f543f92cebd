package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.EventListener;
import io.snakebridge.PoolOptions;
import io.snakebridge.SnakeBridge;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.env.ManagedEnvironment;
import io.snakebridge.internal.env.RequirementsEnvironment;
import io.snakebridge.internal.wire.LaneSettings;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The state behind {@link SnakeBridgeRuntime.Builder}: checks each value as it is set, with
 * messages naming the parameter, and resolves the defaults that depend on the machine.
 *
 * <p>Not thread-safe, like the builder.
 */
public final class RuntimeSettings {
  /** The smallest frame limit: enough for any handshake and error report. */
  static final long MIN_FRAME_BYTES = 4 * 1024;

  /** The largest frame limit: a frame body must fit in one Java array. */
  static final long MAX_FRAME_BYTES = Integer.MAX_VALUE;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private String name = SnakeBridgeRuntime.DEFAULT_NAME;

  /** The hint a missing interpreter's message gives when the builder's python() was not set. */
  public static final String BUILDER_HINT =
      "name an interpreter with SnakeBridgeRuntime.builder().python(...), the "
          + SnakeBridge.PYTHON_ENV
          + " environment variable or -D"
          + SnakeBridge.PYTHON_PROPERTY;

  private PoolOptions.Builder defaultPool = PoolOptions.builder();
  private final Map<String, PoolOptions> pools = new LinkedHashMap<>();
  private final Set<String> inheritPython = new HashSet<>();
  private @Nullable String pythonHint = BUILDER_HINT;
  private @Nullable String shortcut;
  private boolean defaultPoolGiven;
  private boolean eagerStart;
  private @Nullable Path workingDirectory;
  private @Nullable Path cacheDirectory;
  private long maxFrameBytes = SnakeBridgeRuntime.DEFAULT_MAX_FRAME_BYTES;
  private boolean sharedMemory = true;
  private long sharedMemoryLimit = LaneSettings.DEFAULT_LIMIT;
  private int maxNestingDepth = SnakeBridgeRuntime.DEFAULT_MAX_NESTING_DEPTH;
  private List<Path> helperPaths = List.of();
  private @Nullable Executor callbackExecutor;
  private int streamBatchSize = SnakeBridgeRuntime.DEFAULT_STREAM_BATCH_SIZE;
  private EventListener eventListener = EventListener.NONE;
  private boolean pythonChosen;
  private @Nullable Boolean createEnvironment;
  private List<String> requirements = List.of();
  private @Nullable Path requirementsFile;

  public void name(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1 to 64 letters, digits, '.', '_' or '-',"
              + " starting with a letter or digit: '"
              + name
              + "'");
    }
    this.name = name;
  }

  public void python(String python) {
    shortcut("python");
    defaultPool.python(python);
    pythonHint = null;
    pythonChosen = true;
  }

  /**
   * Sets what a missing interpreter's message advises, or null for nothing: the default runtime
   * names the variable it reads the interpreter from.
   */
  public void pythonHint(String hint) {
    pythonHint = hint;
  }

  public void createEnvironment(boolean create) {
    this.createEnvironment = create;
  }

  public void requirements(List<String> requirements) {
    Objects.requireNonNull(requirements, "requirements");
    for (int i = 0; i < requirements.size(); i++) {
      String r = Objects.requireNonNull(requirements.get(i), "requirements[" + i + "]");
      if (r.isBlank() || r.startsWith("-")) {
        throw new IllegalArgumentException(
            "requirements["
                + i
                + "] must be a pip requirement"
                + " specifier such as 'pandas>=2', not an option or blank: '"
                + r
                + "'");
      }
    }
    this.requirements = List.copyOf(requirements);
  }

  public void requirementsFile(Path file) {
    Path checked = Objects.requireNonNull(file, "requirementsFile").toAbsolutePath();
    if (!Files.isRegularFile(checked)) {
      throw new IllegalArgumentException("requirementsFile must be an existing file: " + checked);
    }
    this.requirementsFile = checked;
  }

  public void poolSize(int poolSize) {
    shortcut("poolSize");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
    }
    defaultPool.size(poolSize);
  }

  public void environment(Map<String, String> variables) {
    shortcut("environment");
    defaultPool.environment(variables);
  }

  public void environmentVariable(String name, String value) {
    shortcut("environmentVariable");
    defaultPool.environmentVariable(name, value);
  }

  public void pythonPath(List<Path> folders) {
    shortcut("pythonPath");
    defaultPool.pythonPath(folders);
  }

  /** Refuses a setter of the default pool once pool("default", ...) set it, and remembers it. */
  private void shortcut(String setter) {
    if (defaultPoolGiven) {
      throw new IllegalStateException(
          setter
              + "(...) cannot change the default pool after pool(\""
              + CallOptions.DEFAULT_POOL
              + "\", ...) set it: configure the default pool either with"
              + " pool(\""
              + CallOptions.DEFAULT_POOL
              + "\", PoolOptions) or with the builder's "
              + DEFAULT_POOL_SETTERS
              + ", not both");
    }
    if (shortcut == null) {
      shortcut = setter;
    }
  }

  private static final String DEFAULT_POOL_SETTERS =
      "python, poolSize, environment,"
          + " environmentVariable, pythonPath, defaultTimeout and startupTimeout";

  /**
   * Adds pool {@code name}, or sets the default pool's options when {@code name} is {@link
   * CallOptions#DEFAULT_POOL}, which the runtime's own setters of the default pool then may not
   * change (nor may they have before).
   *
   * @param ownPython whether the options name their interpreter; a named pool that does not runs
   *     the default pool's
   */
  public void pool(String name, PoolOptions options, boolean ownPython) {
    pool(name, options);
    if (!name.equals(CallOptions.DEFAULT_POOL) && !ownPython) {
      inheritPython.add(name);
    } else {
      inheritPython.remove(name);
    }
    if (name.equals(CallOptions.DEFAULT_POOL)) {
      pythonHint = ownPython ? null : "name an interpreter with PoolOptions.builder().python(...)";
      pythonChosen = ownPython;
    }
  }

  /** Like {@link #pool(String, PoolOptions, boolean)} for options that name their interpreter. */
  public void pool(String name, PoolOptions options) {
    Objects.requireNonNull(name, "pool name");
    Objects.requireNonNull(options, "options");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "pool name must be 1 to 64 letters, digits, '.', '_' or"
              + " '-', starting with a letter or digit: '"
              + name
              + "'");
    }
    if (name.equals(CallOptions.DEFAULT_POOL)) {
      if (shortcut != null) {
        throw new IllegalStateException(
            "pool(\""
                + CallOptions.DEFAULT_POOL
                + "\", ...) cannot"
                + " be combined with "
                + shortcut
                + "(...), which already set the default pool:"
                + " configure the default pool either with pool(\""
                + CallOptions.DEFAULT_POOL
                + "\", PoolOptions) or with the builder's "
                + DEFAULT_POOL_SETTERS
                + ", not both");
      }
      defaultPoolGiven = true;
      pythonHint = null;
      defaultPool = options.toBuilder();
      pythonChosen = true;
    } else {
      pools.put(name, options);
    }
  }

  public void eventListener(EventListener listener) {
    this.eventListener = Objects.requireNonNull(listener, "eventListener");
  }

  public void helperPaths(List<Path> folders) {
    List<Path> checked = absolute(folders, "helperPaths");
    for (int i = 0; i < checked.size(); i++) {
      if (!Files.isDirectory(checked.get(i))) {
        throw new IllegalArgumentException(
            "helperPaths[" + i + "] must be an existing folder: " + checked.get(i));
      }
    }
    this.helperPaths = checked;
  }

  public void streamBatchSize(int streamBatchSize) {
    if (streamBatchSize < 1) {
      throw new IllegalArgumentException("streamBatchSize must be at least 1: " + streamBatchSize);
    }
    this.streamBatchSize = streamBatchSize;
  }

  public void callbackExecutor(Executor executor) {
    this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
  }

  private static List<Path> absolute(List<Path> folders, String parameter) {
    Objects.requireNonNull(folders, parameter);
    List<Path> checked = new ArrayList<>(folders.size());
    for (int i = 0; i < folders.size(); i++) {
      Path folder = Objects.requireNonNull(folders.get(i), parameter + "[" + i + "]");
      checked.add(folder.toAbsolutePath());
    }
    return List.copyOf(checked);
  }

  public void defaultTimeout(Duration timeout) {
    shortcut("defaultTimeout");
    defaultPool.defaultTimeout(timeout);
  }

  public void startupTimeout(Duration timeout) {
    shortcut("startupTimeout");
    defaultPool.startupTimeout(timeout);
  }

  public void eagerStart(boolean eagerStart) {
    this.eagerStart = eagerStart;
  }

  public void workingDirectory(Path folder) {
    Objects.requireNonNull(folder, "workingDirectory");
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("workingDirectory must be an existing folder: " + folder);
    }
    this.workingDirectory = folder.toAbsolutePath();
  }

  public void cacheDirectory(Path folder) {
    this.cacheDirectory = Objects.requireNonNull(folder, "cacheDirectory").toAbsolutePath();
  }

  public void maxFrameBytes(long maxFrameBytes) {
    if (maxFrameBytes < MIN_FRAME_BYTES || maxFrameBytes > MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be between "
              + MIN_FRAME_BYTES
              + " and "
              + MAX_FRAME_BYTES
              + ": "
              + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  public void sharedMemory(boolean enabled) {
    this.sharedMemory = enabled;
  }

  public void sharedMemoryLimit(long bytes) {
    if (bytes < LaneSettings.DEFAULT_THRESHOLD || bytes > LaneSettings.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "sharedMemoryLimit must be between "
              + LaneSettings.DEFAULT_THRESHOLD
              + " and "
              + LaneSettings.MAX_LIMIT
              + ": "
              + bytes);
    }
    this.sharedMemoryLimit = bytes;
  }

  public void maxNestingDepth(int maxNestingDepth) {
    if (maxNestingDepth < 1) {
      throw new IllegalArgumentException("maxNestingDepth must be at least 1: " + maxNestingDepth);
    }
    this.maxNestingDepth = maxNestingDepth;
  }

  /** Returns the checked settings, with the machine-dependent defaults resolved now. */
  public RuntimeConfig toConfig() {
    Path cache = cacheDirectory != null ? cacheDirectory : defaultCacheDirectory();
    PoolOptions.Builder firstPool = defaultPool;
    boolean managed = !requirements.isEmpty() || requirementsFile != null;
    if (managed && pythonChosen) {
      throw new IllegalStateException(
          "requirements(...) and requirementsFile(...) make a venv"
              + " whose interpreter the workers run, so they cannot be combined with an interpreter"
              + " set by python(...) or pool(\""
              + CallOptions.DEFAULT_POOL
              + "\", ...): drop one;"
              + " the venv's base interpreter is -D"
              + ManagedEnvironment.BASE_PYTHON_PROPERTY
              + ", else $"
              + SnakeBridge.PYTHON_ENV
              + ", else -D"
              + SnakeBridge.PYTHON_PROPERTY
              + ", else python3");
    }
    if (managed) {
      firstPool =
          defaultPool.build().toBuilder()
              .python(
                  RequirementsEnvironment.python(
                          cache,
                          RequirementsEnvironment.defaultBase(),
                          requirements,
                          requirementsFile)
                      .toString());
    } else if (!pythonChosen) {
      firstPool = defaultPool.build().toBuilder().python(defaultPython(cache));
    }
    Map<String, PoolOptions> all = new LinkedHashMap<>();
    PoolOptions main = firstPool.build();
    all.put(CallOptions.DEFAULT_POOL, main);
    Map<String, String> hints = new HashMap<>();
    if (pythonHint != null) {
      hints.put(CallOptions.DEFAULT_POOL, pythonHint);
    }
    pools.forEach(
        (poolName, options) -> {
          if (inheritPython.contains(poolName)) {
            all.put(poolName, options.toBuilder().python(main.python()).build());
            if (pythonHint != null) {
              hints.put(poolName, pythonHint);
            }
          } else {
            all.put(poolName, options);
          }
        });
    return new RuntimeConfig(
        name,
        all,
        eagerStart,
        workingDirectory,
        cache,
        new CodecLimits(maxNestingDepth, maxFrameBytes),
        helperPaths,
        callbackExecutor,
        streamBatchSize,
        eventListener,
        hints,
        new LaneSettings(sharedMemory, LaneSettings.DEFAULT_THRESHOLD, sharedMemoryLimit, name));
  }

  /**
   * The Python when none was set: SNAKEBRIDGE_PYTHON, else the snakebridge.python property, else
   * the managed venv of a snakebridge.lock embedded by the build plugin (created when missing,
   * unless switched off), else python3.
   */
  private String defaultPython(Path cache) {
    String fromEnvironment = System.getenv(SnakeBridge.PYTHON_ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    String fromProperty = System.getProperty(SnakeBridge.PYTHON_PROPERTY);
    if (fromProperty != null && !fromProperty.isBlank()) {
      return fromProperty;
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = RuntimeSettings.class.getClassLoader();
    }
    boolean create =
        createEnvironment != null ? createEnvironment : ManagedEnvironment.createByDefault();
    return ManagedEnvironment.python(loader, cache, create)
        .map(Path::toString)
        .orElse(SnakeBridgeRuntime.DEFAULT_PYTHON);
  }

  /** The {@code snakebridge.cacheDir} property, else the XDG cache folder, else ~/.cache. */
  static Path defaultCacheDirectory() {
    String property = System.getProperty("snakebridge.cacheDir");
    if (property != null && !property.isBlank()) {
      return toPath(property, "snakebridge.cacheDir").toAbsolutePath();
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      Path base = toPath(xdg, "XDG_CACHE_HOME");
      if (base.isAbsolute()) {
        return base.resolve("snakebridge");
      }
    }
    return Path.of(System.getProperty("user.home"), ".cache", "snakebridge");
  }

  private static Path toPath(String text, String source) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(source + " is not a valid path: '" + text + "'", e);
    }
  }
}
