package io.snakebridge.maven.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code samples/pandas-quickstart}, copied as a fresh clone would have it (no
 * lock, no venv, no Python configured), runs its pandas and scikit-learn program with {@code mvn -q
 * package exec:java} and nothing else; a second run creates nothing.
 */
class QuickstartSampleIT {
  private static final Path SAMPLE = Path.of("..", "samples", "pandas-quickstart");

  @TempDir Path work;

  @Test
  void aFreshCopyRunsWithPackageExecJava() throws Exception {
    String pom = Files.readString(SAMPLE.resolve("pom.xml"), StandardCharsets.UTF_8);
    assertTrue(
        pom.contains(
            "<snakebridge.version>"
                + System.getProperty("snakebridge.version")
                + "</snakebridge.version>"),
        "the sample's snakebridge.version is not the project's");
    Path project = work.resolve("pandas-quickstart");
    copy(SAMPLE, project);
    Path cache = work.resolve("cache");

    String first = mvn(project, cache);
    assertTrue(first.contains("units by city: {"), first);
    assertTrue(first.contains("Oslo=10"), first);
    assertTrue(first.contains("price change per extra unit: "), first);
    assertTrue(first.matches("(?s).*\npandas \\d+\\.\\d+.*"), first);
    assertTrue(Files.isRegularFile(project.resolve("snakebridge.lock")));
    String lock = Files.readString(project.resolve("snakebridge.lock"), StandardCharsets.UTF_8);
    for (String name : List.of("numpy", "pandas", "scikit-learn")) {
      assertTrue(lock.contains("name = \"" + name + "\""), lock);
    }
    List<Path> venvs = folders(cache.resolve("venvs"));
    assertEquals(1, venvs.size(), venvs.toString());
    long made =
        Files.getLastModifiedTime(venvs.get(0).resolve("snakebridge-env.properties")).toMillis();

    String again = mvn(project, cache);
    assertTrue(again.contains("price change per extra unit: "), again);
    assertEquals(venvs, folders(cache.resolve("venvs")));
    assertEquals(
        made,
        Files.getLastModifiedTime(venvs.get(0).resolve("snakebridge-env.properties")).toMillis());
  }

  /** {@code mvn -q package exec:java} in {@code project}, isolated only by its cache folder. */
  private static String mvn(Path project, Path cache) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(), "-B"));
    String repo = System.getProperty("it.localRepository");
    if (repo != null && !repo.isBlank()) {
      command.add("-Dmaven.repo.local=" + repo);
    }
    command.add("-Dsnakebridge.cacheDir=" + cache);
    command.addAll(List.of("-q", "package", "exec:java"));
    Path log = Files.createTempFile(project.getParent(), "build-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().remove("SNAKEBRIDGE_PYTHON");
    builder.environment().remove("MAVEN_OPTS");
    Process process = builder.start();
    if (!process.waitFor(20, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("mvn did not finish within 20 minutes; see " + log);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path source : all.toList()) {
        Path rel = from.relativize(source);
        if (rel.startsWith("target") || rel.toString().equals("snakebridge.lock")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static List<Path> folders(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(Files::isDirectory).sorted().toList();
    }
  }
}
