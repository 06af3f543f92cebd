package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java generated from checked-in manifests of {@code statistics} and {@code math} (and of the
 * test module {@code sbsample}) equals the golden files under {@code src/test/resources/golden},
 * and compiles with {@code -Xlint:all -Xdoclint:all/protected -Werror}. Run with {@code
 * -Dsnakebridge.codegen.updateGolden=true} to rewrite the golden files after a deliberate change.
 */
class GoldenFilesTest {
  private static final Path RESOURCES = Path.of("src", "test", "resources");

  @ParameterizedTest
  @ValueSource(strings = {"statistics", "math", "sbsample", "sboptions"})
  void generatedSourcesMatchGoldenFilesAndCompile(String module, @TempDir Path tmp)
      throws IOException {
    Path manifest = RESOURCES.resolve("manifests").resolve(module + ".json");
    List<GeneratedSource> sources = new WrapperGenerator("com.example.py").generate(manifest);
    Path golden = RESOURCES.resolve("golden").resolve(module);
    if (Boolean.getBoolean("snakebridge.codegen.updateGolden")) {
      if (Files.isDirectory(golden)) {
        try (Stream<Path> old = Files.walk(golden)) {
          for (Path p : old.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
            Files.delete(p);
          }
        }
      }
      for (GeneratedSource s : sources) {
        s.writeTo(golden);
      }
    }
    try (Stream<Path> files = Files.walk(golden)) {
      List<String> expected =
          files
              .filter(Files::isRegularFile)
              .map(p -> golden.relativize(p).toString().replace('\\', '/'))
              .sorted()
              .collect(Collectors.toList());
      assertEquals(
          expected,
          sources.stream()
              .map(GeneratedSource::relativePath)
              .sorted()
              .collect(Collectors.toList()));
    }
    for (GeneratedSource s : sources) {
      assertEquals(
          Files.readString(golden.resolve(s.relativePath()), StandardCharsets.UTF_8),
          s.content(),
          s.relativePath() + " differs from its golden file");
    }
    // The same manifest always gives the same text.
    assertEquals(sources, new WrapperGenerator("com.example.py").generate(manifest));
    Path classes = GeneratedCompiler.compile(sources, tmp);
    assertTrue(Files.isDirectory(classes));
  }
}
