package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one Python command to its end: stdout is collected for the caller, stderr is handed line by
 * line to a progress consumer (pip writes its progress there when told to).
 *
 * <p>Stateless and thread-safe.
 */
final class PythonProcess {
  private PythonProcess() {}

  /** The result of a finished command. */
  record Result(int exitCode, List<String> stdout, List<String> stderrTail) {
    String failure() {
      return "exit code "
          + exitCode
          + (stderrTail.isEmpty() ? "" : ":\n  " + String.join("\n  ", stderrTail));
    }
  }

  /** Runs {@code command} and waits for it, forwarding stderr (and stdout too, if asked). */
  static Result run(List<String> command, Consumer<String> progress, boolean stdoutIsProgress) {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.put("PYTHONNOUSERSITE", "1");
    environment.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    environment.put("PIP_NO_INPUT", "1");
    environment.remove("PYTHONPATH");
    environment.remove("PYTHONHOME");
    environment.remove("VIRTUAL_ENV");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    List<String> tail = new ArrayList<>();
    Thread errors =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  progress.accept(line);
                  synchronized (tail) {
                    tail.add(line);
                    if (tail.size() > 30) {
                      tail.remove(0);
                    }
                  }
                }
              } catch (IOException ignored) {
                // the process ended; what was read is kept
              }
            },
            "snakebridge-env-stderr");
    errors.setDaemon(true);
    errors.start();
    List<String> out = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (stdoutIsProgress) {
          progress.accept(line);
        }
        out.add(line);
      }
      int code = process.waitFor();
      errors.join();
      synchronized (tail) {
        return new Result(code, out, List.copyOf(tail));
      }
    } catch (IOException e) {
      process.destroyForcibly();
      throw new SnakeBridgeException("reading from " + command.get(0) + " failed", e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SnakeBridgeException("interrupted while running " + command.get(0), e);
    }
  }

  /** The interpreter inside a venv. */
  static Path venvPython(Path venv) {
    boolean windows = System.getProperty("os.name", "").startsWith("Windows");
    return windows
        ? venv.resolve("Scripts").resolve("python.exe")
        : venv.resolve("bin").resolve("python");
  }
}
