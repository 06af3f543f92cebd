package io.snakebridge;

import java.util.Objects;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when the worker process running a call died (an exit, a signal, a segfault in a C
 * extension) or broke the wire protocol and had to be stopped. The worker is replaced in the
 * background; other calls are not affected.
 *
 * <pre>{@code
 * try {
 *   python.call("os", "_exit", 3);
 * } catch (WorkerCrashedException e) {
 *   e.exitCode();     // OptionalInt[3]
 *   e.stderrTail();   // the last lines the worker wrote to stderr
 * }
 * }</pre>
 *
 * <p>The exit code is the one Java reports: a process killed by a signal has {@code 128 + signal},
 * which {@link #signal()} decodes. A process that itself exits with a status above 128 looks the
 * same; the stderr tail usually tells the two apart.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public class WorkerCrashedException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private static final int NO_EXIT_CODE = Integer.MIN_VALUE;

  private final String workerId;
  private final int exitCode;
  private final String stderrTail;

  /**
   * Creates an exception.
   *
   * @param message what happened, with the exit status and the stderr tail
   * @param workerId the worker's id, such as {@code default-1}
   * @param exitCode the process's exit code as Java reports it, or empty if it was still running
   *     (the JVM stopped it) or its status is unknown
   * @param stderrTail the last lines the worker wrote to stderr, possibly empty
   * @param cause the I/O or protocol failure that revealed the crash, or null
   */
  public WorkerCrashedException(
      String message,
      String workerId,
      OptionalInt exitCode,
      String stderrTail,
      @Nullable Throwable cause) {
    super(message, cause);
    this.workerId = Objects.requireNonNull(workerId, "workerId");
    this.exitCode = exitCode.orElse(NO_EXIT_CODE);
    this.stderrTail = Objects.requireNonNull(stderrTail, "stderrTail");
  }

  /** Returns the id of the worker that died, such as {@code default-1}. */
  public String workerId() {
    return workerId;
  }

  /** Returns the exit code as Java reports it ({@code 128 + signal} after a signal), if known. */
  public OptionalInt exitCode() {
    return exitCode == NO_EXIT_CODE ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** Returns the signal that killed the process (9 for SIGKILL, 11 for SIGSEGV), if one did. */
  public OptionalInt signal() {
    return exitCode > 128 && exitCode < 128 + 65
        ? OptionalInt.of(exitCode - 128)
        : OptionalInt.empty();
  }

  /** Returns the last lines the worker wrote to stderr (at most a few KiB), possibly empty. */
  public String stderrTail() {
    return stderrTail;
  }
}
