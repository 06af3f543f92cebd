package io.snakebridge.it;

import io.snakebridge.PoolOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where the integration tests find Python and put their files, from the system properties the build
 * sets: {@code snakebridge.test.python}, {@code snakebridge.test.numpyPython}, {@code
 * snakebridge.test.sciencePython} and {@code snakebridge.test.workDir}.
 */
final class ItEnvironment {
  private static final String[] HELPERS = {
    "sbtest_helpers.py",
    "sbtest_objects.py",
    "sbtest_streams.py",
    "sbtest_roundtrip.py",
    "fake_worker.py",
    "sbtest_shm.py"
  };

  private ItEnvironment() {}

  /** The Python the tests run against. */
  static String python() {
    return System.getProperty("snakebridge.test.python", "python3");
  }

  /** A Python that has numpy, when the build made one. */
  static Optional<Path> numpyPython() {
    String path = System.getProperty("snakebridge.test.numpyPython");
    return path == null || !Files.isExecutable(Path.of(path))
        ? Optional.empty()
        : Optional.of(Path.of(path));
  }

  /** A Python that has numpy, pandas and scikit-learn, when the build made one. */
  static Optional<Path> sciencePython() {
    String path = System.getProperty("snakebridge.test.sciencePython");
    return path == null || !Files.isExecutable(Path.of(path))
        ? Optional.empty()
        : Optional.of(Path.of(path));
  }

  /** A folder of helper modules for callHelper (copied from test resources). */
  static Path helperFolder() {
    Path dir = workDir().resolve("helper-folder");
    try {
      Files.createDirectories(dir);
      try (InputStream in =
          ItEnvironment.class.getResourceAsStream("/it-python/helpers/sbhelp_text.py")) {
        Files.copy(in, dir.resolve("sbhelp_text.py"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** A folder for the tests' files, under target/. */
  static Path workDir() {
    Path dir =
        Path.of(System.getProperty("snakebridge.test.workDir", "target/it")).toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The folder holding the tests' Python helper modules (copied from test resources). */
  static Path helpers() {
    Path dir = workDir().resolve("pyhelpers");
    try {
      Files.createDirectories(dir);
      for (String name : HELPERS) {
        try (InputStream in = ItEnvironment.class.getResourceAsStream("/it-python/" + name)) {
          Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** The cache folder the tests extract the worker package into. */
  static Path cacheDir() {
    return workDir().resolve("cache");
  }

  /** Pool options for the test Python, with the helpers importable. */
  static PoolOptions.Builder pool() {
    return PoolOptions.builder().python(python()).pythonPath(helpers());
  }

  /** Sends {@code signal} (such as "STOP" or "KILL") to process {@code pid}. */
  static void signal(long pid, String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      kill.getInputStream().readAllBytes();
      kill.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A runtime builder with only the name and cache folder, for tests that set the default pool with
   * {@code pool("default", pool()...)} (the shortcut setters may not be mixed with it).
   */
  static SnakeBridgeRuntime.Builder bareRuntime(String name) {
    return SnakeBridgeRuntime.builder().name(name).cacheDirectory(cacheDir());
  }

  /** A runtime builder for the test Python, with the helpers importable. */
  static SnakeBridgeRuntime.Builder runtime(String name) {
    return SnakeBridgeRuntime.builder()
        .name(name)
        .python(python())
        .cacheDirectory(cacheDir())
        .pythonPath(helpers());
  }
}
