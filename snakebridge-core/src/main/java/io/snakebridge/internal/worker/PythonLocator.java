package io.snakebridge.internal.worker;

import io.snakebridge.SnakeBridgeException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the configured Python (a path, or a command looked up on {@code PATH}) to an executable
 * file, with an error that says what was searched when there is none.
 *
 * <p>Stateless and thread-safe.
 */
public final class PythonLocator {
  private PythonLocator() {}

  /**
   * Returns the executable for {@code python}.
   *
   * @param python a path (anything with a separator) or a command name such as {@code python3}
   * @param searchPath the {@code PATH} the worker will see, or null
   * @throws SnakeBridgeException when there is no such executable
   */
  public static Path locate(String python, String searchPath) {
    return locate(python, searchPath, null);
  }

  /**
   * Returns the executable for {@code python}; a failure's message ends with {@code hint}.
   *
   * @param hint how to name another interpreter, such as "name an interpreter with ...", or null
   * @throws SnakeBridgeException when there is no such executable
   */
  public static Path locate(String python, String searchPath, @Nullable String hint) {
    if (python.indexOf('/') >= 0 || python.indexOf(File.separatorChar) >= 0) {
      Path path = toPath(python);
      if (!Files.exists(path)) {
        throw new SnakeBridgeException(
            "Python executable " + path + " does not exist" + (hint == null ? "" : "; " + hint));
      }
      if (Files.isDirectory(path) || !Files.isExecutable(path)) {
        throw new SnakeBridgeException("Python executable " + path + " is not an executable file");
      }
      return path.toAbsolutePath();
    }
    String dirs = searchPath == null ? "" : searchPath;
    for (String dir : dirs.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = toPath(dir).resolve(python);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new SnakeBridgeException(
        "Python command '"
            + python
            + "' was not found on PATH ("
            + dirs
            + ")"
            + (hint == null ? "" : "; install Python 3.9 or newer, or " + hint));
  }

  private static Path toPath(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new SnakeBridgeException("Python executable '" + text + "' is not a valid path", e);
    }
  }
}
