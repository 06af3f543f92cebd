package io.snakebridge.fakes;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Process} whose three pipes are in memory, for a {@link ScriptedWorker} to serve. Exiting
 * (by itself or by destroy) closes the worker's ends, as the OS would, and reports the status the
 * way Java does: {@code 128 + signal} after a signal.
 */
public final class FakeProcess extends Process {
  private static final AtomicLong PIDS = new AtomicLong(900_000);

  final MemoryPipe stdin = new MemoryPipe();
  final MemoryPipe stdout = new MemoryPipe();
  final MemoryPipe stderr = new MemoryPipe();
  private final long pid = PIDS.incrementAndGet();
  private final CountDownLatch exited = new CountDownLatch(1);
  private volatile int exitCode;

  /**
   * Closes the worker's end of its stdin without exiting, as a process that is dying but not yet
   * reaped looks to the JVM: writes to it fail, {@link #isAlive()} still says true.
   */
  public void closeInput() {
    stdin.breakForWriters();
  }

  /** Ends the process with {@code code}; the first exit wins. */
  public void exit(int code) {
    synchronized (exited) {
      if (exited.getCount() == 0) {
        return;
      }
      exitCode = code;
      stdout.closeSink();
      stderr.closeSink();
      stdin.closeSource();
      exited.countDown();
    }
  }

  @Override
  public OutputStream getOutputStream() {
    return stdin.sink();
  }

  @Override
  public InputStream getInputStream() {
    return stdout.source();
  }

  @Override
  public InputStream getErrorStream() {
    return stderr.source();
  }

  @Override
  public int waitFor() throws InterruptedException {
    exited.await();
    return exitCode;
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    return exited.await(timeout, unit);
  }

  @Override
  public int exitValue() {
    if (exited.getCount() > 0) {
      throw new IllegalThreadStateException("process hasn't exited");
    }
    return exitCode;
  }

  @Override
  public void destroy() {
    exit(128 + 15);
  }

  @Override
  public Process destroyForcibly() {
    exit(128 + 9);
    return this;
  }

  @Override
  public boolean isAlive() {
    return exited.getCount() > 0;
  }

  @Override
  public long pid() {
    return pid;
  }
}
