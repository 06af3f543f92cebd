package io.snakebridge.internal.pool;

import io.snakebridge.CallOptions;
import io.snakebridge.EventListener;
import io.snakebridge.PoolOptions;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.time.Duration;

/** Pools for tests over fake workers and clocks, without a watchdog thread (tests housekeep). */
public final class TestPools {
  private TestPools() {}

  /** A default pool of runtime {@code name}. */
  public static WorkerPool pool(
      String name, PoolOptions options, WorkerSpawner spawner, Ticker ticker) {
    return pool(name, options, spawner, ticker, EventListener.NONE);
  }

  /** A default pool of runtime {@code name}, reporting to {@code listener}. */
  public static WorkerPool pool(
      String name,
      PoolOptions options,
      WorkerSpawner spawner,
      Ticker ticker,
      EventListener listener) {
    return new WorkerPool(
        name,
        CallOptions.DEFAULT_POOL,
        options,
        spawner,
        ticker,
        listener,
        (worker, process) -> {});
  }

  /**
   * A default pool of runtime {@code name} that reads workers' process states from {@code probe}.
   */
  static WorkerPool pool(
      String name,
      PoolOptions options,
      WorkerSpawner spawner,
      Ticker ticker,
      EventListener listener,
      ProcessProbe probe) {
    return new WorkerPool(
        name,
        CallOptions.DEFAULT_POOL,
        options,
        spawner,
        ticker,
        listener,
        (worker, process) -> {},
        probe);
  }

  /** Options for a pool of {@code size}, with a 30 s start-up timeout. */
  public static PoolOptions.Builder options(int size) {
    return PoolOptions.builder().size(size).startupTimeout(Duration.ofSeconds(30));
  }

  /** Leases any worker, with {@code timeout} from the ticker's now. */
  public static CallLease lease(WorkerPool pool, Ticker ticker, Duration timeout) {
    return pool.lease(ticker.read() + timeout.toNanos(), timeout, null, null);
  }
}
