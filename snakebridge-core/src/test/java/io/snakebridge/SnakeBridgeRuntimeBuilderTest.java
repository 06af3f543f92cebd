package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Builder validation; nothing here starts a Python process. */
class SnakeBridgeRuntimeBuilderTest {
  @TempDir Path folder;

  private static void rejects(Class<? extends Throwable> type, String message, Executable set) {
    assertEquals(message, assertThrows(type, set).getMessage());
  }

  @Test
  void rejectsBadValuesAtOnceNamingTheParameter() {
    SnakeBridgeRuntime.Builder builder = SnakeBridgeRuntime.builder();
    rejects(NullPointerException.class, "name", () -> builder.name(null));
    rejects(
        IllegalArgumentException.class,
        "name must be 1 to 64 letters, digits, '.', '_' or"
            + " '-', starting with a letter or digit: 'my runtime'",
        () -> builder.name("my runtime"));
    rejects(
        IllegalArgumentException.class,
        "python must be a path or a command name: ' '",
        () -> builder.python(" "));
    rejects(
        IllegalArgumentException.class,
        "poolSize must be at least 1: 0",
        () -> builder.poolSize(0));
    rejects(
        IllegalArgumentException.class,
        "defaultTimeout must be positive: PT0S",
        () -> builder.defaultTimeout(Duration.ZERO));
    rejects(
        IllegalArgumentException.class,
        "startupTimeout must be positive: PT-1S",
        () -> builder.startupTimeout(Duration.ofSeconds(-1)));
    rejects(NullPointerException.class, "defaultTimeout", () -> builder.defaultTimeout(null));
    rejects(
        IllegalArgumentException.class,
        "maxFrameBytes must be between 4096 and 2147483647: 100",
        () -> builder.maxFrameBytes(100));
    rejects(
        IllegalArgumentException.class,
        "maxNestingDepth must be at least 1: 0",
        () -> builder.maxNestingDepth(0));
    rejects(
        IllegalArgumentException.class,
        "sharedMemoryLimit must be between 1048576 and 2147483647: 4096",
        () -> builder.sharedMemoryLimit(4096));
    rejects(
        IllegalArgumentException.class,
        "sharedMemoryLimit must be between 1048576 and 2147483647: 2147483648",
        () -> builder.sharedMemoryLimit(1L << 31));
    rejects(
        IllegalArgumentException.class,
        "environment variable name must be non-empty," + " without '=' or NUL: 'A=B'",
        () -> builder.environmentVariable("A=B", "x"));
    rejects(
        NullPointerException.class,
        "value of environment variable A",
        () -> builder.environmentVariable("A", null));
    rejects(
        NullPointerException.class,
        "pythonPath[1]",
        () -> builder.pythonPath(Arrays.asList(folder, null)));
    rejects(
        IllegalArgumentException.class,
        "workingDirectory must be an existing folder: " + folder.resolve("missing"),
        () -> builder.workingDirectory(folder.resolve("missing")));
    rejects(NullPointerException.class, "cacheDirectory", () -> builder.cacheDirectory(null));
    rejects(
        IllegalArgumentException.class,
        "streamBatchSize must be at least 1: 0",
        () -> builder.streamBatchSize(0));
  }

  @Test
  void aBadEnvironmentMapIsRejectedWhole() {
    Map<String, String> env = new HashMap<>();
    env.put("GOOD", "1");
    env.put("", "2");
    assertThrows(
        IllegalArgumentException.class, () -> SnakeBridgeRuntime.builder().environment(env));
  }

  @Test
  void buildsLazilyWithoutStartingPython() throws Exception {
    Path cache = folder.resolve("cache");
    try (SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("lazy")
            .python("/definitely/not/a/python")
            .poolSize(3)
            .cacheDirectory(cache)
            .pythonPath(folder)
            .workingDirectory(folder)
            .environment(Map.of("A", "1"))
            .environmentVariable("B", "2")
            .defaultTimeout(Duration.ofSeconds(1))
            .startupTimeout(Duration.ofSeconds(1))
            .maxFrameBytes(1 << 20)
            .maxNestingDepth(10)
            .build()) {
      assertEquals("lazy", runtime.name());
      assertEquals("SnakeBridgeRuntime{lazy}", runtime.toString());
      assertTrue(Files.notExists(cache), "nothing is extracted before the first call");
    }
  }

  @Test
  void callsAfterCloseFail() {
    SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder().cacheDirectory(folder).name("closed").build();
    runtime.close();
    runtime.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> runtime.call("math", "sqrt", 16));
    assertEquals("runtime 'closed' is closed", e.getMessage());
    assertThrows(IllegalStateException.class, () -> runtime.callAsync("math", "sqrt", 16));
  }

  @Test
  void aNullVarargsArrayIsRejectedWithAHint() {
    try (SnakeBridgeRuntime runtime = SnakeBridgeRuntime.builder().cacheDirectory(folder).build()) {
      NullPointerException e =
          assertThrows(NullPointerException.class, () -> runtime.call("m", "f", (Object[]) null));
      assertTrue(e.getMessage().contains("(Object) null"), e.getMessage());
    }
  }

  @Test
  void defaultsArePublicConstants() {
    assertEquals(Duration.ofSeconds(120), SnakeBridgeRuntime.DEFAULT_TIMEOUT);
    assertEquals(Duration.ofSeconds(30), SnakeBridgeRuntime.DEFAULT_STARTUP_TIMEOUT);
    assertEquals(512L << 20, SnakeBridgeRuntime.DEFAULT_MAX_FRAME_BYTES);
    assertEquals(1000, SnakeBridgeRuntime.DEFAULT_MAX_NESTING_DEPTH);
    assertEquals("python3", SnakeBridgeRuntime.DEFAULT_PYTHON);
    assertEquals("default", SnakeBridgeRuntime.DEFAULT_NAME);
  }
}
