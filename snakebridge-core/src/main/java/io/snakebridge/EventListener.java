package io.snakebridge;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Receives a runtime's lifecycle events: workers starting, becoming ready, leaving the pool and
 * being recycled, and each call's progress. Register one with {@link
 * SnakeBridgeRuntime.Builder#eventListener}; every method has an empty default, so a listener
 * overrides only what it needs.
 *
 * <pre>{@code
 * EventListener slowCalls = new EventListener() {
 *   @Override
 *   public void callEnd(String pool, String workerId, String target, Duration duration) {
 *     if (duration.toMillis() > 500) {
 *       log.warn(target + " took " + duration + " on " + workerId);
 *     }
 *   }
 * };
 * }</pre>
 *
 * <p><b>Threads.</b> The events of one call are delivered in order on the thread that runs the call
 * (the caller's, or a runtime thread for the {@code *Async} variants): {@link #callStart}, {@link
 * #callQueued} if it had to wait, {@link #callAcquired}, then {@link #callEnd} or {@link
 * #callFailed} (a retried call is acquired twice). Worker events arrive on the runtime's own
 * threads (start threads, the watchdog, a thread reading the worker's output) or on the thread of
 * the call that found a worker dead. Methods must be thread-safe and fast, must not block and must
 * not call the runtime: they run on the call path and on housekeeping threads. An exception a
 * method throws is logged and otherwise ignored. No lock of the runtime is held while a method
 * runs.
 *
 * @since 0.2
 */
public interface EventListener {
  /** A listener that ignores every event. */
  EventListener NONE = new EventListener() {};

  /** Why a worker left its pool. */
  enum ExitReason {
    /** Its runtime was closed. */
    SHUTDOWN,
    /** It was recycled (see {@link RecycleReason}) after finishing its calls. */
    RECYCLED,
    /** Its process died: an exit, a signal, a segfault. */
    CRASHED,
    /** A call passed its deadline, or was cancelled, and did not stop within the grace period. */
    TIMED_OUT,
    /** It stopped answering heartbeats and was killed. */
    UNRESPONSIVE,
    /** It broke the wire protocol and was killed. */
    PROTOCOL_ERROR,
    /** It failed to start or to complete its handshake. */
    START_FAILED
  }

  /** Why a worker was recycled. */
  enum RecycleReason {
    /** It ran {@link PoolOptions#maxCallsPerWorker()} calls. */
    MAX_CALLS,
    /** It reached {@link PoolOptions#maxWorkerLifetime()}. */
    MAX_LIFETIME,
    /** Its resident memory passed {@link PoolOptions#maxWorkerMemory()}. */
    MAX_MEMORY
  }

  /** A worker's process was started; its handshake is next. */
  default void workerStarted(String pool, String workerId) {}

  /** A worker completed its handshake and joined the pool. */
  default void workerReady(String pool, String workerId, PythonInfo info) {}

  /** A worker left the pool for good; a replacement is started unless the runtime closes. */
  default void workerExited(String pool, String workerId, ExitReason reason) {}

  /**
   * A worker became due for recycling: it takes no new call, leaves once its calls are done ({@link
   * #workerExited} with {@link ExitReason#RECYCLED}), and a replacement starts now.
   */
  default void workerRecycled(String pool, String workerId, RecycleReason reason) {}

  /** A call is about to look for a worker of {@code pool}; {@code target} is module.function. */
  default void callStart(String pool, @Nullable String target) {}

  /** The call found no free worker and waits for one. */
  default void callQueued(String pool, String target) {}

  /** The call got worker {@code workerId} and is sent to it. */
  default void callAcquired(String pool, String workerId, String target) {}

  /** The call returned a result; {@code duration} counts from {@link #callStart}. */
  default void callEnd(String pool, String workerId, @Nullable String target, Duration duration) {}

  /**
   * The call failed with {@code error} (a {@link PythonException} as much as a timeout or a crash);
   * {@code duration} counts from {@link #callStart}.
   */
  default void callFailed(
      String pool, @Nullable String target, Throwable error, Duration duration) {}
}
