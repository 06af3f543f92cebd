package io.snakebridge.internal.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.SnakeBridgeException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonLocatorTest {
  @TempDir Path temp;

  private Path executable(Path folder, String name) throws IOException {
    Files.createDirectories(folder);
    Path file = Files.writeString(folder.resolve(name), "#!/bin/sh\n");
    assertTrue(file.toFile().setExecutable(true));
    return file;
  }

  @Test
  void findsACommandInTheFirstPathFolderThatHasIt() throws IOException {
    Path second = executable(temp.resolve("b"), "python3");
    executable(temp.resolve("c"), "python3");
    String path =
        temp.resolve("a")
            + File.pathSeparator
            + temp.resolve("b")
            + File.pathSeparator
            + temp.resolve("c");
    assertEquals(second, PythonLocator.locate("python3", path));
  }

  @Test
  void aMissingCommandNamesThePathSearched() {
    String path = temp.resolve("a").toString();
    SnakeBridgeException e =
        assertThrows(SnakeBridgeException.class, () -> PythonLocator.locate("python9", path));
    assertTrue(
        e.getMessage().startsWith("Python command 'python9' was not found on PATH (" + path + ")"),
        e.getMessage());
  }

  @Test
  void aPathMustBeAnExistingExecutableFile() throws IOException {
    Path plain = Files.writeString(temp.resolve("plain"), "");
    assertTrue(
        assertThrows(
                SnakeBridgeException.class,
                () -> PythonLocator.locate(temp.resolve("nope").toString(), null))
            .getMessage()
            .contains("does not exist"));
    assertTrue(
        assertThrows(SnakeBridgeException.class, () -> PythonLocator.locate(plain.toString(), null))
            .getMessage()
            .contains("is not an executable file"));
    assertTrue(
        assertThrows(SnakeBridgeException.class, () -> PythonLocator.locate(temp.toString(), null))
            .getMessage()
            .contains("is not an executable file"));
    Path python = executable(temp, "python");
    assertEquals(python, PythonLocator.locate(python.toString(), null));
  }
}
