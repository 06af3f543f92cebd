package io.snakebridge.maven.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Typed wrappers" sample ({@code src/test/resources/typed-wrappers}), built by a real
 * {@code mvn}: the plugin declared with {@code generate} only makes the venv, generates pandas and
 * sklearn.linear_model, and the program, written against the generated classes only, fits a model
 * on a pandas frame. A second build regenerates nothing; strict settings fail the build listing the
 * offenders.
 */
class TypedWrappersIT {
  static final Path SAMPLE = Path.of("src", "test", "resources", "typed-wrappers");

  @TempDir Path work;

  @Test
  void theSampleFitsAModelThroughGeneratedClassesAndRebuildsWithoutRegenerating() throws Exception {
    Path dir = work.resolve("typed-wrappers");
    copyTree(SAMPLE, dir);
    SampleProject p = new SampleProject(dir, work.resolve("cache"));
    String version = "-Dsnakebridge.version=" + System.getProperty("snakebridge.version");

    SampleProject.Build first = p.run(version, "package", "exec:java").ok();
    assertTrue(first.says("R2 1.000 with 2 features"), first.output());
    assertTrue(first.says("Generated "), first.output());
    Path frame =
        dir.resolve("target/generated-sources/snakebridge/com/example/py/pandas/DataFrame.java");
    assertTrue(Files.isRegularFile(frame));
    assertTrue(Files.isRegularFile(dir.resolve("target/snakebridge/pandas.coverage.md")));
    assertTrue(
        Files.isRegularFile(dir.resolve("target/classes/META-INF/snakebridge/snakebridge.lock")),
        "generate, the only goal declared, embeds the lock as env does");
    FileTime stamp = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(frame, stamp);

    SampleProject.Build second = p.run(version, "package").ok();
    assertTrue(second.says("Wrappers are up to date"), second.output());
    assertFalse(second.says("Introspecting"), second.output());
    assertEquals(stamp, Files.getLastModifiedTime(frame));

    SampleProject.Build strict =
        p.run(version, "generate-sources", "-Dsnakebridge.maximumUntypedShare=0.01").failed();
    assertTrue(strict.says("strict generation refuses the Python module pandas"), strict.output());
    assertTrue(strict.says("pandas.DataFrame.to_csv("), strict.output());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(from)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Path target = to.resolve(from.relativize(file).toString());
      Files.createDirectories(target.getParent());
      Files.copy(file, target);
    }
  }
}
