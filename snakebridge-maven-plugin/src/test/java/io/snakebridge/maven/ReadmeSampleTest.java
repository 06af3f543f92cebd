package io.snakebridge.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's "Typed wrappers" example is the sample project TypedWrappersIT builds with a real
 * mvn (so the README's code is compiled and run there): its Java block is the sample's {@code
 * Fit.java} and its XML block the sample's plugin declaration, character for character.
 */
class ReadmeSampleTest {
  private static final Path SAMPLE = Path.of("src", "test", "resources", "typed-wrappers");

  @Test
  void theReadmeShowsTheSampleProjectsCode() throws IOException {
    String section = section();
    String java =
        Files.readString(SAMPLE.resolve("src/main/java/demo/Fit.java"), StandardCharsets.UTF_8);
    assertTrue(
        section.contains("```java title=\"src/main/java/demo/Fit.java\"\n" + java + "```\n"),
        "the README's Typed wrappers section must show "
            + SAMPLE
            + "/src/main/java/demo/Fit.java"
            + " as it is:\n"
            + java);
    assertTrue(
        section.contains("```xml\n" + pluginDeclaration() + "\n```\n"),
        "the README's Typed wrappers section must show the plugin of " + SAMPLE + "/pom.xml");
  }

  private static String section() throws IOException {
    Path readme = Path.of("..", "README.md");
    assertTrue(
        Files.isRegularFile(readme), "run from the module folder: " + readme.toAbsolutePath());
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf("\n## Typed wrappers\n");
    assertTrue(start >= 0, "the README has a Typed wrappers section");
    int end = text.indexOf("\n## ", start + 1);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  /** The sample pom's {@code <plugin>} of snakebridge-maven-plugin, indented as at top level. */
  private static String pluginDeclaration() throws IOException {
    String pom = Files.readString(SAMPLE.resolve("pom.xml"), StandardCharsets.UTF_8);
    int start = pom.indexOf("      <plugin>\n        <groupId>io.snakebridge</groupId>");
    assertTrue(start >= 0, "the sample pom declares the plugin");
    int end = pom.indexOf("</plugin>", start) + "</plugin>".length();
    StringBuilder out = new StringBuilder();
    for (String line : pom.substring(start, end).split("\n", -1)) {
      out.append(out.length() == 0 ? "" : "\n").append(line.substring(Math.min(6, line.length())));
    }
    return out.toString();
  }
}
