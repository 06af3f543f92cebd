package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.ValueAssertions.assertValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The value codec's golden vectors ({@code testdata/golden}, shared with the worker's Python
 * tests): decoding Python's files gives the expected values, and encoding the expected values gives
 * exactly the committed Java files.
 *
 * <p>Run with {@code -Dsnakebridge.golden.write=true} to (re)write {@code java/<name>.bin} instead
 * of comparing, after a deliberate change of the encoder.
 */
class GoldenVectorsTest {
  private static final Path DIR =
      Path.of(System.getProperty("snakebridge.golden.dir", "../testdata/golden"));
  private static final boolean WRITE = Boolean.getBoolean("snakebridge.golden.write");

  @TestFactory
  Stream<DynamicTest> goldenVectors() throws IOException {
    List<GoldenCase> cases = GoldenCase.load(DIR.resolve("cases.json"));
    assertFalse(cases.isEmpty(), "cases.json lists no cases");
    List<DynamicTest> tests = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (GoldenCase golden : cases) {
      if (golden.fromPython()) {
        if (Files.exists(pythonFile(golden))) {
          tests.add(
              DynamicTest.dynamicTest(
                  "py/" + golden.name + " decodes", () -> decodesPython(golden)));
        } else {
          missing.add(golden.name);
        }
      }
      if (golden.fromJava()) {
        tests.add(
            DynamicTest.dynamicTest("java/" + golden.name + " encodes", () -> encodesJava(golden)));
      }
    }
    if (!missing.isEmpty()) {
      System.out.println(
          "GoldenVectorsTest: no py/<name>.bin yet for "
              + missing
              + " (made by testdata/golden/generate.py); skipped");
    }
    if (WRITE) {
      tests.add(DynamicTest.dynamicTest("no stale java/*.bin", () -> removeStale(cases)));
    }
    return tests.stream();
  }

  private static void decodesPython(GoldenCase golden) throws IOException {
    byte[] body = Files.readAllBytes(pythonFile(golden));
    assertValue(GoldenNotation.result(golden.notation), Sections.decode(body), golden.name);
  }

  private static void encodesJava(GoldenCase golden) throws IOException {
    Object argument;
    try {
      argument = GoldenNotation.argument(golden.notation);
    } catch (GoldenNotation.NoJavaForm e) {
      Assumptions.abort(golden.name + ": " + e.getMessage());
      return;
    }
    byte[] body = Sections.bytes(Sections.WRITER.encode(argument, golden.name));
    assertValue(GoldenNotation.result(golden.notation), Sections.decode(body), golden.name);
    Path file = DIR.resolve("java").resolve(golden.name + ".bin");
    if (WRITE) {
      Files.createDirectories(file.getParent());
      Files.write(file, body);
      return;
    }
    assertTrue(
        Files.exists(file),
        file
            + " is missing: run GoldenVectorsTest with "
            + "-Dsnakebridge.golden.write=true and commit the file");
    assertEquals(
        Sections.hex(Files.readAllBytes(file)),
        Sections.hex(body),
        "the encoder's output differs from " + file);
  }

  private static void removeStale(List<GoldenCase> cases) throws IOException {
    Set<String> expected = new LinkedHashSet<>();
    for (GoldenCase golden : cases) {
      if (golden.fromJava()) {
        expected.add(golden.name + ".bin");
      }
    }
    try (Stream<Path> files = Files.list(DIR.resolve("java"))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (file.toString().endsWith(".bin") && !expected.contains(file.getFileName().toString())) {
          Files.delete(file);
        }
      }
    }
  }

  private static Path pythonFile(GoldenCase golden) {
    return DIR.resolve("py").resolve(golden.name + ".bin");
  }

  /** One entry of {@code cases.json}. */
  static final class GoldenCase {
    final String name;
    final String direction;
    final Object notation;

    GoldenCase(String name, String direction, Object notation) {
      this.name = name;
      this.direction = direction;
      this.notation = notation;
    }

    boolean fromPython() {
      return direction.equals("both") || direction.equals("py2java");
    }

    boolean fromJava() {
      return direction.equals("both") || direction.equals("java2py");
    }

    static List<GoldenCase> load(Path file) throws IOException {
      if (!Files.exists(file)) {
        fail(file.toAbsolutePath() + " does not exist (set snakebridge.golden.dir)");
      }
      Object parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      List<GoldenCase> cases = new ArrayList<>();
      Set<String> names = new LinkedHashSet<>();
      for (Object item : (List<?>) parsed) {
        Map<?, ?> entry = (Map<?, ?>) item;
        String name = (String) entry.get("name");
        String direction =
            entry.containsKey("direction") ? (String) entry.get("direction") : "both";
        if (!Set.of("both", "py2java", "java2py").contains(direction)) {
          fail("case " + name + " has an unknown direction '" + direction + "'");
        }
        assertTrue(names.add(name), "case name " + name + " is used twice");
        cases.add(new GoldenCase(name, direction, entry.get("value")));
      }
      return cases;
    }
  }
}
