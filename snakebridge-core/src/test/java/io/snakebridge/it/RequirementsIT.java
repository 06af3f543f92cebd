package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.internal.env.ManagedEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SnakeBridgeRuntime.builder().requirements(...)}: the lock is resolved with the machine's
 * pip configuration and kept in the cache, the venv is created once and reused, and a venv others
 * could have written to is refused. Uses tabulate (pure Python) so that each venv takes seconds.
 */
class RequirementsIT {
  private static final String TABLE = "x  1";

  @TempDir Path cache;
  @TempDir Path files;

  private String savedBase;

  @BeforeEach
  void baseInterpreterIsTheTestPython() {
    savedBase = System.setProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY, ItEnvironment.python());
  }

  @AfterEach
  void restoreTheBaseProperty() {
    if (savedBase == null) {
      System.clearProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY);
    } else {
      System.setProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY, savedBase);
    }
  }

  @Test
  void requirementsInCodeMakeALockInTheCacheAndAVenvThatLaterRuntimesReuse() throws Exception {
    Path prefix;
    try (SnakeBridgeRuntime python =
        SnakeBridgeRuntime.builder().cacheDirectory(cache).requirements("tabulate").build()) {
      assertTrue(table(python).contains(TABLE), table(python));
      prefix = Path.of((String) python.getModuleAttr("sys", "prefix")).toRealPath();
    }
    assertTrue(prefix.startsWith(cache.resolve("venvs").toRealPath()), prefix.toString());
    Path lock = only(cache.resolve("locks")).resolve("snakebridge.lock");
    String locked = Files.readString(lock, StandardCharsets.UTF_8);
    assertTrue(locked.contains("requirements = [\"tabulate\"]"), locked);
    assertTrue(locked.contains("name = \"tabulate\""), locked);
    FileTime lockTime = Files.getLastModifiedTime(lock);
    FileTime venvTime = Files.getLastModifiedTime(prefix.resolve("snakebridge-env.properties"));

    // A requirements file that resolves to the same pins: a lock of its own, the same venv.
    Path requirementsFile = files.resolve("requirements.txt");
    Files.writeString(requirementsFile, "tabulate\n");
    try (SnakeBridgeRuntime python =
        SnakeBridgeRuntime.builder()
            .cacheDirectory(cache)
            .requirementsFile(requirementsFile)
            .build()) {
      assertTrue(table(python).contains(TABLE));
      assertEquals(prefix, Path.of((String) python.getModuleAttr("sys", "prefix")).toRealPath());
    }
    assertEquals(2, count(cache.resolve("locks")));
    assertEquals(1, count(cache.resolve("venvs")));
    assertEquals(lockTime, Files.getLastModifiedTime(lock), "the first lock was rewritten");
    assertEquals(
        venvTime,
        Files.getLastModifiedTime(prefix.resolve("snakebridge-env.properties")),
        "the venv was rebuilt");
  }

  @Test
  void twoRuntimesBuiltAtOnceShareOneVenv() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Callable<Path> build =
          () -> {
            try (SnakeBridgeRuntime python =
                SnakeBridgeRuntime.builder()
                    .cacheDirectory(cache)
                    .requirements("tabulate")
                    .build()) {
              assertTrue(table(python).contains(TABLE));
              return Path.of((String) python.getModuleAttr("sys", "prefix")).toRealPath();
            }
          };
      Future<Path> a = threads.submit(build);
      Future<Path> b = threads.submit(build);
      assertEquals(a.get(10, TimeUnit.MINUTES), b.get(10, TimeUnit.MINUTES));
    } finally {
      threads.shutdownNow();
    }
    assertEquals(1, count(cache.resolve("venvs")));
    try (Stream<Path> entries = Files.list(cache.resolve("venvs"))) {
      assertEquals(
          List.of(), entries.filter(p -> p.getFileName().toString().contains(".tmp-")).toList());
    }
  }

  @Test
  void anExplicitInterpreterAndRequirementsAreRefusedTogether() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                SnakeBridgeRuntime.builder()
                    .cacheDirectory(cache)
                    .python(ItEnvironment.python())
                    .requirements("tabulate")
                    .build());
    assertTrue(e.getMessage().contains("python(...)"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SnakeBridgeRuntime.builder().requirements("--index-url=http://x"));
  }

  @Test
  void aVenvOthersMayWriteToIsRefusedWithTheReason() throws Exception {
    assumeTrue(cache.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path venv = makeVenv();
    Path module = find(venv, "tabulate");
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(module);
    mode.add(PosixFilePermission.GROUP_WRITE);
    Files.setPosixFilePermissions(module, mode);

    SnakeBridgeException e = assertThrows(SnakeBridgeException.class, this::buildFromAFile);
    assertTrue(e.getMessage().contains("is writable by group or others"), e.getMessage());
    assertTrue(e.getMessage().contains(module.getFileName().toString()), e.getMessage());
  }

  @Test
  void aVenvHoldingAnotherUsersFileIsRefusedWithTheReason() throws Exception {
    assumeTrue(cache.getFileSystem().supportedFileAttributeViews().contains("posix"));
    assumeTrue("root".equals(System.getProperty("user.name")), "only root can give files away");
    UserPrincipal nobody;
    try {
      nobody =
          cache.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    } catch (UserPrincipalNotFoundException e) {
      nobody = null;
    }
    assumeTrue(nobody != null, "no user 'nobody'");
    Path venv = makeVenv();
    Path module = find(venv, "tabulate");
    Files.setOwner(module, nobody);

    SnakeBridgeException e = assertThrows(SnakeBridgeException.class, this::buildFromAFile);
    assertTrue(e.getMessage().contains("belongs to nobody"), e.getMessage());
  }

  /** Makes the tabulate venv with requirements in code and returns it. */
  private Path makeVenv() throws IOException {
    try (SnakeBridgeRuntime python =
        SnakeBridgeRuntime.builder().cacheDirectory(cache).requirements("tabulate").build()) {
      return Path.of((String) python.getModuleAttr("sys", "prefix")).toRealPath();
    }
  }

  /** Builds with a requirements file (another lock, so this JVM has not checked it yet). */
  private void buildFromAFile() throws IOException {
    Path requirementsFile = files.resolve("requirements.txt");
    Files.writeString(requirementsFile, "tabulate\n");
    SnakeBridgeRuntime.builder()
        .cacheDirectory(cache)
        .requirementsFile(requirementsFile)
        .build()
        .close();
  }

  private static String table(SnakeBridgeRuntime python) {
    return (String) python.call("tabulate", "tabulate", List.of(List.of("x", 1)));
  }

  private static Path find(Path venv, String name) throws IOException {
    try (Stream<Path> all = Files.walk(venv)) {
      return all.filter(
              p ->
                  p.getFileName().toString().equals(name + ".py")
                      || p.getFileName().toString().equals(name))
          .filter(p -> !Files.isSymbolicLink(p))
          .filter(p -> p.toString().contains("site-packages"))
          .findFirst()
          .orElseThrow(() -> new AssertionError(name + " not in " + venv));
    }
  }

  private static Path only(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      List<Path> all =
          entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
      assertEquals(1, all.size(), all.toString());
      return all.get(0);
    }
  }

  private static long count(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).count();
    }
  }
}
