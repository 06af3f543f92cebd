package io.snakebridge.cli;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes the library's {@link System.Logger} output (java.util.logging by default) for a command
 * line: what the Python code writes to stdout or stderr, which the library forwards from the worker
 * as {@code io.snakebridge.worker} records, goes to stderr as plain lines, the way Python would
 * show it; the library's own records (worker starts, restarts, failures the command reports anyway)
 * appear only with {@code --verbose}.
 *
 * <p>Installed once per JVM by {@link Main#main}; in-process tests leave logging alone.
 */
final class ConsoleLog extends Handler {
  static final String WORKER_LOGGER = "io.snakebridge.worker";

  private final PrintStream err;
  private final boolean verbose;

  private ConsoleLog(PrintStream err, boolean verbose) {
    this.err = err;
    this.verbose = verbose;
  }

  static void install(PrintStream err, boolean verbose) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(verbose ? Level.FINE : Level.INFO);
    root.addHandler(new ConsoleLog(err, verbose));
  }

  @Override
  public void publish(LogRecord record) {
    String message = record.getMessage();
    if (WORKER_LOGGER.equals(record.getLoggerName()) && record.getLevel().equals(Level.INFO)) {
      // "[cli-1] text": the worker id means nothing to a user of a one-worker command.
      int end = message.startsWith("[") ? message.indexOf("] ") : -1;
      err.println(verbose || end < 0 ? message : message.substring(end + 2));
    } else if (verbose) {
      err.println(
          "snakebridge: " + record.getLevel() + " " + record.getLoggerName() + ": " + message);
      if (record.getThrown() != null) {
        record.getThrown().printStackTrace(err);
      }
    }
  }

  @Override
  public void flush() {
    err.flush();
  }

  @Override
  public void close() {
    flush();
  }
}
