package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The commands against a real Python ({@code -Dsnakebridge.test.python}, default {@code python3}),
 * mostly in-process through {@link Main#run}, once as a separate JVM to check the exit status and
 * that nothing keeps the JVM alive.
 */
class CliIT {
  private static final String PYTHON = System.getProperty("snakebridge.test.python", "python3");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... argv) {
    List<String> args = new ArrayList<>(List.of(argv));
    args.add("--python=" + PYTHON);
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void callPrintsTheResult() {
    assertEquals(0, run("call", "math", "sqrt", "16"), err());
    assertEquals("4.0\n", out());
  }

  @Test
  void keywordArguments() {
    assertEquals(0, run("call", "builtins", "round", "2.675", "--kw", "ndigits=2"), err());
    assertEquals("2.67\n", out());
  }

  @Test
  void stringResultsPrintRawAndContainersInReprForm() {
    assertEquals(0, run("call", "builtins", "str.upper", "it's"), err());
    assertEquals(0, run("call", "builtins", "divmod", "7", "2"), err());
    assertEquals(
        0, run("call", "builtins", "dict", "--kw", "a=[1,\"x\",null]", "--kw", "b=true"), err());
    assertEquals("IT'S\n(3, 1)\n{'a': [1, 'x', None], 'b': True}\n", out());
  }

  @Test
  void jsonOutput() {
    assertEquals(0, run("call", "builtins", "divmod", "7", "2", "--json"), err());
    assertEquals(
        0, run("call", "builtins", "dict", "--kw", "b=[1,2.5]", "--kw", "a=nan", "--json"), err());
    assertEquals(0, run("call", "builtins", "float", "nan", "--json"), err());
    assertEquals(0, run("call", "builtins", "bytes", "[0,1,255]", "--json"), err());
    assertEquals("[3,1]\n{\"b\":[1,2.5],\"a\":\"nan\"}\n\"NaN\"\n\"AAH/\"\n", out());
  }

  @Test
  void objectsThatStayInPythonPrintAsPythonWould() {
    assertEquals(0, run("call", "pathlib", "PurePosixPath", "/tmp/x"), err());
    assertEquals(0, run("call", "pathlib", "PurePosixPath", "/tmp/x", "--json"), err());
    String[] lines = out().split("\n");
    assertEquals("/tmp/x", lines[0]);
    assertTrue(
        lines[1].matches(
            "\\{\"\\$ref\":\"[^\"]+\",\"type\":\"pathlib\\.PurePosixPath\",\"str\":\"/tmp/x\"}"),
        lines[1]);
  }

  @Test
  void attrReadsAModuleAttribute() {
    assertEquals(0, run("attr", "math", "pi"), err());
    assertEquals(0, run("attr", "sys", "version_info.major", "--json"), err());
    assertEquals("3.141592653589793\n3\n", out());
  }

  @Test
  void pythonExceptionsPrintTypeAndMessageAndExitWithOne() {
    assertEquals(1, run("call", "math", "sqrt", "-1"));
    assertEquals("", out());
    assertEquals("builtins.ValueError: math domain error\n", err());
  }

  @Test
  void exceptionsFromPythonCodeAlsoPrintTheTraceback() {
    assertEquals(1, run("call", "json", "loads", "{bad"));
    assertEquals("", out());
    assertTrue(
        err()
            .startsWith(
                "json.decoder.JSONDecodeError: Expecting property name enclosed in "
                    + "double quotes: line 1 column 2 (char 1)\nTraceback (most recent call last):\n"),
        err());
    assertTrue(err().matches("(?s).*File \".*json.*decoder\\.py\", line \\d+, in .*"), err());
  }

  @Test
  void missingModuleIsAPythonError() {
    assertEquals(1, run("call", "no_such_module_xyz", "f"));
    assertTrue(
        err().startsWith("builtins.ModuleNotFoundError: No module named 'no_such_module_xyz'\n"),
        err());
  }

  @Test
  void timeoutEndsALongCall() {
    // Had the 30 s sleep run to its end, the exit status would be 0 and nothing "timed out".
    assertEquals(1, run("call", "time", "sleep", "30", "--timeout", "2s"));
    assertTrue(err().startsWith("snakebridge: timed out: "), err());
  }

  @Test
  void doctorReportsTheHandshakeAndPackages() {
    assertEquals(0, run("doctor"), out() + err());
    String report = out();
    assertTrue(report.contains("python command      " + PYTHON + " (from --python)\n"), report);
    assertTrue(
        report.matches("(?s).*python version      3\\.\\d+\\.\\d+\\S* \\(cpython\\)\n.*"), report);
    assertTrue(
        report.matches(
            "(?s).*worker handshake    ok: protocol 1, worker pid \\d+, "
                + "first worker ready in \\d+ ms\n.*"),
        report);
    for (String name : Doctor.PACKAGES) {
      assertTrue(report.matches("(?s).*\n" + name + " +(not installed|\\d+\\.\\S+)\n.*"), report);
    }
  }

  @Test
  void doctorShowsThePool() {
    assertEquals(0, run("doctor"), out() + err());
    assertTrue(
        out()
            .matches(
                "(?s).*\npool                size 1, 1 idle, 0 busy, 0 starting; "
                    + "heartbeat every 5s \\(timeout 10s\\), cancel grace 2s\n.*"),
        out());
  }

  @Test
  void statsStartsThePoolAndPrintsItsState() {
    assertEquals(0, run("stats", "--size", "2"), out() + err());
    String report = out();
    assertTrue(report.contains("size                2\n"), report);
    assertTrue(report.contains("idle                2\n"), report);
    assertTrue(report.contains("starting            0\n"), report);
    assertTrue(report.contains("crashes             0\n"), report);
    assertTrue(report.matches("(?s).*all ready ms        \\d+\n.*"), report);
  }

  @Test
  void statsAsJson() {
    assertEquals(0, run("stats", "--json"), out() + err());
    assertTrue(out().startsWith("{\"pool\":\"default\",\"size\":1,\"busy\":0,\"idle\":1,"), out());
  }

  @Test
  void statsFailsWhenNoWorkerStarts() {
    assertEquals(
        1,
        Main.run(
            List.of("stats", "--python", "/nonexistent/python3"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(out().startsWith("pool                FAILED: "), out());
    assertTrue(out().contains("hint: choose the interpreter with --python <exe>"), out());
  }

  @Test
  void doctorFailsWithTheReasonWhenPythonCannotStart() {
    assertEquals(
        1,
        Main.run(
            List.of("doctor", "--python", "/nonexistent/python3"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(out().contains("worker handshake    FAILED: "), out());
    assertTrue(out().contains("/nonexistent/python3"), out());
    assertTrue(out().contains("hint: choose the interpreter with --python <exe>"), out());
    assertFalse(out().contains("SNAKEBRIDGE_PYTHON"), "the library's own hint is not repeated");
  }

  @Test
  void doctorNamesAnInterpreterOlderThan39() {
    List<Path> old = oldPythons();
    assumeFalse(old.isEmpty(), "no pyenv interpreter older than 3.9 installed");
    for (Path python : old) {
      out.reset();
      assertEquals(
          1,
          Main.run(
              List.of("doctor", "--python", python.toString()),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8)));
      String version = python.getParent().getParent().getFileName().toString();
      assertTrue(out().contains("worker handshake    FAILED: "), out());
      assertTrue(
          out()
              .contains(
                  "Python "
                      + version
                      + " at "
                      + python
                      + " is too old: SnakeBridge needs CPython 3.9 or newer"),
          out());
    }
  }

  /** pyenv's interpreters older than 3.9 ({@code $PYENV_ROOT}, else {@code pyenv root}). */
  private static List<Path> oldPythons() {
    String root = System.getenv("PYENV_ROOT");
    if (root == null || root.isBlank()) {
      try {
        Process process = new ProcessBuilder("pyenv", "root").redirectErrorStream(true).start();
        root = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
          return List.of();
        }
      } catch (IOException e) {
        return List.of();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
    Path versions = Path.of(root, "versions");
    if (!Files.isDirectory(versions)) {
      return List.of();
    }
    try (Stream<Path> all = Files.list(versions)) {
      return all.filter(dir -> dir.getFileName().toString().matches("(2\\.7|3\\.[678])\\.\\d+"))
          .map(dir -> dir.resolve("bin").resolve("python"))
          .filter(Files::isExecutable)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Test
  void aSeparateJvmExitsWithTheRightStatus() throws IOException, InterruptedException {
    assertEquals("4.0\n", runJvm(0, "call", "math", "sqrt", "16"));
    assertEquals("", runJvm(1, "call", "math", "sqrt", "-1"));
    assertEquals("", runJvm(2, "call", "math"));
  }

  private static String runJvm(int expectedStatus, String... argv)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(argv));
    command.add("--python=" + PYTHON);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().close();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
    assertEquals(expectedStatus, process.exitValue(), String.join(" ", argv) + " -> " + stdout);
    return stdout;
  }
}
