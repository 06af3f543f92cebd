package io.snakebridge.spark.internal;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.jspecify.annotations.Nullable;

/**
 * The one {@link SnakeBridgeRuntime} of this executor JVM, built on first use and closed when the
 * JVM exits.
 *
 * <p>A static holder, because Spark gives an executor no object of ours that lives as long as it
 * does: an executor is a JVM, so a JVM shutdown hook stops the workers when the executor stops (the
 * workers also exit on their own when their pipes close, should the JVM be killed). Task completion
 * listeners are too short-lived: tasks of one executor share the pool. In local mode one JVM can
 * see several SparkContexts one after another; a runtime built under another {@link SparkEnv} is
 * closed and replaced, so a new context gets its own settings and files.
 *
 * <p>Thread-safe: the lock guards the holder; building a runtime (which may create the managed
 * venv, which takes minutes) happens under it so that tasks starting at once share one runtime.
 */
public final class ExecutorRuntime {
  private static final System.Logger LOG = System.getLogger("io.snakebridge.spark");

  /** The Python side of the module, as resources of the jar. */
  private static final String PYTHON_RESOURCES = "META-INF/snakebridge-spark/";

  private static final List<String> PYTHON_FILES =
      List.of("snakebridge_spark/__init__.py", "snakebridge_spark/batches.py");

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static @Nullable Holder current; // guarded by LOCK
  private static boolean hooked; // guarded by LOCK

  private ExecutorRuntime() {}

  private record Holder(
      Object env,
      SparkSettings settings,
      SnakeBridgeRuntime runtime,
      Path pythonFolder,
      BatchMetrics metrics) {}

  /** The runtime and metrics of this executor for {@code settings}, built on first use. */
  public static SnakeBridgeRuntime runtime(SparkSettings settings) {
    return holder(settings).runtime();
  }

  /** This executor's counters. */
  public static BatchMetrics metrics(SparkSettings settings) {
    return holder(settings).metrics();
  }

