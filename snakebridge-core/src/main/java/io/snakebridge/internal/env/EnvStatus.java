package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a lock's venv looks like on this host, for tools that report on it (the CLI's {@code env
 * show}, {@code env verify} and {@code doctor}): the base interpreter, the venv folder and its
 * interpreter, and every way they differ from the lock. Changes nothing.
 *
 * @param lock the lock
 * @param base the base interpreter, as it describes itself
 * @param venv the venv folder for the lock and the base, which may not exist
 * @param python the venv's interpreter
 * @param differences how the base interpreter and the venv differ from the lock, each line starting
 *     with {@code interpreter} or {@code venv}; empty when the venv is ready
 */
public record EnvStatus(
    EnvLock lock, BaseInterpreter base, Path venv, Path python, List<String> differences) {

  public EnvStatus {
    differences = List.copyOf(differences);
  }

  /**
   * Probes {@code baseCommand} and checks the venv for {@code lock} in {@code cacheDirectory}.
   *
   * @throws SnakeBridgeException when the base interpreter does not start
   */
  public static EnvStatus of(Path cacheDirectory, EnvLock lock, String baseCommand) {
    BaseInterpreter base = BaseInterpreter.probe(baseCommand);
    Path venv = Venvs.folder(cacheDirectory, lock, base);
    List<String> differences = new ArrayList<>();
    for (String line : Venvs.interpreterDiff(lock, base)) {
      differences.add("interpreter " + base.executable() + ": " + line);
    }
    try {
      for (String line : Venvs.problems(venv, lock)) {
        differences.add("venv " + venv + ": " + line);
      }
    } catch (SnakeBridgeException refused) {
      differences.add("venv " + venv + ": " + refused.getMessage());
    }
    return new EnvStatus(lock, base, venv, PythonProcess.venvPython(venv), differences);
  }

  /** The interpreter inside {@code venv}. */
  public static Path interpreter(Path venv) {
    return PythonProcess.venvPython(venv);
  }

  /** Whether the venv exists, is trusted and matches the lock, and the base matches too. */
  public boolean ready() {
    return differences.isEmpty();
  }
}
