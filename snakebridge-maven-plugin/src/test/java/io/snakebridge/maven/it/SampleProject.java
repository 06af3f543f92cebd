package io.snakebridge.maven.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Maven project that declares the plugin with {@code <goal>env</goal>} and a program
 * run by {@code exec:java}, built by a real {@code mvn} (the one running this build) against the
 * local repository the plugin was just installed into.
 */
final class SampleProject {
  private static final String VERSION = System.getProperty("snakebridge.version");

  final Path dir;
  final Path cache;

  SampleProject(Path dir, Path cache, List<String> requirements, String mainBody)
      throws IOException {
    this(dir, cache);
    Files.createDirectories(dir.resolve("src/main/java/demo"));
    writeRequirements(requirements);
    Files.writeString(
        dir.resolve("src/main/java/demo/Main.java"),
        String.join(
            "\n",
            "package demo;",
            "import io.snakebridge.PyRef;",
            "import io.snakebridge.SnakeBridge;",
            "import java.util.List;",
            "import java.util.Map;",
            "public final class Main {",
            "  public static void main(String[] args) {",
            "    " + mainBody,
            "  }",
            "}",
            ""));
  }

  /** A project whose files the caller writes into {@code dir}. */
  SampleProject(Path dir, Path cache) {
    this.dir = dir;
    this.cache = cache;
  }

  void writeRequirements(List<String> requirements) throws IOException {
    StringBuilder reqs = new StringBuilder();
    for (String r : requirements) {
      reqs.append("            <requirement>").append(r).append("</requirement>\n");
    }
    Files.writeString(
        dir.resolve("pom.xml"),
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>demo</groupId>
          <artifactId>sample</artifactId>
          <version>1</version>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
          <dependencies>
            <dependency>
              <groupId>io.snakebridge</groupId>
              <artifactId>snakebridge</artifactId>
              <version>@VERSION@</version>
            </dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.13.0</version>
              </plugin>
              <plugin>
                <groupId>org.codehaus.mojo</groupId>
                <artifactId>exec-maven-plugin</artifactId>
                <version>3.2.0</version>
                <configuration><mainClass>demo.Main</mainClass></configuration>
              </plugin>
              <plugin>
                <groupId>io.snakebridge</groupId>
                <artifactId>snakebridge-maven-plugin</artifactId>
                <version>@VERSION@</version>
                <configuration>
                  <requirements>
        @REQUIREMENTS@          </requirements>
                </configuration>
                <executions>
                  <execution>
                    <goals><goal>env</goal></goals>
                  </execution>
                </executions>
              </plugin>
            </plugins>
          </build>
        </project>
        """
            .replace("@VERSION@", VERSION)
            .replace("@REQUIREMENTS@", reqs.toString()),
        StandardCharsets.UTF_8);
  }

  Path lockFile() {
    return dir.resolve("snakebridge.lock");
  }

  /** The venv folders in the cache (no lock files, no temporary folders). */
  List<Path> venvs() throws IOException {
    Path root = cache.resolve("venvs");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (var entries = Files.list(root)) {
      return entries.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** A started build and the file its output goes to. */
  record Running(Process process, Path log) {
    Build finish() throws IOException, InterruptedException {
      if (!process.waitFor(20, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("mvn did not finish within 20 minutes; see " + log);
      }
      return new Build(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  /** Starts {@code mvn -B <args>} in the project, with no Python configured. */
  Running start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString());
    command.add("-B");
    String repo = System.getProperty("it.localRepository");
    if (repo != null && !repo.isBlank()) {
      command.add("-Dmaven.repo.local=" + repo);
    }
    command.add("-Dsnakebridge.cacheDir=" + cache);
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir.getParent(), "build-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().remove("SNAKEBRIDGE_PYTHON");
    builder.environment().remove("MAVEN_OPTS");
    return new Running(builder.start(), log);
  }

  /** Runs {@code mvn -B <args>} to its end. */
  Build run(String... args) throws IOException, InterruptedException {
    return start(args).finish();
  }

  /** A finished build: its exit code and everything it printed. */
  record Build(int exitCode, String output) {
    Build ok() {
      if (exitCode != 0) {
        throw new AssertionError("mvn failed (" + exitCode + "):\n" + output);
      }
      return this;
    }

    Build failed() {
      if (exitCode == 0) {
        throw new AssertionError("mvn succeeded but should have failed:\n" + output);
      }
      return this;
    }

    boolean says(String text) {
      return output.contains(text);
    }
  }
}