  private static Holder holder(SparkSettings settings) {
    Object env = SparkEnv.get();
    LOCK.lock();
    try {
      Holder h = current;
      if (h != null && h.env() == env && h.settings().sameRuntime(settings)) {
        return h;
      }
      if (h != null) {
        LOG.log(
            Level.INFO,
            "replacing the SnakeBridge runtime of this executor: {0}",
            h.env() != env ? "a new SparkContext" : "new spark.snakebridge settings");
        close(h);
        current = null;
      }
      if (!hooked) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(ExecutorRuntime::shutdown, "snakebridge-spark-shutdown"));
        hooked = true;
      }
      current = build(env, settings);
      return current;
    } finally {
      LOCK.unlock();
    }
  }

  private static Holder build(Object env, SparkSettings settings) {
    Path folder = extractPython();
    List<Path> path = new ArrayList<>();
    path.add(folder);
    Path files = sparkFiles();
    if (files != null) {
      path.add(files);
    }
    for (String entry : settings.pythonPath()) {
      path.add(resolve(entry, files));
    }
    int poolSize = poolSize(settings, env);
    String executor = env == null ? "?" : ((SparkEnv) env).executorId();
    SnakeBridgeRuntime.Builder builder =
        SnakeBridgeRuntime.builder()
            .name("spark-executor-" + executor.replaceAll("[^A-Za-z0-9._-]", "_"))
            .poolSize(poolSize)
            .pythonPath(path);
    if (settings.timeout() != null) {
      builder.defaultTimeout(settings.timeout());
    }
    SnakeBridgeRuntime runtime;
    if (settings.python() != null) {
      runtime = builder.python(python(settings.python(), files)).build();
    } else if (settings.lockFile() != null) {
      runtime = withLock(builder, resolve(settings.lockFile(), files));
    } else {
      runtime = builder.build();
    }
    LOG.log(
        Level.INFO,
        "executor {0}: SnakeBridge runtime with {1} Python workers, sys.path {2}",
        executor,
        poolSize,
        path);
    return new Holder(env, settings, runtime, folder, new BatchMetrics(executor));
  }

  /**
   * Builds with the lock file served as the resource the core reads the managed environment's lock
   * from, so that the core finds (or creates) this host's venv for it as it does for a lock
   * embedded in the application's jar.
   */
  private static SnakeBridgeRuntime withLock(SnakeBridgeRuntime.Builder builder, Path lock) {
    if (!Files.isRegularFile(lock)) {
      throw new SnakeBridgeException(
          "spark.snakebridge.lockFile: no file "
              + lock
              + " on this executor (ship it with SparkContext.addFile or --files)");
    }
    ClassLoader parent = Thread.currentThread().getContextClassLoader();
    ClassLoader serving = new LockLoader(parent, lock);
    Thread.currentThread().setContextClassLoader(serving);
    try {
      return builder.build();
    } finally {
      Thread.currentThread().setContextClassLoader(parent);
    }
  }

  /** Serves one file as the core's embedded-lock resource, and nothing else of its own. */
  private static final class LockLoader extends ClassLoader {
    private static final String LOCK_RESOURCE = "META-INF/snakebridge/snakebridge.lock";
    private final Path lock;

    LockLoader(ClassLoader parent, Path lock) {
      super(parent);
      this.lock = lock;
    }

    @Override
    public URL getResource(String name) {
      if (name.equals(LOCK_RESOURCE)) {
        try {
          return lock.toUri().toURL();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return super.getResource(name);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      if (name.equals(LOCK_RESOURCE)) {
        try {
          return Files.newInputStream(lock);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return super.getResourceAsStream(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      if (name.equals(LOCK_RESOURCE)) {
        return Collections.enumeration(List.of(getResource(name)));
      }
      return super.getResources(name);
    }
  }

  /** The workers per executor: the setting, else the executor's cores. */
  static int poolSize(SparkSettings settings, Object env) {
    if (settings.poolSize() > 0) {
      return settings.poolSize();
    }
    if (settings.localCores() > 0) {
      return settings.localCores();
    }
    if (env != null) {
      int cores = ((SparkEnv) env).conf().getInt("spark.executor.cores", 0);
      if (cores > 0) {
        return cores;
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  private static @Nullable Path sparkFiles() {
    try {
      return SparkEnv.get() == null ? null : Path.of(SparkFiles.getRootDirectory());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A relative interpreter path is looked up among the job's files (a shipped venv, say). */
  private static String python(String python, @Nullable Path files) {
    if (files == null || !python.contains("/") || Path.of(python).isAbsolute()) {
      return python;
    }
    Path shipped = files.resolve(python);
    return Files.isExecutable(shipped) ? shipped.toString() : python;
  }

  private static Path resolve(String entry, @Nullable Path files) {
    Path p = Path.of(entry);
    if (p.isAbsolute() || files == null) {
      return p.toAbsolutePath();
    }
    Path shipped = files.resolve(entry);
    return Files.exists(shipped) || !Files.exists(p) ? shipped : p.toAbsolutePath();
  }

  private static Path extractPython() {
    try {
      Path folder = Files.createTempDirectory("snakebridge-spark-");
      ClassLoader loader = ExecutorRuntime.class.getClassLoader();
      for (String file : PYTHON_FILES) {
        try (InputStream in = loader.getResourceAsStream(PYTHON_RESOURCES + file)) {
          if (in == null) {
            throw new IllegalStateException("the jar lacks " + PYTHON_RESOURCES + file);
          }
          Path target = folder.resolve(file);
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the Python side of snakebridge-spark", e);
    }
  }

  private static void shutdown() {
    LOCK.lock();
    try {
      if (current != null) {
        close(current);
        current = null;
      }
    } finally {
      LOCK.unlock();
    }
  }

  private static void close(Holder h) {
    h.metrics().log();
    try {
      h.runtime().close();
    } finally {
      deleteTree(h.pythonFolder());
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "could not delete {0}: {1}", root, e);
    }
  }
}
