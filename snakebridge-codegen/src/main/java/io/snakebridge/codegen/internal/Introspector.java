package io.snakebridge.codegen.internal;

import io.snakebridge.codegen.WrapperGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Runs the introspection program, and other short Python commands, as child processes. */
public final class Introspector {
  /** A ceiling that only catches a hang: numpy, pandas and scikit-learn take well under it. */
  private static final long TIMEOUT_MINUTES = 30;

  private Introspector() {}

  /**
   * Writes {@code out/<module>.json} per module with {@code python}, after deleting the manifests
   * already there; {@code pythonSources} (may be null) is imported from first.
   *
   * @throws IOException when the program fails; the message holds its output
   */
  public static void run(
      String python,
      Path out,
      @Nullable Path pythonSources,
      List<String> modules,
      Consumer<String> progress)
      throws IOException, InterruptedException {
    Files.createDirectories(out);
    try (Stream<Path> old = Files.list(out)) {
      for (Path p : old.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.delete(p);
      }
    }
    Path script = out.resolve("introspect.py");
    Files.writeString(script, WrapperGenerator.introspectionProgram(), StandardCharsets.UTF_8);
    List<String> command =
        new ArrayList<>(List.of(python, script.toString(), "--out", out.toString()));
    if (pythonSources != null) {
      command.add("--path");
      command.add(pythonSources.toAbsolutePath().toString());
    }
    command.addAll(modules);
    progress.accept("Introspecting " + modules + " with " + python);
    String output = runForOutput(command);
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        progress.accept("[introspect] " + line);
      }
    }
  }

  /**
   * Runs {@code command} (stdout and stderr merged, PYTHONDONTWRITEBYTECODE set so that nothing is
   * written beside the project's sources) and returns what it printed.
   *
   * @throws IOException when it cannot start or exits with a status other than 0
   */
  static String runForOutput(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    process.getOutputStream().close();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process));
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException(
          command.get(0) + " did not finish within " + TIMEOUT_MINUTES + " minutes: " + command);
    }
    String text = output.join();
    if (process.exitValue() != 0) {
      throw new IOException(
          "Python failed (exit status "
              + process.exitValue()
              + "): "
              + String.join(" ", command)
              + "\n"
              + text);
    }
    return text;
  }

  private static String read(Process process) {
    try (InputStream in = process.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
