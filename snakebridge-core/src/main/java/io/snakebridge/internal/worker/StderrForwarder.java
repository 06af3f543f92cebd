package io.snakebridge.internal.worker;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Forwards one worker's stderr to {@link System.Logger} line by line, tagged with the worker's id,
 * and keeps the last lines for crash reports. Runs on its own daemon thread, {@code
 * snakebridge-<worker>-stderr}, until the stream ends.
 *
 * <p>Thread-safe: {@link #tail()} and {@link #awaitDrained} may be called from any thread.
 */
public final class StderrForwarder implements Runnable {
  /** Lines kept for crash reports. */
  static final int TAIL_LINES = 50;

  /** Characters kept for crash reports; older lines are dropped first. */
  static final int TAIL_CHARS = 8 * 1024;

  /** A longer line is forwarded in pieces of this many bytes. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  private final String workerId;
  private final InputStream stderr;
  private final Logger logger;
  private final CountDownLatch drained = new CountDownLatch(1);
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private int tailChars;
  private volatile long lines;

  /**
   * Creates a forwarder; {@link #start()} starts its thread.
   *
   * @param logger where lines go, at level INFO
   */
  public StderrForwarder(String workerId, InputStream stderr, Logger logger) {
    this.workerId = workerId;
    this.stderr = stderr;
    this.logger = logger;
  }

  /** Starts the forwarding thread. */
  public void start() {
    Thread thread = new Thread(this, "snakebridge-" + workerId + "-stderr");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    byte[] buffer = new byte[8192];
    byte[] line = new byte[MAX_LINE_BYTES];
    int lineLength = 0;
    try {
      for (int n; (n = stderr.read(buffer)) > 0; ) {
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          if (b == '\n' || lineLength == line.length) {
            emit(line, lineLength);
            lineLength = 0;
            if (b == '\n') {
              continue;
            }
          }
          line[lineLength++] = b;
        }
      }
    } catch (IOException e) {
      // The pipe closed under us because the process is gone; what was read is kept.
    } finally {
      if (lineLength > 0) {
        emit(line, lineLength);
      }
      try {
        stderr.close();
      } catch (IOException ignored) {
        // Nothing more to read either way.
      }
      drained.countDown();
    }
  }

  /** Returns the last lines the worker wrote, oldest first, joined by newlines. */
  public String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** Waits until the worker's stderr reached end of file, at most {@code timeoutNanos}. */
  public boolean awaitDrained(long timeoutNanos) {
    try {
      return drained.await(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return drained.getCount() == 0;
    }
  }

  /** Returns how many lines were forwarded so far: whether the forwarder still makes progress. */
  public long lines() {
    return lines;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // only the forwarding thread writes lines
  private void emit(byte[] bytes, int length) {
    int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
    String text = new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8);
    synchronized (tail) {
      tail.addLast(text);
      tailChars += text.length() + 1;
      while (tail.size() > TAIL_LINES || (tailChars > TAIL_CHARS && tail.size() > 1)) {
        tailChars -= tail.removeFirst().length() + 1;
      }
    }
    if (logger.isLoggable(Level.INFO)) {
      logger.log(Level.INFO, "[" + workerId + "] " + text);
    }
    lines++; // only this thread writes
  }
}
