package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code ```java} block of the README against the library, so that a snippet a user
 * copies compiles. A block that declares a class compiles as it is; any other block is the body of
 * a method, below the imports it shows itself (nothing is imported for it).
 */
class ReadmeSnippetsTest {
  private static final Pattern BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

  @Test
  void everyJavaSnippetCompiles(@TempDir Path dir) throws IOException {
    Path readme = Path.of("..", "README.md");
    assertTrue(
        Files.isRegularFile(readme), "run from the module folder: " + readme.toAbsolutePath());
    Matcher blocks = BLOCK.matcher(Files.readString(readme, StandardCharsets.UTF_8));
    List<String> files = new ArrayList<>();
    int n = 0;
    while (blocks.find()) {
      n++;
      files.add(write(dir, n, blocks.group(1)).toString());
    }
    assertFalse(files.isEmpty(), "the README has Java snippets");
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                dir.resolve("classes").toString(),
                "-cp",
                classpath(),
                "-proc:none",
                "-Xlint:none",
                "-nowarn"));
    args.addAll(files);
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status = compiler.run(null, errors, errors, args.toArray(new String[0]));
    assertTrue(
        status == 0, "README snippets do not compile:\n" + errors.toString(StandardCharsets.UTF_8));
  }

  /** Writes block {@code n} as a compilation unit and returns its file. */
  private static Path write(Path dir, int n, String block) throws IOException {
    Matcher named = CLASS.matcher(block);
    if (named.find()) {
      return Files.writeString(dir.resolve(named.group(1) + ".java"), block);
    }
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : block.split("\n", -1)) {
      (line.stripLeading().startsWith("import ") ? imports : body).append(line).append('\n');
    }
    String source =
        imports
            + "\n@SuppressWarnings({\"unused\", \"deprecation\"})\n"
            + "class Snippet"
            + n
            + " {\n  static void snippet() throws Exception {\n"
            + body
            + "  }\n}\n";
    return Files.writeString(dir.resolve("Snippet" + n + ".java"), source);
  }

  private static String classpath() {
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    return modulePath.isEmpty() ? classPath : classPath + File.pathSeparator + modulePath;
  }
}
