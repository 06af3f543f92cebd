package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snakebridge generate} with a real Python ({@code -Dsnakebridge.test.python}, default
 * {@code python3}): a standard-library module and a project's own, incrementally; strict mode exits
 * with 1 listing the offenders.
 */
class GenerateIT {
  private static final String PYTHON = System.getProperty("snakebridge.test.python", "python3");

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int generate(String... argv) {
    out.reset();
    err.reset();
    List<String> args = new ArrayList<>(List.of("generate"));
    args.addAll(List.of(argv));
    args.addAll(
        List.of(
            "--python",
            PYTHON,
            "--base-package",
            "com.example.py",
            "--python-sources",
            dir.resolve("python").toString(),
            "--output",
            dir.resolve("out").toString(),
            "--reports=" + dir.resolve("reports")));
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void generatesTheStandardLibraryAndTheProjectsModulesOnceUntilTheyChange() throws Exception {
    Files.createDirectories(dir.resolve("python"));
    Files.writeString(
        dir.resolve("python/pricing.py"),
        "def net(gross: float, rate: float = 0.2) -> float:\n    return gross / (1 + rate)\n");
    assertEquals(0, generate("statistics", "pricing"), err.toString(StandardCharsets.UTF_8));
    String pricing = Files.readString(dir.resolve("out/com/example/py/pricing/Pricing.java"));
    assertTrue(pricing.contains("public double net(double gross)"), pricing);
    assertTrue(Files.isRegularFile(dir.resolve("out/com/example/py/statistics/Statistics.java")));
    assertTrue(Files.isRegularFile(dir.resolve("reports/statistics.coverage.md")));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("Generated "));

    assertEquals(0, generate("statistics", "pricing"));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("up to date"),
        out.toString(StandardCharsets.UTF_8));

    assertEquals(0, generate("pricing"));
    assertFalse(
        Files.exists(dir.resolve("out/com/example/py/statistics")),
        "a module no longer named leaves no files");
  }

  @Test
  void aPresetNamesItsModules() throws Exception {
    assertEquals(0, generate("--preset", "stdlib"), err.toString(StandardCharsets.UTF_8));
    for (String file :
        List.of(
            "math/Math.java",
            "statistics/Statistics.java",
            "json/Json.java",
            "re/Re.java",
            "datetime/DatetimeModule.java",
            "pathlib/Pathlib.java")) {
      assertTrue(Files.isRegularFile(dir.resolve("out/com/example/py/" + file)), file);
    }
  }

  @Test
  void strictModeExitsWithOneListingTheOffenders() throws Exception {
    Files.createDirectories(dir.resolve("python"));
    Files.writeString(dir.resolve("python/untyped.py"), "def scale(x, factor=2):\n    return x\n");
    assertEquals(1, generate("untyped", "--maximum-untyped-share", "0.1"));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("untyped.scale(x)"), message);
    assertTrue(message.contains("untyped.scale(factor)"), message);
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, generate());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("name at least one Python module"));
    assertEquals(2, generate("json", "--minimum-signature-source", "guess"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("signature, docstring"));
    assertEquals(2, generate("json", "--maximum-untyped-share", "2"));
    assertEquals(2, generate("not-a-module!"));
    assertEquals(2, generate("--preset", "scipy"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("presets: numpy, pandas"));
  }
}
