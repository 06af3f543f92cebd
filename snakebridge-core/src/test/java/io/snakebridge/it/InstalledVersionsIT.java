package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.SnakeBridge;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.ManagedEnvironment;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime that finds the build's embedded lock checks the venv's installed versions against it
 * before any worker starts: a venv changed after the build is a clear error at start naming the
 * distribution and both versions (or is rebuilt, when creating is allowed), never a surprise at the
 * first call.
 */
class InstalledVersionsIT {
  @TempDir Path classes;
  @TempDir Path cache;

  private String savedPython;
  private String savedBase;
  private Path venv;
  private EnvLock lock;

  @BeforeEach
  void makeTheVenvAndEmbedItsLock() throws Exception {
    assumeTrue(System.getenv(SnakeBridge.PYTHON_ENV) == null, "SNAKEBRIDGE_PYTHON wins");
    savedPython = System.clearProperty(SnakeBridge.PYTHON_PROPERTY);
    savedBase = System.setProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY, ItEnvironment.python());
    try (SnakeBridgeRuntime python =
        SnakeBridgeRuntime.builder().cacheDirectory(cache).requirements("tabulate").build()) {
      venv = Path.of((String) python.getModuleAttr("sys", "prefix")).toRealPath();
    }
    Path lockFile;
    try (Stream<Path> locks = Files.walk(cache.resolve("locks"))) {
      lockFile =
          locks
              .filter(p -> p.getFileName().toString().equals(EnvLock.FILE_NAME))
              .findFirst()
              .orElseThrow();
    }
    String text = Files.readString(lockFile, StandardCharsets.UTF_8);
    lock = EnvLock.parse(text);
    Files.createDirectories(classes.resolve("META-INF/snakebridge"));
    Files.writeString(classes.resolve(ManagedEnvironment.LOCK_RESOURCE), text);
  }

  @AfterEach
  void restoreProperties() {
    if (savedPython != null) {
      System.setProperty(SnakeBridge.PYTHON_PROPERTY, savedPython);
    }
    if (savedBase == null) {
      System.clearProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY);
    } else {
      System.setProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY, savedBase);
    }
  }

  @Test
  void aVersionChangedAfterTheBuildFailsTheStartWithBothVersions() throws Exception {
    String locked = lock.packages().get(0).version();
    changeInstalledVersion("0.0.1");

    SnakeBridgeException e =
        assertThrows(
            SnakeBridgeException.class,
            () ->
                withClassPath(
                    () ->
                        SnakeBridgeRuntime.builder()
                            .cacheDirectory(cache)
                            .createEnvironment(false)
                            .build()));
    assertTrue(
        e.getMessage().contains("tabulate: locked " + locked + ", installed 0.0.1"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Create it with"), e.getMessage());
  }

  @Test
  void aVersionChangedAfterTheBuildIsRebuiltWhenCreatingIsAllowed() throws Exception {
    String locked = lock.packages().get(0).version();
    changeInstalledVersion("0.0.1");

    String version =
        withClassPath(
            () -> {
              try (SnakeBridgeRuntime python =
                  SnakeBridgeRuntime.builder()
                      .cacheDirectory(cache)
                      .createEnvironment(true)
                      .build()) {
                assertEquals(
                    venv, Path.of((String) python.getModuleAttr("sys", "prefix")).toRealPath());
                return (String) python.call("importlib.metadata", "version", "tabulate");
              }
            });
    assertEquals(locked, version);
  }

  /** Rewrites the Version line of tabulate's installed metadata, as another install would. */
  private void changeInstalledVersion(String version) throws Exception {
    Path metadata;
    try (Stream<Path> all = Files.walk(venv)) {
      metadata =
          all.filter(
                  p ->
                      p.getFileName().toString().equals("METADATA")
                          && p.getParent().getFileName().toString().startsWith("tabulate-"))
              .findFirst()
              .orElseThrow();
    }
    List<String> lines = Files.readAllLines(metadata, StandardCharsets.UTF_8);
    lines.replaceAll(line -> line.startsWith("Version: ") ? "Version: " + version : line);
    Files.write(metadata, lines, StandardCharsets.UTF_8);
  }

  private <T> T withClassPath(Callable<T> body) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, previous)) {
      thread.setContextClassLoader(loader);
      return body.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
