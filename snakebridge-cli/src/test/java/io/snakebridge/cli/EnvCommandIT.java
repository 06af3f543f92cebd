package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snakebridge env lock|create|verify|show} and {@code doctor} on a real lock, with the
 * machine's pip configuration and tabulate (pure Python, so a venv takes seconds).
 */
class EnvCommandIT {
  private static final String PYTHON = System.getProperty("snakebridge.test.python", "python3");

  @TempDir Path project;
  @TempDir Path cache;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs {@code snakebridge env <argv>} on this test's lock, cache and base interpreter. */
  private int env(String... argv) {
    out.reset();
    err.reset();
    List<String> args = new ArrayList<>(List.of("env"));
    args.addAll(List.of(argv));
    args.addAll(
        List.of("--lock", lock().toString(), "--cache", cache.toString(), "--python", PYTHON));
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private Path lock() {
    return project.resolve("snakebridge.lock");
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void lockCreateVerifyShow() throws Exception {
    assertEquals(0, env("lock", "tabulate"), err());
    String locked = Files.readString(lock(), StandardCharsets.UTF_8);
    assertTrue(locked.contains("name = \"tabulate\""), locked);

    assertEquals(1, env("verify"), out() + err());
    assertTrue(out().contains("it does not exist"), out());
    assertTrue(out().contains("Recreate the venv with: snakebridge env create"), out());

    assertEquals(0, env("create", "tabulate"), err());
    Path python = Path.of(out().strip());
    assertTrue(python.startsWith(cache.resolve("venvs")), python.toString());
    assertTrue(Files.isExecutable(python), python.toString());
    assertTrue(err().contains("Creating venv"), err());

    assertEquals(0, env("create"), err());
    assertEquals(python.toString(), out().strip());
    assertTrue(!err().contains("Creating venv"), "the second create rebuilt: " + err());

    assertEquals(0, env("verify"), out() + err());
    assertTrue(out().contains("locked distributions match"), out());

    assertEquals(0, env("show"), err());
    assertTrue(out().contains("status          ready\n"), out());
    assertTrue(out().contains("interpreter     " + python + "\n"), out());
    assertTrue(out().matches("(?s).*pins hash       sha256:[0-9a-f]{64}\n.*"), out());
    assertTrue(out().matches("(?s).*\n +tabulate \\S+  sha256:[0-9a-f]{64}\n.*"), out());
  }

  @Test
  void changedRequirementsFailUntilRelocked() {
    assertEquals(0, env("lock", "tabulate"), err());
    assertEquals(1, env("create", "six"), err());
    assertTrue(err().contains("the requirements changed since"), err());
    assertTrue(err().contains("Re-lock with: snakebridge env lock six --lock " + lock()), err());
  }

  @Test
  void usageErrors() {
    assertEquals(2, env("frobnicate"));
    assertTrue(err().startsWith("snakebridge: unknown env action 'frobnicate'"), err());
    assertEquals(1, env("lock"));
    assertTrue(err().contains("nothing to lock"), err());
    assertEquals(1, env("show"));
    assertTrue(err().contains("does not exist; create it with: snakebridge env lock"), err());
  }

  /**
   * {@code doctor} in a separate JVM whose working directory holds the lock: with no interpreter
   * configured it runs the lock's venv once it exists, and says why not before.
   */
  @Test
  void doctorReportsTheManagedEnvironmentOfTheWorkingDirectory() throws Exception {
    assertEquals(0, env("lock", "tabulate"), err());
    String before = doctorInProject();
    assertTrue(before.contains("(the default, looked up on PATH)"), before);
    assertTrue(before.contains("environment         not used: snakebridge.lock"), before);
    assertTrue(before.contains("create it with: snakebridge env create"), before);

    assertEquals(0, env("create"), err());
    String python = out().strip();
    String after = doctorInProject();
    assertTrue(
        after.contains(
            "python command      " + python + " (the managed venv of snakebridge.lock)\n"),
        after);
    assertTrue(after.contains("environment         managed: snakebridge.lock"), after);
    assertTrue(after.contains("worker handshake    ok"), after);
  }

  private String doctorInProject() throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsnakebridge.cacheDir=" + cache,
                "-Dsnakebridge.basePython=" + PYTHON,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "doctor"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("SNAKEBRIDGE_PYTHON");
    Process process = builder.start();
    process.getOutputStream().close();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "doctor did not exit");
    return stdout;
  }
}
