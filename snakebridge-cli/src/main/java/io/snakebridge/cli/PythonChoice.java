package io.snakebridge.cli;

import io.snakebridge.PoolExhaustedException;
import io.snakebridge.SnakeBridge;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.EnvStatus;
import io.snakebridge.internal.env.ManagedEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Python command the CLI runs and why: {@code --python}, else the same choice as the library's
 * default runtime ({@code $SNAKEBRIDGE_PYTHON}, then {@code -Dsnakebridge.python}), then the
 * managed venv of a {@code snakebridge.lock} in the working directory when that venv is ready (made
 * by {@code snakebridge env create} or the build plugin; the base interpreter is {@code
 * -Dsnakebridge.basePython}, else {@code python3}), then {@code python3} on {@code PATH}. The CLI
 * builds its own runtime, whose builder would otherwise always default to {@code python3}.
 *
 * @param command a path or a command name for {@code SnakeBridgeRuntime.Builder.python}
 * @param source where it came from, for {@code doctor}
 * @param environment what {@code doctor} says of the managed environment, or null where there is no
 *     lock in the working directory
 */
record PythonChoice(String command, String source, @Nullable String environment) {
  static PythonChoice of(@Nullable String fromFlag) {
    return of(fromFlag, Path.of(EnvLock.FILE_NAME));
  }

  static PythonChoice of(@Nullable String fromFlag, Path lockFile) {
    if (fromFlag != null) {
      return new PythonChoice(fromFlag, "from --python", null);
    }
    String fromEnvironment = System.getenv(SnakeBridge.PYTHON_ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new PythonChoice(fromEnvironment, "from $" + SnakeBridge.PYTHON_ENV, null);
    }
    String fromProperty = System.getProperty(SnakeBridge.PYTHON_PROPERTY);
    if (fromProperty != null && !fromProperty.isBlank()) {
      return new PythonChoice(fromProperty, "from -D" + SnakeBridge.PYTHON_PROPERTY, null);
    }
    String note = null;
    if (Files.isRegularFile(lockFile)) {
      try {
        EnvLock lock = EnvLock.parse(Files.readString(lockFile, StandardCharsets.UTF_8));
        String base = System.getProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY, "python3");
        EnvStatus status = EnvStatus.of(ManagedEnvironment.defaultCacheDirectory(), lock, base);
        String about =
            lockFile
                + " (pins "
                + lock.pinsHash()
                + ", "
                + lock.packages().size()
                + " packages), venv "
                + status.venv();
        if (status.ready()) {
          return new PythonChoice(
              status.python().toString(),
              "the managed venv of " + lockFile,
              "managed: " + about + ", ready");
        }
        note =
            "not used: "
                + about
                + " is not ready ("
                + String.join("; ", status.differences())
                + "); create it with: snakebridge env create";
      } catch (IOException | IllegalArgumentException | SnakeBridgeException e) {
        note = "not used: " + lockFile + " cannot be used: " + e.getMessage();
      }
    }
    return new PythonChoice(
        SnakeBridgeRuntime.DEFAULT_PYTHON, "the default, looked up on PATH", note);
  }

  /**
   * The CLI's own advice when no worker could start: the library's message names no setting, since
   * the CLI always names the interpreter, so this says how to name another one here.
   */
  static Optional<String> hint(Throwable failure) {
    return failure instanceof PoolExhaustedException
        ? Optional.of("hint: choose the interpreter with --python <exe>")
        : Optional.empty();
  }

  @Override
  public String toString() {
    return command + " (" + source + ")";
  }
}
