package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds the managed venv of the project a runtime runs in: the build plugin embeds the lock as
 * {@value #LOCK_RESOURCE} (and the base interpreter it used in {@value #PROPERTIES_RESOURCE}); the
 * venv for it is looked up in the cache, checked against the lock, and created when it is missing
 * unless that is switched off.
 *
 * <p>Stateless and thread-safe.
 */
public final class ManagedEnvironment {
  /** The embedded lock. */
  public static final String LOCK_RESOURCE = "META-INF/snakebridge/" + EnvLock.FILE_NAME;

  /** The embedded settings: {@code python} (the base interpreter command). */
  public static final String PROPERTIES_RESOURCE = "META-INF/snakebridge/environment.properties";

  /** System property: {@code false} stops the runtime from creating a missing venv. */
  public static final String CREATE_PROPERTY = "snakebridge.createEnvironment";

  /** System property naming the base interpreter a missing venv is made from. */
  public static final String BASE_PYTHON_PROPERTY = "snakebridge.basePython";

  private static final System.Logger LOG = System.getLogger("io.snakebridge.env");

  /** Venvs already checked in this JVM, so that later runtimes start no probe. */
  private static final Map<String, Path> CHECKED = new ConcurrentHashMap<>();

  private ManagedEnvironment() {}

  /** Whether a missing venv is created: the {@value #CREATE_PROPERTY} property, default true. */
  public static boolean createByDefault() {
    return !"false".equalsIgnoreCase(System.getProperty(CREATE_PROPERTY, "true").trim());
  }

  /**
   * Returns the interpreter of the managed venv for the lock on {@code loader}'s class path, or
   * empty when there is no embedded lock.
   *
   * @param create whether a missing or broken venv is built (else that fails)
   * @throws SnakeBridgeException when the venv is missing and may not be created, or cannot be
   */
  public static Optional<Path> python(ClassLoader loader, Path cacheDirectory, boolean create) {
    String text = resource(loader, LOCK_RESOURCE);
    if (text == null) {
      return Optional.empty();
    }
    EnvLock lock;
    try {
      lock = EnvLock.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SnakeBridgeException(
          "the embedded " + LOCK_RESOURCE + " is unreadable: " + e.getMessage(), e);
    }
    String base = System.getProperty(BASE_PYTHON_PROPERTY);
    if (base == null || base.isBlank()) {
      Properties settings = new Properties();
      String saved = resource(loader, PROPERTIES_RESOURCE);
      if (saved != null) {
        try {
          settings.load(new java.io.StringReader(saved));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
      base = settings.getProperty("python", "python3");
      if ((base.contains("/") || base.contains("\\")) && !new java.io.File(base).canExecute()) {
        base = "python3"; // built on another machine; its path means nothing here
      }
    }
    String key = cacheDirectory + "\n" + base + "\n" + lock.pinsHash();
    Path known = CHECKED.get(key);
    if (known != null && java.nio.file.Files.isExecutable(known)) {
      return Optional.of(known);
    }
    BaseInterpreter interpreter = BaseInterpreter.probe(base);
    Path venv = Venvs.folder(cacheDirectory, lock, interpreter);
    List<String> problems = Venvs.problems(venv, lock);
    if (problems.isEmpty()) {
      LOG.log(Level.DEBUG, "using the managed venv {0}", venv);
      CHECKED.put(key, PythonProcess.venvPython(venv));
      return Optional.of(PythonProcess.venvPython(venv));
    }
    if (!create) {
      throw new SnakeBridgeException(
          "the managed Python environment for this project's "
              + "snakebridge.lock is not ready at "
              + venv
              + " ("
              + String.join("; ", problems)
              + "). Create it with: mvn snakebridge:env (or start once with -D"
              + CREATE_PROPERTY
              + "=true)");
    }
    LOG.log(
        Level.INFO,
        "creating the managed Python environment {0} from the embedded {1} ({2})",
        venv,
        EnvLock.FILE_NAME,
        String.join("; ", problems));
    Path made =
        Venvs.ensure(
            cacheDirectory,
            lock,
            interpreter,
            List.of(),
            line -> LOG.log(Level.INFO, "[env] {0}", line));
    CHECKED.put(key, PythonProcess.venvPython(made));
    return Optional.of(PythonProcess.venvPython(made));
  }

  /** The cache folder the worker uses: snakebridge.cacheDir, else XDG_CACHE_HOME, else ~/.cache. */
  public static Path defaultCacheDirectory() {
    String property = System.getProperty("snakebridge.cacheDir");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath();
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg).resolve("snakebridge");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "snakebridge");
  }

  private static @Nullable String resource(ClassLoader loader, String name) {
    ClassLoader from = loader != null ? loader : ClassLoader.getSystemClassLoader();
    try (InputStream in = from.getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot read " + name + " from the class path", e);
    }
  }
}
