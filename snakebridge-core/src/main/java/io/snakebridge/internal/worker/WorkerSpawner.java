package io.snakebridge.internal.worker;

import io.snakebridge.PythonInfo;

/**
 * Starts worker processes for a pool; the pool then runs the handshake. The production
 * implementation is {@link PythonSpawner}; tests supply workers that speak the protocol over
 * in-memory pipes.
 *
 * <p>Implementations must be thread-safe: the pool's start threads call them concurrently.
 */
public interface WorkerSpawner {
  /**
   * Starts the process for a new worker and returns it, handshake not yet done.
   *
   * @param workerId the new worker's id, such as {@code default-3}
   * @throws io.snakebridge.SnakeBridgeException when no process could be started, saying why
   */
  WorkerProcess spawn(String workerId);

  /** Told about every completed handshake, so later starts can use what it reported. */
  default void handshakeSucceeded(PythonInfo info) {}
}
