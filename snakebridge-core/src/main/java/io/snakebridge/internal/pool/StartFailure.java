package io.snakebridge.internal.pool;

import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.WorkerCrashedException;
import io.snakebridge.internal.wire.FrameFormatException;
import io.snakebridge.internal.worker.ExitReport;
import io.snakebridge.internal.worker.PythonSpawner;
import io.snakebridge.internal.worker.WorkerProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Turns whatever stopped a worker's start into one exception that says which executable was
 * started, what went wrong, the exit status and the stderr tail.
 *
 * <p>Stateless and thread-safe.
 */
final class StartFailure {
  /** How long a failed start waits for the process's exit status. */
  static final long EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** How long it then waits for the rest of stderr. */
  static final long DRAIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private StartFailure() {}

  /**
   * Describes a failed start. Waits (bounded) for the process to end, stopping it when needed.
   *
   * @param process the started process, or null when spawning itself failed
   * @param failure what ended the start; null when the handshake completed after the deadline
   */
  static SnakeBridgeException describe(
      PooledWorker slot,
      @Nullable WorkerProcess process,
      @Nullable Throwable failure,
      Duration startupTimeout) {
    if (process == null) {
      return failure instanceof SnakeBridgeException
          ? (SnakeBridgeException) failure
          : new SnakeBridgeException(
              "could not start Python worker " + slot.id() + ": " + failure, failure);
    }
    String who = "Python worker " + slot.id() + " (" + process.executable() + ")";
    if (slot.killReason() == ExitReason.TIMED_OUT) {
      ExitReport report = ExitReport.collect(process, EXIT_WAIT_NANOS, DRAIN_WAIT_NANOS);
      return new SnakeBridgeException(
          report.withTail(
              who
                  + " did not complete its handshake within "
                  + startupTimeout
                  + " (startupTimeout) and was stopped"),
          failure);
    }
    if (failure instanceof FrameFormatException) {
      boolean exitedByItself = !process.isAlive();
      process.kill();
      ExitReport report = ExitReport.collect(process, EXIT_WAIT_NANOS, DRAIN_WAIT_NANOS);
      if (tooOld(report) != null) {
        return new SnakeBridgeException(
            tooOld(report) + " (Python worker " + slot.id() + ")", failure);
      }
      String what = who + " broke the protocol during its handshake (" + failure.getMessage() + ")";
      return new SnakeBridgeException(
          report.withTail(what + (exitedByItself ? "; " + report.status() : "")), failure);
    }
    if (failure instanceof SnakeBridgeException) {
      // It refused the handshake and exits by itself (status 3); the wait shows that status.
      ExitReport report = ExitReport.collect(process, EXIT_WAIT_NANOS, DRAIN_WAIT_NANOS);
      process.kill();
      if (tooOld(report) != null) {
        return new SnakeBridgeException(
            tooOld(report) + " (Python worker " + slot.id() + ")", failure);
      }
      return new SnakeBridgeException(report.withTail(failure.getMessage()), failure);
    }
    ExitReport report = ExitReport.collect(process, EXIT_WAIT_NANOS, DRAIN_WAIT_NANOS);
    String tooOld = tooOld(report);
    if (tooOld != null) {
      return new SnakeBridgeException(tooOld + " (Python worker " + slot.id() + ")", failure);
    }
    if (report.exitCode().isEmpty()) {
      process.kill();
      return new SnakeBridgeException(
          report.withTail(who + " failed during its handshake: " + failure), failure);
    }
    return new WorkerCrashedException(
        report.withTail(who + " ended before completing its handshake: " + report.status()),
        slot.id(),
        report.exitCode(),
        report.stderrTail(),
        failure);
  }

  /** Returns the worker's own line when it refused an interpreter older than 3.9, else null. */
  static @Nullable String tooOld(ExitReport report) {
    if (report.exitCode().orElse(-1) != PythonSpawner.EXIT_TOO_OLD) {
      return null;
    }
    for (String line : report.stderrTail().split("\n")) {
      if (line.contains(PythonSpawner.TOO_OLD)) {
        return line.strip();
      }
    }
    return null;
  }

  /**
   * Returns the message of a {@code PoolExhaustedException} for a pool none of whose workers
   * starts: the pool's state, then the first line of the last start failure.
   */
  static String noWorkerStarted(String poolState, @Nullable Throwable lastFailure) {
    String text = "no Python worker could be started (" + poolState + ")";
    if (lastFailure == null || lastFailure.getMessage() == null) {
      return text;
    }
    String why = lastFailure.getMessage().strip();
    int end = why.indexOf('\n');
    return text + ": " + (end < 0 ? why : why.substring(0, end).strip());
  }
}
