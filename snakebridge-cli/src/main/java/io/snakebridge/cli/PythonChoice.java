package io.snakebridge.cli;

import io.snakebridge.PoolExhaustedException;
import io.snakebridge.SnakeBridge;
import io.snakebridge.SnakeBridgeRuntime;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Python command the CLI runs and why: {@code --python}, else the same choice as the
 * library's default runtime ({@code $SNAKEBRIDGE_PYTHON}, then {@code -Dsnakebridge.python}, then
 * {@code python3} on {@code PATH}). The CLI builds its own runtime, whose builder would otherwise
 * always default to {@code python3}.
 *
 * @param command a path or a command name for {@code SnakeBridgeRuntime.Builder.python}
 * @param source  where it came from, for {@code doctor}
 */
record PythonChoice(String command, String source) {
  static PythonChoice of(@Nullable String fromFlag) {
    if (fromFlag != null) {
      return new PythonChoice(fromFlag, "from --python");
    }
    String fromEnvironment = System.getenv(SnakeBridge.PYTHON_ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new PythonChoice(fromEnvironment, "from $" + SnakeBridge.PYTHON_ENV);
    }
    String fromProperty = System.getProperty(SnakeBridge.PYTHON_PROPERTY);
    if (fromProperty != null && !fromProperty.isBlank()) {
      return new PythonChoice(fromProperty, "from -D" + SnakeBridge.PYTHON_PROPERTY);
    }
    return new PythonChoice(SnakeBridgeRuntime.DEFAULT_PYTHON, "the default, looked up on PATH");
  }

  /**
   * The CLI's own advice when no worker could start: the library's message names no setting,
   * since the CLI always names the interpreter, so this says how to name another one here.
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
