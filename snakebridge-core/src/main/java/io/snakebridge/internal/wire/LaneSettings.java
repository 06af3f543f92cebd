package io.snakebridge.internal.wire;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A runtime's settings of the shared-memory lane (WIRE-PROTOCOL.md §2.2), and the one log line it
 * writes when the lane cannot be used.
 *
 * <p>Thread-safe; one instance per runtime, shared by its workers.
 */
public final class LaneSettings {
  /** Frame bodies from this size up send their large parts through the lane: 1 MiB. */
  public static final long DEFAULT_THRESHOLD = 1L << 20;

  /** The most each arena may grow to, unless set: 1 GiB. */
  public static final long DEFAULT_LIMIT = 1L << 30;

  /** The largest arena a {@code MappedByteBuffer} can map. */
  public static final long MAX_LIMIT = Integer.MAX_VALUE;

  /** No lane: every frame goes through the pipes. */
  public static final LaneSettings DISABLED = new LaneSettings(false, DEFAULT_THRESHOLD, 0, null);

  private static final Logger LOG = System.getLogger("io.snakebridge.worker");

  private final boolean enabled;
  private final long threshold;
  private final long limit;
  private final @Nullable String runtimeName;
  private final AtomicBoolean reported = new AtomicBoolean();

  /**
   * @param runtimeName names the runtime in the log line
   * @throws IllegalArgumentException when the limit is not between the threshold and {@link
   *     #MAX_LIMIT}
   */
  public LaneSettings(boolean enabled, long threshold, long limit, @Nullable String runtimeName) {
    if (enabled && (threshold <= 0 || limit < threshold || limit > MAX_LIMIT)) {
      throw new IllegalArgumentException(
          "shared memory limit must be between "
              + threshold
              + " and "
              + MAX_LIMIT
              + " bytes: "
              + limit);
    }
    this.enabled = enabled;
    this.threshold = threshold;
    this.limit = limit;
    this.runtimeName = runtimeName;
  }

  public boolean enabled() {
    return enabled;
  }

  public long threshold() {
    return threshold;
  }

  public long limit() {
    return limit;
  }

  /**
   * Logs, once per runtime, that large values go through the pipes; {@code why} says why and names
   * the worker.
   */
  public void reportFallback(String why) {
    if (reported.compareAndSet(false, true)) {
      LOG.log(
          Level.INFO,
          "runtime "
              + runtimeName
              + ": "
              + why
              + "; large values go through the pipes (slower, otherwise the same)");
    }
  }
}
