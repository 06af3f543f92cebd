package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.EventListener;
import io.snakebridge.PoolOptions;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.wire.LaneSettings;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A runtime's settings, already checked by {@link io.snakebridge.SnakeBridgeRuntime.Builder}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the runtime's name, the prefix of its worker ids and thread names
 * @param pools every pool's options by name, the default pool first
 * @param eagerStart whether every worker starts when the runtime is built
 * @param workingDirectory the workers' working directory, or null for the JVM's
 * @param cacheDirectory where the worker package is extracted
 * @param limits the frame size and nesting limits
 * @param helperPaths folders of the user's helper modules (WIRE-PROTOCOL.md §5.5)
 * @param callbackExecutor runs Java callbacks, or null for the runtime's own threads
 * @param streamBatchSize the most items one {@code stream_batch} asks for (WIRE-PROTOCOL.md §6.3)
 * @param eventListener receives the runtime's events
 * @param pythonHints by pool name, what a missing interpreter's message advises; none for a pool
 *     whose interpreter was named
 * @param sharedMemory the shared-memory lane's settings (WIRE-PROTOCOL.md §2.2)
 */
public record RuntimeConfig(
    String name,
    Map<String, PoolOptions> pools,
    boolean eagerStart,
    @Nullable Path workingDirectory,
    Path cacheDirectory,
    CodecLimits limits,
    List<Path> helperPaths,
    @Nullable Executor callbackExecutor,
    int streamBatchSize,
    EventListener eventListener,
    Map<String, String> pythonHints,
    LaneSettings sharedMemory) {

  /** Settings without the shared-memory lane. */
  public RuntimeConfig(
      String name,
      Map<String, PoolOptions> pools,
      boolean eagerStart,
      @Nullable Path workingDirectory,
      Path cacheDirectory,
      CodecLimits limits,
      List<Path> helperPaths,
      @Nullable Executor callbackExecutor,
      int streamBatchSize,
      EventListener eventListener,
      Map<String, String> pythonHints) {
    this(
        name,
        pools,
        eagerStart,
        workingDirectory,
        cacheDirectory,
        limits,
        helperPaths,
        callbackExecutor,
        streamBatchSize,
        eventListener,
        pythonHints,
        LaneSettings.DISABLED);
  }

  /** Copies the collections, keeping the pools' order. */
  public RuntimeConfig {
    if (!pools.containsKey(CallOptions.DEFAULT_POOL)) {
      throw new IllegalArgumentException("the default pool is missing");
    }
    pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    helperPaths = List.copyOf(helperPaths);
    pythonHints = Map.copyOf(pythonHints);
  }

  /** Returns the default pool's options. */
  public PoolOptions defaultPool() {
    return Objects.requireNonNull(pools.get(CallOptions.DEFAULT_POOL), "no default pool");
  }
}
