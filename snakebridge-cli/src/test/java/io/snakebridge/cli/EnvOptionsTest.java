package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.internal.env.EnvLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing {@code snakebridge env ...}; nothing here starts Python. */
class EnvOptionsTest {
  @TempDir Path dir;

  @Test
  void wordsAreRequirementsAndOptionsTakeValuesEitherWay() throws Exception {
    EnvOptions o =
        EnvOptions.parse(
            List.of(
                "lock",
                "pandas>=2",
                "--lock",
                "x.lock",
                "numpy",
                "--pip-option=--only-binary=:all:",
                "--cache=" + dir,
                "--python",
                "python3.12"));
    assertEquals(EnvOptions.Action.LOCK, o.action());
    assertEquals(List.of("pandas>=2", "numpy"), o.requirements());
    assertEquals(List.of("--only-binary=:all:"), o.pipOptions());
    assertEquals(Path.of("x.lock"), o.lockFile());
    assertEquals(dir.toAbsolutePath(), o.cache());
    assertEquals("python3.12", o.basePython());
    assertEquals(
        "snakebridge env lock pandas>=2 numpy --pip-option=--only-binary=:all:" + " --lock x.lock",
        o.relockCommand());
  }

  @Test
  void theInputsHashIsThePlugins() throws Exception {
    Path file = Files.writeString(dir.resolve("requirements.txt"), "tabulate\n");
    EnvOptions o = EnvOptions.parse(List.of("create", "six", "-r", file.toString()));
    assertEquals(EnvLock.inputsHash(List.of("six"), "tabulate\n", List.of()), o.inputsHash());
    assertNotEquals(EnvOptions.parse(List.of("create", "six")).inputsHash(), o.inputsHash());
    assertEquals(Path.of(EnvLock.FILE_NAME), o.lockFile());
  }

  @Test
  void usageErrors() {
    assertTrue(
        assertThrows(UsageException.class, () -> EnvOptions.parse(List.of()))
            .getMessage()
            .contains("lock, create, verify or show"));
    assertTrue(
        assertThrows(UsageException.class, () -> EnvOptions.parse(List.of("show", "--json")))
            .getMessage()
            .contains("unknown option '--json'"));
    assertTrue(
        assertThrows(UsageException.class, () -> EnvOptions.parse(List.of("lock", "--lock")))
            .getMessage()
            .contains("needs a value"));
    assertTrue(
        assertThrows(
                UsageException.class,
                () -> EnvOptions.parse(List.of("lock", "-r", dir.resolve("none.txt").toString())))
            .getMessage()
            .contains("does not exist"));
  }
}
