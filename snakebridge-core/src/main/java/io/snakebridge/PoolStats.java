package io.snakebridge;

/**
 * A snapshot of one pool: its workers now and its counters since the runtime was built. Returned by
 * {@link SnakeBridgeRuntime#poolStats()}.
 *
 * <pre>{@code
 * PoolStats stats = python.poolStats();
 * stats.busy();      // 3 workers running a call
 * stats.crashes();   // 1 worker died since the runtime was built
 * }</pre>
 *
 * <p>The gauges ({@code busy}, {@code idle}, {@code starting}, {@code waiting}) are read together
 * under the pool's lock; the counters are read just after, so a snapshot taken while calls run may
 * be a call or two out of step between the two groups. A value, immutable and thread-safe.
 *
 * @param pool the pool's name
 * @param size how many workers the pool keeps ({@link PoolOptions#size()})
 * @param busy workers running at least one call (or still finishing a cancelled one)
 * @param idle workers ready and running no call
 * @param starting workers being started (process start and handshake)
 * @param waiting calls waiting for a worker
 * @param calls calls that ended in this pool, whatever their outcome
 * @param failures calls that ended with an exception of any kind (Python errors included)
 * @param timeouts calls that ended with {@link CallTimeoutException}
 * @param crashes workers that left the pool unexpectedly: died, stopped answering heartbeats, broke
 *     the protocol, or failed to start
 * @param restarts workers started to replace one that left (crashed, timed out, recycled)
 * @param recycles workers recycled (see {@link PoolOptions})
 * @since 0.2
 */
public record PoolStats(
    String pool,
    int size,
    int busy,
    int idle,
    int starting,
    int waiting,
    long calls,
    long failures,
    long timeouts,
    long crashes,
    long restarts,
    long recycles) {

  @Override
  public String toString() {
    return "pool '"
        + pool
        + "': size "
        + size
        + ", "
        + busy
        + " busy, "
        + idle
        + " idle, "
        + starting
        + " starting, "
        + waiting
        + " waiting; "
        + calls
        + " calls, "
        + failures
        + " failures, "
        + timeouts
        + " timeouts, "
        + crashes
        + " crashes, "
        + restarts
        + " restarts, "
        + recycles
        + " recycles";
  }
}
