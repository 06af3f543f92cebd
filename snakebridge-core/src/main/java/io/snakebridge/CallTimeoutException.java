package io.snakebridge;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call's deadline passed: the one timeout covers waiting for a worker and running the
 * call.
 *
 * <p>When the deadline passed while the call ran, the worker running it was told to interrupt the
 * call (the Python code sees a {@code snakebridge_worker.Cancelled} exception and can clean up); if
 * it stops within the pool's grace period ({@link PoolOptions#cancelGrace()}) the worker serves on,
 * otherwise it is killed and replaced, and Python state built by the call is gone. The exception is
 * thrown at the deadline either way. When the deadline passed while waiting for a worker, nothing
 * was sent and {@link #workerId()} is empty.
 *
 * <pre>{@code
 * try {
 *   python.call("time", "sleep", List.of(5),
 *       CallOptions.defaults().timeout(Duration.ofMillis(300)));
 * } catch (CallTimeoutException e) {
 *   e.timeout();    // PT0.3S
 *   e.workerId();   // Optional[default-1]
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public class CallTimeoutException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;
  private final @Nullable String workerId;

  /**
   * Creates an exception.
   *
   * @param message what timed out, with the pool's state when no worker was free
   * @param timeout the call's timeout
   * @param workerId the worker that was running the call, or null if it never started
   * @param cause the last failure to start a worker while the call waited, or null
   */
  public CallTimeoutException(
      String message, Duration timeout, @Nullable String workerId, @Nullable Throwable cause) {
    super(message, cause);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.workerId = workerId;
  }

  /** Returns the call's timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** Returns the id of the worker that was running the call, or empty if it never ran. */
  public Optional<String> workerId() {
    return Optional.ofNullable(workerId);
  }
}
