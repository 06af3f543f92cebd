package io.snakebridge.internal.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the scheduler state of a process, so the watchdog can tell a worker that is busy in a call
 * from one that is hung. A worker runs user code on its main thread while another thread of it
 * answers heartbeats; code that holds the GIL (a C loop such as {@code sum(range(10**12))}, a long
 * sort, pickling a large result) or a finalizer that blocks keeps that thread from answering,
 * though the process is running.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
interface ProcessProbe {
  /** The state when none can be read: the process is gone, or the system has no {@code /proc}. */
  char UNKNOWN = '?';

  /** Reads {@code /proc/<pid>/stat} (Linux); elsewhere every state is {@link #UNKNOWN}. */
  ProcessProbe SYSTEM = ProcessProbe::procState;

  /**
   * Returns the state letter of process {@code pid} as {@code /proc/<pid>/stat} shows it: {@code R}
   * running, {@code S} or {@code D} sleeping, {@code T} or {@code t} stopped, {@code Z} or {@code
   * X} dead; {@link #UNKNOWN} when it cannot be read.
   */
  char state(long pid);

  /** Whether a process in {@code state} can make progress, so a late heartbeat means busy. */
  static boolean runs(char state) {
    return state != UNKNOWN && state != 'T' && state != 't' && state != 'Z' && state != 'X';
  }

  private static char procState(long pid) {
    String stat;
    try {
      stat =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException gone) {
      return UNKNOWN;
    }
    return parseState(stat);
  }

  /**
   * Parses the state from a stat line, {@code "1234 (python3) R 1 ..."}. The command name may hold
   * spaces and parentheses, so the state is the field after the last {@code ')'}.
   */
  static char parseState(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length() || stat.charAt(close + 1) != ' ') {
      return UNKNOWN;
    }
    return stat.charAt(close + 2);
  }
}
