package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool's options: defaults, copies, and bad values rejected at once with a clear message. */
class PoolOptionsTest {
  private static void rejects(String message, Runnable set) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, set::run).getMessage());
  }

  @Test
  void defaults() {
    PoolOptions options = PoolOptions.defaults();
    assertEquals("python3", options.python());
    assertEquals(Runtime.getRuntime().availableProcessors(), options.size());
    assertEquals(Duration.ofSeconds(120), options.defaultTimeout());
    assertEquals(Duration.ofSeconds(30), options.startupTimeout());
    assertEquals(1_000, options.maxWaiters());
    assertEquals(Optional.empty(), options.acquireTimeout());
    assertEquals(Duration.ofSeconds(2), options.cancelGrace());
    assertEquals(1, options.crashRetries());
    assertEquals(Duration.ofSeconds(5), options.heartbeatInterval());
    assertEquals(Duration.ofSeconds(10), options.heartbeatTimeout());
    assertEquals(OptionalLong.empty(), options.maxCallsPerWorker());
    assertEquals(Optional.empty(), options.maxWorkerLifetime());
    assertEquals(OptionalLong.empty(), options.maxWorkerMemory());
    assertEquals(OptionalLong.empty(), options.workerMemoryLimit());
    assertEquals(Duration.ofSeconds(60), options.recycleTimeout());
    assertEquals(1, options.threadsPerWorker());
  }

  @Test
  void workerMemoryLimitIsKeptCopiedAndCompared() {
    PoolOptions capped = PoolOptions.builder().workerMemoryLimit(1L << 30).build();
    assertEquals(OptionalLong.of(1L << 30), capped.workerMemoryLimit());
    assertEquals(capped, capped.toBuilder().build());
    assertEquals(capped.hashCode(), capped.toBuilder().build().hashCode());
    assertNotEquals(capped, PoolOptions.builder().build());
    assertTrue(capped.toString().contains("workerMemoryLimit=1073741824"), capped.toString());
  }

  @Test
  void toBuilderCopiesAndLeavesTheOriginalAlone() {
    PoolOptions first =
        PoolOptions.builder()
            .size(3)
            .environmentVariable("A", "1")
            .maxCallsPerWorker(10)
            .crashRetries(3)
            .build();
    PoolOptions second = first.toBuilder().size(4).environmentVariable("B", "2").build();
    assertEquals(3, first.size());
    assertEquals(Map.of("A", "1"), first.environment());
    assertEquals(4, second.size());
    assertEquals(Map.of("A", "1", "B", "2"), second.environment());
    assertEquals(OptionalLong.of(10), second.maxCallsPerWorker());
    assertEquals(3, second.crashRetries());
    assertEquals(first, first.toBuilder().build());
    assertNotEquals(first, second);
    assertThrows(UnsupportedOperationException.class, () -> first.environment().put("C", "3"));
  }

  @Test
  void badValuesAreRejectedAtOnce() {
    PoolOptions.Builder builder = PoolOptions.builder();
    rejects("size must be at least 1: 0", () -> builder.size(0));
    rejects("python must be a path or a command name: ' '", () -> builder.python(" "));
    rejects("maxWaiters must not be negative: -1", () -> builder.maxWaiters(-1));
    rejects("acquireTimeout must be positive: PT0S", () -> builder.acquireTimeout(Duration.ZERO));
    rejects(
        "cancelGrace must not be negative: PT-1S",
        () -> builder.cancelGrace(Duration.ofSeconds(-1)));
    rejects("crashRetries must be between 0 and 10: -1", () -> builder.crashRetries(-1));
    rejects("crashRetries must be between 0 and 10: 11", () -> builder.crashRetries(11));
    rejects(
        "heartbeatInterval must be positive: PT0S", () -> builder.heartbeatInterval(Duration.ZERO));
    rejects(
        "heartbeatTimeout must be positive: PT0S", () -> builder.heartbeatTimeout(Duration.ZERO));
    rejects("maxCallsPerWorker must be at least 1: 0", () -> builder.maxCallsPerWorker(0));
    rejects(
        "maxWorkerLifetime must be positive: PT0S", () -> builder.maxWorkerLifetime(Duration.ZERO));
    rejects(
        "maxWorkerMemory must be at least 16777216 bytes: 1000",
        () -> builder.maxWorkerMemory(1000));
    rejects(
        "workerMemoryLimit must be at least 16777216 bytes: 1000",
        () -> builder.workerMemoryLimit(1000));
    rejects("threadsPerWorker must be between 1 and 256: 0", () -> builder.threadsPerWorker(0));
    rejects(
        "environment variable name must be non-empty, without '=' or NUL: 'A=B'",
        () -> builder.environmentVariable("A=B", "x"));
    assertThrows(NullPointerException.class, () -> builder.defaultTimeout(null));
    assertEquals(
        0,
        builder.cancelGrace(Duration.ZERO).build().cancelGrace().toNanos(),
        "no grace: a cancelled call's worker is killed at once");
  }

  @Test
  void aVenvMeansItsInterpreter(@TempDir Path dir) throws IOException {
    rejects(
        "venv must be a virtual environment folder holding "
            + dir.resolve("bin").resolve("python")
            + ": "
            + dir,
        () -> PoolOptions.builder().venv(dir));
    Path python = Files.createDirectories(dir.resolve("bin")).resolve("python");
    Files.writeString(python, "#!/bin/sh\n");
    assertTrue(python.toFile().setExecutable(true));
    assertEquals(python.toString(), PoolOptions.builder().venv(dir).build().python());
  }

  @Test
  void aRuntimeRejectsBadPoolNames() {
    SnakeBridgeRuntime.Builder builder = SnakeBridgeRuntime.builder();
    rejects(
        "pool name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter"
            + " or digit: 'no spaces'",
        () -> builder.pool("no spaces", PoolOptions.defaults()));
    assertThrows(NullPointerException.class, () -> builder.pool("gpu", null));
    assertThrows(NullPointerException.class, () -> builder.eventListener(null));
  }

  @Test
  void theDefaultPoolsOptionsComeFromTheSettersOrReplaceThem() {
    try (SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("opts")
            .poolSize(3)
            .pool("gpu", PoolOptions.builder().size(1).build())
            .build()) {
      assertEquals(3, runtime.poolStats().size());
      assertEquals(1, runtime.poolStats("gpu").size());
      assertEquals(2, runtime.allPoolStats().size());
      assertEquals("gpu", runtime.allPoolStats().get(1).pool());
    }
    try (SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("opts")
            .pool(CallOptions.DEFAULT_POOL, PoolOptions.builder().size(2).build())
            .build()) {
      assertEquals(2, runtime.poolStats().size(), "pool(default) sets the default pool");
    }
  }

  @Test
  void theDefaultPoolIsConfiguredOneWayOnly() {
    PoolOptions two = PoolOptions.builder().size(2).build();
    IllegalStateException after =
        assertThrows(
            IllegalStateException.class,
            () -> SnakeBridgeRuntime.builder().poolSize(3).pool(CallOptions.DEFAULT_POOL, two));
    assertTrue(after.getMessage().contains("pool(\"default\", ...)"), after.getMessage());
    assertTrue(after.getMessage().contains("poolSize(...)"), after.getMessage());
    IllegalStateException before =
        assertThrows(
            IllegalStateException.class,
            () ->
                SnakeBridgeRuntime.builder().pool(CallOptions.DEFAULT_POOL, two).python("python3"));
    assertTrue(
        before
            .getMessage()
            .startsWith(
                "python(...) cannot change the default pool after" + " pool(\"default\", ...)"),
        before.getMessage());
    // Named pools and settings outside the default pool mix freely with either way.
    SnakeBridgeRuntime.builder()
        .poolSize(3)
        .eagerStart(false)
        .pool("gpu", two)
        .name("x")
        .poolSize(4);
    SnakeBridgeRuntime.builder()
        .pool(CallOptions.DEFAULT_POOL, two)
        .pool(CallOptions.DEFAULT_POOL, two)
        .maxNestingDepth(10);
  }
}
