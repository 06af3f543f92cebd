package io.snakebridge.fakes;

import io.snakebridge.PythonInfo;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.worker.WorkerProcess;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Spawns {@link ScriptedWorker}s instead of Python processes. Each new worker is configured by the
 * given setup (script, handshake) before it starts; spawns can be made to fail.
 */
public final class FakeSpawner implements WorkerSpawner {
  private final Consumer<ScriptedWorker> setup;
  private final List<ScriptedWorker> spawned = new CopyOnWriteArrayList<>();
  private final Queue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
  private final List<PythonInfo> handshakes = new CopyOnWriteArrayList<>();

  public FakeSpawner(Consumer<ScriptedWorker> setup) {
    this.setup = setup;
  }

  /** Workers that echo their arguments. */
  public FakeSpawner() {
    this(worker -> {});
  }

  /** Makes the next spawn throw {@code failure}. */
  public FakeSpawner failNext(RuntimeException failure) {
    failures.add(failure);
    return this;
  }

  @Override
  public WorkerProcess spawn(String workerId) {
    RuntimeException failure = failures.poll();
    if (failure != null) {
      throw failure;
    }
    FakeProcess process = new FakeProcess();
    ScriptedWorker worker = new ScriptedWorker(process);
    setup.accept(worker);
    spawned.add(worker);
    worker.start();
    return WorkerProcess.attach(
        workerId,
        "/opt/fake/python3",
        process,
        List.of(),
        List.of(),
        CodecLimits.DEFAULT,
        System.getLogger("io.snakebridge.worker"));
  }

  @Override
  public void handshakeSucceeded(PythonInfo info) {
    handshakes.add(info);
  }

  /** Every worker spawned so far, oldest first. */
  public List<ScriptedWorker> spawned() {
    return spawned;
  }

  /** Every handshake reported to the spawner. */
  public List<PythonInfo> handshakes() {
    return handshakes;
  }
}
