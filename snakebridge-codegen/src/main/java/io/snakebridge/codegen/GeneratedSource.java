package io.snakebridge.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * One generated Java source file. Immutable and thread-safe.
 *
 * @param className the fully qualified name of its top-level class
 * @param relativePath its path below a source root, with {@code /} separators
 * @param content its text (UTF-8 when written)
 */
public record GeneratedSource(String className, String relativePath, String content) {
  /** Checks that no component is null. */
  public GeneratedSource {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(relativePath, "relativePath");
    Objects.requireNonNull(content, "content");
  }

  /**
   * Writes the file below {@code sourceRoot}, creating directories; a file that already holds the
   * same text is left untouched, so its timestamp does not change.
   *
   * @return the path of the file
   */
  public Path writeTo(Path sourceRoot) throws IOException {
    Path file = sourceRoot.resolve(relativePath);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
      return file;
    }
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return file;
  }
}
