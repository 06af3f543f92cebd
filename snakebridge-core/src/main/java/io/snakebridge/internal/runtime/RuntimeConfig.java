package io.snakebridge.internal.runtime;

import io.snakebridge.internal.codec.CodecLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A runtime's settings, already checked by {@link io.snakebridge.SnakeBridgeRuntime.Builder}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the runtime's name, the prefix of its worker ids and thread names
 * @param python a path or a command on {@code PATH}
 * @param poolSize the most workers alive at once
 * @param environment variables added to the JVM's environment for the workers
 * @param pythonPath folders put at the front of the workers' {@code sys.path}
 * @param defaultTimeout the timeout of calls that set none
 * @param startupTimeout how long a worker may take to complete its handshake
 * @param eagerStart whether every worker starts when the runtime is built
 * @param workingDirectory the workers' working directory, or null for the JVM's
 * @param cacheDirectory where the worker package is extracted
 * @param limits the frame size and nesting limits
 * @param helperPaths folders of the user's helper modules (WIRE-PROTOCOL.md §5.5)
 * @param callbackExecutor runs Java callbacks, or null for the runtime's own threads
 * @param streamBatchSize the most items one {@code stream_batch} asks for (WIRE-PROTOCOL.md §6.3)
 */
public record RuntimeConfig(
    String name,
    String python,
    int poolSize,
    Map<String, String> environment,
    List<Path> pythonPath,
    Duration defaultTimeout,
    Duration startupTimeout,
    boolean eagerStart,
    Path workingDirectory,
    Path cacheDirectory,
    CodecLimits limits,
    List<Path> helperPaths,
    Executor callbackExecutor,
    int streamBatchSize) {

  /** Copies the collections. */
  public RuntimeConfig {
    environment = Map.copyOf(environment);
    pythonPath = List.copyOf(pythonPath);
    helperPaths = List.copyOf(helperPaths);
  }
}
