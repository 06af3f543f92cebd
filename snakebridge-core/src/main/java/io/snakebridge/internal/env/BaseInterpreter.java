package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The interpreter venvs are made from, as it describes itself: its real executable (past any
 * version manager's shim) and version. A venv's folder name depends on both.
 *
 * @param command what was configured ({@code python3}, a path)
 * @param executable the real path of the base executable ({@code sys._base_executable})
 * @param version {@code platform.python_version()}
 * @param implementation {@code sys.implementation.name}
 * @param platform {@code sys.platform}
 * @param machine {@code platform.machine()}
 */
public record BaseInterpreter(
    String command,
    @Nullable String executable,
    @Nullable String version,
    @Nullable String implementation,
    @Nullable String platform,
    @Nullable String machine) {

  static final String PROBE =
      String.join(
          "\n",
          "import os, platform, sys",
          "print('executable=' + os.path.realpath(getattr(sys, '_base_executable', None) or sys.executable))",
          "print('version=' + platform.python_version())",
          "print('implementation=' + sys.implementation.name)",
          "print('platform=' + sys.platform)",
          "print('machine=' + platform.machine())");

  /** Asks {@code command} (a path or a name on {@code PATH}) to describe itself. */
  public static BaseInterpreter probe(String command) {
    Consumer<String> ignore = line -> {};
    PythonProcess.Result result =
        PythonProcess.run(List.of(command, "-I", "-c", PROBE), ignore, false);
    if (result.exitCode() != 0) {
      throw new SnakeBridgeException(
          "the base Python '" + command + "' did not start: " + result.failure());
    }
    Map<String, String> values = new HashMap<>();
    for (String line : result.stdout()) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new BaseInterpreter(
        command,
        values.get("executable"),
        values.get("version"),
        values.get("implementation"),
        values.get("platform"),
        values.get("machine"));
  }

  /** The base Python a build uses when none is configured: SNAKEBRIDGE_PYTHON, else python3. */
  public static String defaultCommand() {
    String fromEnvironment = System.getenv("SNAKEBRIDGE_PYTHON");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    return "python3";
  }
}
