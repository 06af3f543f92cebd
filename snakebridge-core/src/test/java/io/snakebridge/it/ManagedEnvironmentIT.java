package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.SnakeBridge;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.ManagedEnvironment;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime with no Python set finds the managed venv of the lock the build plugin embedded in the
 * class path, creating it when allowed; an explicit Python wins. The lock here pins nothing, so the
 * venv is the bare interpreter.
 */
class ManagedEnvironmentIT {
  @TempDir Path classes;
  @TempDir Path cache;

  private String savedPythonProperty;

  @AfterEach
  void restoreThePythonProperty() {
    if (savedPythonProperty != null) {
      System.setProperty(SnakeBridge.PYTHON_PROPERTY, savedPythonProperty);
    }
  }

  @BeforeEach
  void embedALock() throws Exception {
    assumeTrue(System.getenv(SnakeBridge.PYTHON_ENV) == null, "SNAKEBRIDGE_PYTHON wins");
    // the facade's ITs set the property for the whole JVM; these tests need it unset
    savedPythonProperty = System.clearProperty(SnakeBridge.PYTHON_PROPERTY);
    BaseInterpreter base = BaseInterpreter.probe(ItEnvironment.python());
    EnvLock lock =
        new EnvLock(
            "test",
            "sha256:0",
            List.of(),
            List.of(),
            new EnvLock.PythonPlatform(
                base.version(), base.implementation(), base.platform(), base.machine(), "any"),
            List.of());
    Path folder = classes.resolve("META-INF/snakebridge");
    Files.createDirectories(folder);
    Files.writeString(classes.resolve(ManagedEnvironment.LOCK_RESOURCE), lock.format());
    Files.writeString(
        classes.resolve(ManagedEnvironment.PROPERTIES_RESOURCE),
        "python=" + ItEnvironment.python().replace("\\", "\\\\") + "\n");
  }

  @Test
  void createsTheVenvOnFirstStartAndUsesIt() throws Exception {
    String prefix =
        withClassPath(
            () -> {
              try (SnakeBridgeRuntime runtime =
                  SnakeBridgeRuntime.builder()
                      .cacheDirectory(cache)
                      .createEnvironment(true)
                      .build()) {
                return (String) runtime.getModuleAttr("sys", "prefix");
              }
            });
    Path venvs = cache.resolve("venvs").toRealPath();
    assertTrue(Path.of(prefix).toRealPath().startsWith(venvs), prefix);
    assertTrue(Files.isRegularFile(Path.of(prefix).resolve("snakebridge-env.properties")));
  }

  @Test
  void failsWithTheCommandWhenCreationIsSwitchedOff() throws Exception {
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
    assertTrue(e.getMessage().contains("Create it with: mvn snakebridge:env"), e.getMessage());
    if (Files.exists(cache.resolve("venvs"))) {
      try (java.util.stream.Stream<Path> venvs = Files.list(cache.resolve("venvs"))) {
        assertTrue(venvs.noneMatch(Files::isDirectory));
      }
    }
  }

  @Test
  void anExplicitPythonWins() throws Exception {
    String prefix =
        withClassPath(
            () -> {
              try (SnakeBridgeRuntime runtime =
                  SnakeBridgeRuntime.builder()
                      .cacheDirectory(cache)
                      .python(ItEnvironment.python())
                      .createEnvironment(false)
                      .build()) {
                return (String) runtime.getModuleAttr("sys", "prefix");
              }
            });
    assertEquals(false, Path.of(prefix).startsWith(cache), prefix);
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
