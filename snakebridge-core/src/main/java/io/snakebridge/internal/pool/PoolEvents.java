package io.snakebridge.internal.pool;

import io.snakebridge.EventListener;
import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.EventListener.RecycleReason;
import io.snakebridge.PythonInfo;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One pool's side of the runtime's {@link EventListener}: adds the pool's name and keeps the
 * listener's exceptions from reaching the pool (they are logged and dropped).
 *
 * <p>Thread-safe if the listener is. Never called with the pool lock held.
 */
public final class PoolEvents {
  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final EventListener listener;
  private final String pool;

  public PoolEvents(EventListener listener, String pool) {
    this.listener = listener;
    this.pool = pool;
  }

  /** Returns whether a listener other than {@link EventListener#NONE} is registered. */
  public boolean enabled() {
    return listener != EventListener.NONE;
  }

  void workerStarted(String workerId) {
    try {
      listener.workerStarted(pool, workerId);
    } catch (RuntimeException e) {
      failed("workerStarted", e);
    }
  }

  void workerReady(String workerId, PythonInfo info) {
    try {
      listener.workerReady(pool, workerId, info);
    } catch (RuntimeException e) {
      failed("workerReady", e);
    }
  }

  void workerExited(String workerId, ExitReason reason) {
    try {
      listener.workerExited(pool, workerId, reason);
    } catch (RuntimeException e) {
      failed("workerExited", e);
    }
  }

  void workerRecycled(String workerId, RecycleReason reason) {
    try {
      listener.workerRecycled(pool, workerId, reason);
    } catch (RuntimeException e) {
      failed("workerRecycled", e);
    }
  }

  public void callStart(@Nullable String target) {
    try {
      listener.callStart(pool, target);
    } catch (RuntimeException e) {
      failed("callStart", e);
    }
  }

  void callQueued(String target) {
    try {
      listener.callQueued(pool, target);
    } catch (RuntimeException e) {
      failed("callQueued", e);
    }
  }

  public void callAcquired(String workerId, String target) {
    try {
      listener.callAcquired(pool, workerId, target);
    } catch (RuntimeException e) {
      failed("callAcquired", e);
    }
  }

  public void callEnd(String workerId, @Nullable String target, long nanos) {
    try {
      listener.callEnd(pool, workerId, target, Duration.ofNanos(nanos));
    } catch (RuntimeException e) {
      failed("callEnd", e);
    }
  }

  public void callFailed(@Nullable String target, Throwable error, long nanos) {
    try {
      listener.callFailed(pool, target, error, Duration.ofNanos(nanos));
    } catch (RuntimeException e) {
      failed("callFailed", e);
    }
  }

  private void failed(String event, RuntimeException e) {
    LOG.log(Level.WARNING, "pool '" + pool + "': the event listener's " + event + " threw", e);
  }
}
