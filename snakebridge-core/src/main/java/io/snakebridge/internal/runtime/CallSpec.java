package io.snakebridge.internal.runtime;

import io.snakebridge.Affinity;
import io.snakebridge.internal.pool.CallControl;
import io.snakebridge.internal.pool.WorkerPool;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How one call runs: its pool, timeout, affinity, whether it may be retried after a crash, the
 * handle its future cancels it by, and what it calls (for messages and events).
 *
 * @param control the async call's cancellation handle, or null for a call made in place
 * @param internal whether the runtime makes it for itself ({@code release_session}, {@code
 *     sessions}): such calls are not reported to the listener nor counted in the stats
 */
record CallSpec(
    WorkerPool pool,
    Duration timeout,
    Affinity affinity,
    boolean idempotent,
    @Nullable CallControl control,
    String module,
    String target,
    boolean internal) {

  /** Returns {@code module.target}, for messages and events. */
  String call() {
    return module + "." + target;
  }
}
