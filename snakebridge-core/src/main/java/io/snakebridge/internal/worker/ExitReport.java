package io.snakebridge.internal.worker;

import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * How a worker process ended, as far as can be learnt within a bounded wait: its exit code and the
 * tail of its stderr. Feeds the messages of crash and start-failure exceptions.
 *
 * <p>Immutable and thread-safe.
 *
 * @param exitCode the exit code as Java reports it ({@code 128 + signal} after a signal), or empty
 *     if the process was still running when the wait ended
 * @param stderrTail the last lines the worker wrote to stderr
 */
public record ExitReport(OptionalInt exitCode, String stderrTail) {
  private static final String[] SIGNALS = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  /**
   * Waits, each step bounded, for the process to exit and its stderr to drain, then reports.
   *
   * @param exitWaitNanos how long to wait for the exit before reporting no status
   * @param drainWaitNanos how long to wait for stderr's end of file after the exit
   */
  public static ExitReport collect(WorkerProcess worker, long exitWaitNanos, long drainWaitNanos) {
    boolean exited = worker.awaitExit(exitWaitNanos);
    if (exited) {
      worker.awaitStderrDrained(drainWaitNanos);
    }
    return new ExitReport(worker.exitCode(), worker.stderrTail());
  }

  /** Says how the process ended: {@code exit status 3}, {@code killed by signal 9 (SIGKILL)}. */
  public String status() {
    if (exitCode.isEmpty()) {
      return "no exit status yet";
    }
    int code = exitCode.getAsInt();
    if (code > 128 && code < 128 + 65) {
      int signal = code - 128;
      String name = signal < SIGNALS.length ? " (" + SIGNALS[signal] + ")" : "";
      return "killed by signal " + signal + name;
    }
    return "exit status " + code;
  }

  /** Returns {@code text} followed by the stderr tail, indented, when there is one. */
  public String withTail(@Nullable String text) {
    if (stderrTail.isBlank()) {
      return text + "; it wrote nothing to stderr";
    }
    return text + "; the end of its stderr:\n  " + stderrTail.replace("\n", "\n  ");
  }
}
