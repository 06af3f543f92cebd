package io.snakebridge.internal.pool;

import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.EventListener.RecycleReason;
import io.snakebridge.internal.worker.WorkerProcess;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a pool operation decided under the lock and does after releasing it: starts to submit,
 * processes to shut down or kill, events to report. Created only when there is something to do, so
 * the common lease and release allocate nothing for it.
 *
 * <p>Not thread-safe: one per operation, on the thread that runs it.
 */
final class Effects {
  final List<PooledWorker> starts = new ArrayList<>(2);
  final List<WorkerProcess> shutdowns = new ArrayList<>(1);
  final List<WorkerProcess> kills = new ArrayList<>(1);
  final List<String> exits = new ArrayList<>(1);
  final List<ExitReason> exitReasons = new ArrayList<>(1);
  final List<String> recycled = new ArrayList<>(1);
  final List<RecycleReason> recycleReasons = new ArrayList<>(1);

  static Effects of(@Nullable Effects effects) {
    return effects != null ? effects : new Effects();
  }

  static @Nullable Effects start(@Nullable Effects effects, List<PooledWorker> planned) {
    if (planned.isEmpty()) {
      return effects;
    }
    Effects e = of(effects);
    e.starts.addAll(planned);
    return e;
  }

  static Effects shutdown(@Nullable Effects effects, @Nullable WorkerProcess process) {
    Effects e = of(effects);
    if (process != null) {
      e.shutdowns.add(process);
    }
    return e;
  }

  static Effects kill(@Nullable Effects effects, @Nullable WorkerProcess process) {
    Effects e = of(effects);
    if (process != null) {
      e.kills.add(process);
    }
    return e;
  }

  static Effects exited(@Nullable Effects effects, PooledWorker worker, ExitReason reason) {
    Effects e = of(effects);
    e.exits.add(worker.id());
    e.exitReasons.add(reason);
    return e;
  }

  static Effects recycled(@Nullable Effects effects, PooledWorker worker, RecycleReason reason) {
    Effects e = of(effects);
    e.recycled.add(worker.id());
    e.recycleReasons.add(reason);
    return e;
  }

  /** Does it all; call without the pool lock. */
  void run(WorkerStarter starter, PoolEvents events) {
    kills.forEach(WorkerProcess::kill);
    shutdowns.forEach(WorkerProcess::shutdown);
    for (int i = 0; i < recycled.size(); i++) {
      events.workerRecycled(recycled.get(i), recycleReasons.get(i));
    }
    for (int i = 0; i < exits.size(); i++) {
      events.workerExited(exits.get(i), exitReasons.get(i));
    }
    if (!starts.isEmpty()) {
      starter.submit(starts);
    }
  }
}
