package io.snakebridge.codegen.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.codegen.GeneratedCompiler;
import io.snakebridge.codegen.GeneratedSource;
import io.snakebridge.codegen.Introspection;
import io.snakebridge.codegen.Preset;
import io.snakebridge.codegen.WrapperBuild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every curated preset generates and compiles with {@code -Xlint:all -Xdoclint:all/protected
 * -Werror}: {@code stdlib} with the test Python, {@code science} (numpy, pandas with its groupby
 * classes, the scikit-learn modules) in the science venv.
 */
class PresetGenerationIT {
  @TempDir Path dir;

  @Test
  void theStandardLibraryPresetCompilesWithoutWarnings() throws Exception {
    List<GeneratedSource> sources = generate(Introspection.python(), Preset.STDLIB);
    assertTrue(
        sources.stream()
            .anyMatch(s -> s.className().equals("com.example.py.datetime.DatetimeModule")),
        "datetime's module class takes the suffix Module beside class datetime");
    GeneratedCompiler.compile(sources, dir.resolve("build"));
  }

  @Test
  void theSciencePresetCompilesWithoutWarnings() throws Exception {
    String python = System.getProperty("snakebridge.test.sciencePython");
    assumeTrue(python != null, "snakebridge.test.sciencePython not set");
    assertTrue(Files.isExecutable(Path.of(python)), python + " does not exist");
    List<GeneratedSource> sources = generate(python, Preset.SCIENCE);
    assertTrue(
        sources.stream()
            .anyMatch(
                s -> s.className().equals("com.example.py.pandas.core.groupby.DataFrameGroupBy")));
    GeneratedCompiler.compile(sources, dir.resolve("build"));
  }

  private List<GeneratedSource> generate(String python, Preset preset) throws Exception {
    Path out = dir.resolve("generated");
    WrapperBuild.builder()
        .python(python)
        .modules(preset.modules())
        .basePackage("com.example.py")
        .outputDirectory(out)
        .reportDirectory(dir.resolve("reports"))
        .build()
        .run(line -> {});
    List<GeneratedSource> sources = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        String relative = out.relativize(file).toString().replace('\\', '/');
        String className =
            relative.substring(0, relative.length() - ".java".length()).replace('/', '.');
        sources.add(
            new GeneratedSource(
                className, relative, Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
    return sources;
  }
}
