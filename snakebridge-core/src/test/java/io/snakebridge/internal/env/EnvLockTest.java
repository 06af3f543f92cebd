package io.snakebridge.internal.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvLockTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private static EnvLock lock(List<EnvLock.LockedPackage> packages) {
    return new EnvLock(
        "snakebridge 1.0",
        EnvLock.inputsHash(List.of("six"), null, List.of()),
        List.of("six", "we\"ird\\name"),
        List.of("--pre"),
        new EnvLock.PythonPlatform(
            "3.11.7", "cpython", "linux", "x86_64", "cp311-cp311-manylinux_2_28_x86_64"),
        packages);
  }

  @Test
  void formatParsesBackToTheSameLock() {
    EnvLock lock =
        lock(
            List.of(
                new EnvLock.LockedPackage(
                    "Six", "1.17.0", "https://x/six-1.17.0-py3-none-any.whl", A),
                new EnvLock.LockedPackage(
                    "Python_Dateutil", "2.9.0", "file:///w/dateutil.whl#x", B)));
    EnvLock again = EnvLock.parse(lock.format());
    assertEquals(lock.format(), again.format());
    assertEquals(List.of("six", "we\"ird\\name"), again.requirements());
    assertEquals(List.of("--pre"), again.pipOptions());
    assertEquals("python-dateutil", again.packages().get(0).name(), "sorted and normalized");
    assertEquals("dateutil.whl", again.packages().get(0).filename());
    assertEquals("3.11.7", again.python().version());
  }

  @Test
  void formatIsOneValuePerLine() {
    String text =
        lock(List.of(new EnvLock.LockedPackage("six", "1.17.0", "u/six.whl", A))).format();
    assertTrue(
        text.contains(
            "\n[[package]]\nname = \"six\"\nversion = \"1.17.0\"\n"
                + "filename = \"six.whl\"\nurl = \"u/six.whl\"\nsha256 = \""
                + A
                + "\"\n"),
        text);
  }

  @Test
  void inputsHashChangesWithEveryInput() {
    String base = EnvLock.inputsHash(List.of("six"), null, List.of());
    assertEquals(base, EnvLock.inputsHash(List.of(" six "), null, List.of()));
    assertNotEquals(base, EnvLock.inputsHash(List.of("six==1.16"), null, List.of()));
    assertNotEquals(base, EnvLock.inputsHash(List.of("six"), "", List.of()));
    assertNotEquals(base, EnvLock.inputsHash(List.of("six"), null, List.of("--pre")));
    assertNotEquals(
        EnvLock.inputsHash(List.of(), "six\n", List.of()),
        EnvLock.inputsHash(List.of(), "six\ntabulate\n", List.of()));
  }

  @Test
  void pinsHashIgnoresInputsButNotPinsOrInterpreter() {
    EnvLock one = lock(List.of(new EnvLock.LockedPackage("six", "1.17.0", "u/six.whl", A)));
    EnvLock sameElsewhere =
        new EnvLock(
            "other",
            "sha256:0",
            List.of(),
            List.of(),
            one.python(),
            List.of(new EnvLock.LockedPackage("six", "1.17.0", "https://mirror/six.whl", A)));
    assertEquals(one.pinsHash(), sameElsewhere.pinsHash());
    EnvLock otherHash = lock(List.of(new EnvLock.LockedPackage("six", "1.17.0", "u/six.whl", B)));
    assertNotEquals(one.pinsHash(), otherHash.pinsHash());
    EnvLock otherPython =
        new EnvLock(
            "x",
            "sha256:0",
            List.of(),
            List.of(),
            new EnvLock.PythonPlatform("3.12.1", "cpython", "linux", "x86_64", "t"),
            one.packages());
    assertNotEquals(one.pinsHash(), otherPython.pinsHash());
  }

  @Test
  void pinnedRequirementsCarryHashes() {
    EnvLock lock = lock(List.of(new EnvLock.LockedPackage("six", "1.17.0", "u/six.whl", A)));
    assertEquals("six==1.17.0 --hash=sha256:" + A + "\n", lock.pinnedRequirements());
  }

  @Test
  void parseRejectsOtherFormatsAndBadLines() {
    String good = lock(List.of()).format();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EnvLock.parse(good.replace("format = 1", "format = 2")));
    assertTrue(e.getMessage().contains("mvn snakebridge:lock"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> EnvLock.parse(good + "\n[[package]]\nname = \"six\"\n"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            EnvLock.parse(
                good.replace("generator = \"", "generator = \"unterminated")
                    .replace("snakebridge 1.0\"", "snakebridge 1.0")));
    assertThrows(
        IllegalArgumentException.class, () -> new EnvLock.LockedPackage("six", "1", "u", "nothex"));
  }
}
