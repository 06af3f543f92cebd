package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the introspection program (copied out of the library's resources) with a real Python. */
public final class Introspection {
  private Introspection() {}

  /** The Python the tests use: system property snakebridge.test.python, else python3. */
  public static String python() {
    return System.getProperty("snakebridge.test.python", "python3");
  }

  /**
   * Writes a manifest per module into {@code out}, importing from {@code path} first when it is not
   * null.
   */
  public static void run(String python, Path out, Path path, String... modules)
      throws IOException, InterruptedException {
    Path script = out.resolve("introspect.py");
    Files.createDirectories(out);
    Files.writeString(script, WrapperGenerator.introspectionProgram(), StandardCharsets.UTF_8);
    List<String> command =
        new ArrayList<>(List.of(python, script.toString(), "--out", out.toString()));
    if (path != null) {
      command.add("--path");
      command.add(path.toString());
    }
    command.addAll(List.of(modules));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // a generous ceiling that only catches a hang
    process.waitFor(300, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), () -> "introspect.py failed:\n" + output);
  }
}
