package io.snakebridge.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without the java.nio opening Arrow needs, ArrowFrames says which flag to add. */
class JvmFlagTest {
  @Test
  void aJvmWithoutTheFlagIsToldWhichFlagToAdd() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WithoutFlagMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(true, process.waitFor(60, TimeUnit.SECONDS), out);
    String expected =
        "java.lang.IllegalStateException: Arrow cannot reach its memory: start the"
            + " JVM with --add-opens=java.base/java.nio=ALL-UNNAMED (Arrow needs it on JDK 17 and"
            + " later)";
    assertEquals(List.of(expected, expected), out.lines().toList());
  }
}
