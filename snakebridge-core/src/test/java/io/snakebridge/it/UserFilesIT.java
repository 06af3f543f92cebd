package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Files of the user's named like standard library modules ({@code token.py}, {@code platform.py})
 * in the working directory or on the pythonPath neither stop workers from starting nor run inside
 * them, and the user's own modules there stay importable.
 */
@ExtendWith(NoLeakedWorkers.class)
class UserFilesIT {
  private static final Map<String, String> HOSTILE =
      Map.of(
          "token.py", "raise ImportError('the user token.py was imported')\n",
          "platform.py", "def python_version():\n    return 'hijacked'\n");

  @Test
  void standardLibraryNamesInTheWorkingDirectoryAndOnThePythonPath() throws IOException {
    Path workingDirectory = folder("user-files-cwd", "cwd_module.py", "WHERE = 'cwd'\n");
    Path userFolder = folder("user-files-path", "path_module.py", "WHERE = 'pythonPath'\n");
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("user-files")
            .workingDirectory(workingDirectory)
            .pythonPath(ItEnvironment.helpers(), userFolder)
            .poolSize(1)
            .build()) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            String version = ((String) python.getModuleAttr("sys", "version")).split(" ")[0];
            assertEquals(version, python.call("platform", "python_version"));
            assertEquals(version, python.pythonInfo().version());
            Object stdlib =
                python.call("os.path", "dirname", python.getModuleAttr("os", "__file__"));
            assertEquals(
                stdlib,
                python.call("os.path", "dirname", python.getModuleAttr("token", "__file__")));
            assertEquals("cwd", python.getModuleAttr("cwd_module", "WHERE"));
            assertEquals("pythonPath", python.getModuleAttr("path_module", "WHERE"));
            assertEquals(4.0, python.call("math", "sqrt", 16));
          });
    }
  }

  private static Path folder(String name, String module, String text) throws IOException {
    Path dir = Files.createDirectories(ItEnvironment.workDir().resolve(name));
    for (Map.Entry<String, String> file : HOSTILE.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    Files.writeString(dir.resolve(module), text);
    return dir;
  }
}
