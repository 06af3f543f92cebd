package io.snakebridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Finds a Python with numpy for the array cases: the one given with {@code --numpy-python}, or a
 * virtual environment under the work folder, created on first use with {@code python -m venv} and
 * {@code pip install --retries 0 -q numpy} ({@code --retries 0} so that an unreachable index fails
 * at once instead of after minutes of retries).
 */
final class NumpyVenv {
  private NumpyVenv() {}

  /** The Python to use for numpy; throws with the reason when none can be had. */
  static String python(@Nullable String given, String basePython, Path workDir) throws IOException {
    return python(given, basePython, workDir, "venv-numpy", List.of("numpy"));
  }

  /**
   * The Python to use for {@code packages} (each also the name it is imported by): {@code given},
   * or the venv {@code name} under the work folder, made on first use.
   */
  static String python(
      @Nullable String given, String basePython, Path workDir, String name, List<String> packages)
      throws IOException {
    if (given != null) {
      return given;
    }
    Path venv = workDir.resolve(name);
    Path python = venv.resolve("bin").resolve("python");
    if (Files.isExecutable(python)
        && run(
            List.of(python.toString(), "-c", "import " + String.join(", ", packages)), 60, true)) {
      return python.toString();
    }
    System.err.println(
        "[bench] creating " + venv + " with " + String.join(", ", packages) + " (once)");
    if (!run(List.of(basePython, "-m", "venv", "--clear", venv.toString()), 300, false)) {
      throw new IOException(basePython + " -m venv " + venv + " failed");
    }
    List<String> install =
        new ArrayList<>(List.of(python.toString(), "-m", "pip", "install", "--retries", "0", "-q"));
    install.addAll(packages);
    if (!run(install, 600, false)) {
      throw new IOException(
          "pip install " + String.join(" ", packages) + " into " + venv + " failed");
    }
    return python.toString();
  }

  private static boolean run(List<String> command, int timeoutSeconds, boolean quiet)
      throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(
                quiet ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
  }
}
