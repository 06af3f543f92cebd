package io.snakebridge.arrow.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.SnakeBridgeRuntime;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Pythons the integration tests run against, from the system properties the build sets: {@code
 * snakebridge.test.arrowPython}, a venv with pyarrow, pandas and polars that the build makes.
 */
final class ArrowPython {
  private ArrowPython() {}

  /** A runtime on the venv with pyarrow, with the test tables module on its path. */
  static SnakeBridgeRuntime.Builder withPyarrow() {
    String python = System.getProperty("snakebridge.test.arrowPython", "");
    // Made by the build unless -Dexec.skip=true, which skips these tests as the core's are.
    assumeTrue(
        Files.isExecutable(Path.of(python)),
        "no Python with pyarrow at '"
            + python
            + "': run the build without -Dexec.skip=true once, which makes target/venv-arrow");
    return SnakeBridgeRuntime.builder().python(python).pythonPath(testModules());
  }

  private static Path testModules() {
    try {
      return Path.of(ArrowPython.class.getResource("/it-python").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
