package io.snakebridge.fakes;

import io.snakebridge.Await;
import io.snakebridge.EventListener;
import io.snakebridge.PythonInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records every event as a line such as {@code workerExited default test-1 CRASHED}. */
public final class RecordingEventListener implements EventListener {
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** Every event so far, in order. */
  public List<String> events() {
    return events;
  }

  /** The events whose line starts with {@code prefix}. */
  public List<String> events(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).collect(Collectors.toList());
  }

  /** Waits (up to {@link Await#CEILING}) until an event line equals {@code line}. */
  public void await(String line) {
    Await.value("event '" + line + "'", () -> events, e -> e.contains(line));
  }

  @Override
  public void workerStarted(String pool, String workerId) {
    events.add("workerStarted " + pool + " " + workerId);
  }

  @Override
  public void workerReady(String pool, String workerId, PythonInfo info) {
    events.add("workerReady " + pool + " " + workerId);
  }

  @Override
  public void workerExited(String pool, String workerId, ExitReason reason) {
    events.add("workerExited " + pool + " " + workerId + " " + reason);
  }

  @Override
  public void workerRecycled(String pool, String workerId, RecycleReason reason) {
    events.add("workerRecycled " + pool + " " + workerId + " " + reason);
  }

  @Override
  public void callStart(String pool, String target) {
    events.add("callStart " + pool + " " + target);
  }

  @Override
  public void callQueued(String pool, String target) {
    events.add("callQueued " + pool + " " + target);
  }

  @Override
  public void callAcquired(String pool, String workerId, String target) {
    events.add("callAcquired " + pool + " " + workerId + " " + target);
  }

  @Override
  public void callEnd(String pool, String workerId, String target, Duration duration) {
    events.add("callEnd " + pool + " " + workerId + " " + target);
  }

  @Override
  public void callFailed(String pool, String target, Throwable error, Duration duration) {
    events.add("callFailed " + pool + " " + target + " " + error.getClass().getSimpleName());
  }
}
