package io.snakebridge.codegen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.codegen.Introspection;
import io.snakebridge.codegen.StrictModeException;
import io.snakebridge.codegen.StrictPolicy;
import io.snakebridge.codegen.WrapperBuild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrapper build of a standard-library module and a project's own module with a real Python: an
 * unchanged build regenerates nothing, a change regenerates, stale files go, the output is
 * byte-identical across runs, and strict mode fails naming the offenders.
 */
class WrapperBuildIT {
  @TempDir Path dir;

  private final List<String> log = new ArrayList<>();

  private WrapperBuild.Builder build(List<String> modules) {
    return WrapperBuild.builder()
        .python(Introspection.python())
        .modules(modules)
        .basePackage("com.example.py")
        .pythonSources(dir.resolve("python"))
        .outputDirectory(dir.resolve("generated"))
        .reportDirectory(dir.resolve("reports"));
  }

  private void writePricing(String body) throws IOException {
    Files.createDirectories(dir.resolve("python"));
    Files.writeString(dir.resolve("python/pricing.py"), body, StandardCharsets.UTF_8);
  }

  @Test
  void anUnchangedBuildRegeneratesNothingAndAChangeRegenerates() throws Exception {
    writePricing(
        "def net(gross: float, rate: float = 0.2) -> float:\n"
            + "    \"\"\"Gross minus tax.\"\"\"\n    return gross / (1 + rate)\n");
    WrapperBuild.Result first = build(List.of("pricing", "statistics")).build().run(log::add);
    assertFalse(first.upToDate());
    Path pricing = dir.resolve("generated/com/example/py/pricing/Pricing.java");
    Path mean = dir.resolve("generated/com/example/py/statistics/Statistics.java");
    assertTrue(
        Files.readString(pricing).contains("public double net(double gross)"),
        Files.readString(pricing));
    assertTrue(Files.isRegularFile(mean));
    assertTrue(Files.isRegularFile(dir.resolve("reports/statistics.coverage.json")));
    assertTrue(Files.isRegularFile(dir.resolve("reports/pricing.coverage.md")));
    Map<Path, String> firstOutput = snapshot();
    FileTime stamp = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(mean, stamp);

    WrapperBuild.Result second = build(List.of("pricing", "statistics")).build().run(log::add);
    assertTrue(second.upToDate(), log.toString());
    assertEquals(first.files(), second.files());
    assertEquals(stamp, Files.getLastModifiedTime(mean));

    writePricing(
        "def net(gross: float, rate: float = 0.2) -> float:\n"
            + "    \"\"\"Gross minus tax.\"\"\"\n    return gross / (1 + rate)\n\n"
            + "def gross(net: float) -> float:\n    \"\"\"Net plus tax.\"\"\"\n    return net * 1.2\n");
    WrapperBuild.Result third = build(List.of("pricing", "statistics")).build().run(log::add);
    assertFalse(third.upToDate());
    assertTrue(Files.readString(pricing).contains("public double gross(double net)"));
    assertEquals(stamp, Files.getLastModifiedTime(mean), "an unchanged file is not rewritten");
    assertEquals(firstOutput.get(mean), Files.readString(mean));
  }

  @Test
  void aModuleNoLongerListedLeavesNoFilesBehind() throws Exception {
    writePricing("def net(gross: float) -> float:\n    return gross\n");
    build(List.of("pricing", "statistics")).build().run(log::add);
    Path stray = dir.resolve("generated/com/example/py/old/Old.java");
    Files.createDirectories(stray.getParent());
    Files.writeString(stray, "class Old {}");

    WrapperBuild.Result result = build(List.of("pricing")).build().run(log::add);
    assertFalse(result.upToDate());
    assertEquals(
        List.of(dir.resolve("generated/com/example/py/pricing/Pricing.java")),
        new ArrayList<>(snapshot().keySet()));
    assertFalse(Files.exists(dir.resolve("generated/com/example/py/statistics")));
    assertFalse(Files.exists(stray.getParent()));
  }

  @Test
  void aFileSomeoneAddedToTheOutputIsRemovedByTheNextBuild() throws Exception {
    writePricing("def net(gross: float) -> float:\n    return gross\n");
    build(List.of("pricing")).build().run(log::add);
    Path stray = dir.resolve("generated/com/example/py/pricing/Stray.java");
    Files.writeString(stray, "class Stray {}");

    WrapperBuild.Result result = build(List.of("pricing")).build().run(log::add);
    assertFalse(result.upToDate());
    assertFalse(Files.exists(stray));
    assertTrue(build(List.of("pricing")).build().run(log::add).upToDate());
  }

  @Test
  void theOutputIsByteIdenticalAcrossRuns() throws Exception {
    writePricing(
        "class Quote:\n    \"\"\"A quote.\"\"\"\n"
            + "    def __init__(self, price: float, currency: str = 'EUR'):\n"
            + "        self.price = price\n");
    build(List.of("pricing", "statistics", "json")).build().run(log::add);
    Map<Path, String> first = snapshot();
    deleteTree(dir.resolve("generated"));
    deleteTree(dir.resolve("reports"));
    WrapperBuild.Result again =
        build(List.of("pricing", "statistics", "json")).build().run(log::add);
    assertFalse(again.upToDate());
    assertEquals(first, snapshot());
  }

  @Test
  void strictModeFailsListingTheOffendersAndWritesNoSources() throws Exception {
    writePricing("def net(gross, rate=0.2):\n    return gross / (1 + rate)\n");
    WrapperBuild strict =
        build(List.of("pricing")).policy(StrictPolicy.lenient().maximumUntypedShare(0.5)).build();
    StrictModeException e = assertThrows(StrictModeException.class, () -> strict.run(log::add));
    assertTrue(e.getMessage().contains("pricing.net(gross)"), e.getMessage());
    assertTrue(e.getMessage().contains("pricing.net(rate)"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("generated/com/example/py/pricing/Pricing.java")));
    assertTrue(Files.isRegularFile(dir.resolve("reports/pricing.coverage.json")));
    assertFalse(Files.exists(dir.resolve("reports/" + WrapperBuild.STATE_FILE)));
  }

  @Test
  void aModuleThatCannotBeImportedFailsTheBuildNamingIt() {
    WrapperBuild missing = build(List.of("no_such_module_here")).build();
    IOException e = assertThrows(IOException.class, () -> missing.run(log::add));
    assertTrue(e.getMessage().contains("no_such_module_here"), e.getMessage());
  }

  private Map<Path, String> snapshot() throws IOException {
    Map<Path, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir.resolve("generated"))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(p, Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
