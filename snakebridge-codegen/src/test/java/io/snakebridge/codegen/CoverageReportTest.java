package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The coverage reports of the checked-in manifests equal the golden files under {@code
 * src/test/resources/golden-coverage} (rewritten with {@code
 * -Dsnakebridge.codegen.updateGolden=true}).
 */
class CoverageReportTest {
  private static final Path RESOURCES = Path.of("src", "test", "resources");

  @ParameterizedTest
  @ValueSource(strings = {"statistics", "sbsample"})
  void reportMatchesGoldenFiles(String module, @TempDir Path tmp) throws IOException {
    Path manifest = RESOURCES.resolve("manifests").resolve(module + ".json");
    CoverageReport report =
        new WrapperGenerator("com.example.py").generateModule(manifest).coverage();
    Path golden = RESOURCES.resolve("golden-coverage");
    if (Boolean.getBoolean("snakebridge.codegen.updateGolden")) {
      report.writeTo(golden);
    }
    List<Path> written = report.writeTo(tmp);
    assertEquals(
        List.of(tmp.resolve(module + ".coverage.json"), tmp.resolve(module + ".coverage.md")),
        written);
    for (Path file : written) {
      assertEquals(
          Files.readString(golden.resolve(file.getFileName()), StandardCharsets.UTF_8),
          Files.readString(file, StandardCharsets.UTF_8),
          file.getFileName() + " differs");
    }
    // Deterministic: a second generation gives the same report.
    assertEquals(
        report, new WrapperGenerator("com.example.py").generateModule(manifest).coverage());
  }

  @Test
  void countsAgreeWithTheManifestSummary() throws IOException {
    CoverageReport report =
        new WrapperGenerator("com.example.py")
            .generateModule(RESOURCES.resolve("manifests").resolve("sbsample.json"))
            .coverage();
    // sbsample: 4 functions, 1 constructor, 1 method in the manifest summary, 4 of them exact
    assertEquals(6, report.callables().size());
    assertEquals(4, report.exactCallables());
    assertTrue(report.typedParameters() <= report.parameters());
    assertEquals(
        report.parameters(),
        report.parametersBySource().values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void namesClashesAsSkippedWithAReason() {
    String manifest =
        "{\"module\": \"m\", \"functions\": ["
            + "{\"name\": \"do_it\", \"signatureSource\": \"signature\", \"exact\": true,"
            + " \"parameters\": []},"
            + "{\"name\": \"doIt\", \"signatureSource\": \"signature\", \"exact\": true,"
            + " \"parameters\": []}],"
            + " \"skipped\": [{\"name\": \"broken\", \"reason\": \"getattr failed: OSError\"}]}";
    CoverageReport report = new WrapperGenerator("p").generateModule(manifest).coverage();
    assertEquals(
        List.of(
            new CoverageReport.Skipped("broken", "getattr failed: OSError"),
            new CoverageReport.Skipped("do_it", "function: Java name doIt already taken")),
        report.skipped());
    assertEquals(1, report.callables().size());
  }
}
