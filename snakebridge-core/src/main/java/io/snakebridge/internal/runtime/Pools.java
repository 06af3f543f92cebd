package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.pool.WorkerPool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A runtime's pools by name, the default one first, and the routing rule: a call runs in the pool
 * its options name, except that a call passing references (or made on one) runs in the pool of the
 * worker holding them, whatever its options say.
 *
 * <p>Thread-safe: the map is fixed when the runtime is built.
 */
final class Pools {
  private final String runtimeName;
  private final Map<String, WorkerPool> byName;
  private final WorkerPool main;

  Pools(String runtimeName, Map<String, WorkerPool> pools) {
    this.runtimeName = runtimeName;
    this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    this.main = Objects.requireNonNull(byName.get(CallOptions.DEFAULT_POOL), "no default pool");
  }

  /** Returns the default pool. */
  WorkerPool main() {
    return main;
  }

  /** Returns every pool, the default one first. */
  Collection<WorkerPool> all() {
    return byName.values();
  }

  /**
   * Returns the pool named {@code name}.
   *
   * @throws IllegalArgumentException naming it and the runtime's pools when there is none
   */
  WorkerPool named(String name) {
    WorkerPool pool = byName.get(name);
    if (pool == null) {
      throw new IllegalArgumentException(
          "unknown pool '"
              + name
              + "': runtime '"
              + runtimeName
              + "' has the pools "
              + byName.keySet().stream()
                  .map(known -> "'" + known + "'")
                  .collect(Collectors.joining(", ")));
    }
    return pool;
  }

  /** Returns where a call runs: its references' pool if it passes any, else the named one. */
  WorkerPool route(CallPlan plan, String name) {
    PooledWorker holder = plan.refWorker();
    return holder != null ? holder.pool() : named(name);
  }

  /** Returns every pool's snapshot, the default one first. */
  List<PoolStats> stats() {
    List<PoolStats> all = new ArrayList<>(byName.size());
    for (WorkerPool pool : byName.values()) {
      all.add(pool.stats());
    }
    return all;
  }

  /** Closes every pool, all at once so their grace periods overlap. */
  void close(long graceNanos) {
    List<Thread> closing = new ArrayList<>();
    for (WorkerPool pool : byName.values()) {
      if (pool != main) {
        Thread thread =
            new Thread(
                () -> pool.close(graceNanos),
                "snakebridge-" + runtimeName + "-close-" + pool.name());
        thread.setDaemon(true);
        thread.start();
        closing.add(thread);
      }
    }
    main.close(graceNanos);
    boolean interrupted = false;
    for (Thread thread : closing) {
      for (; ; ) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
