package io.snakebridge.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory pipe with the semantics of an OS pipe: a bounded buffer, a blocking reader, end of
 * file once the writing end is closed, and "broken pipe" for a writer once the reading end is.
 * Unlike {@link java.io.PipedInputStream} it does not care which threads use it, and like a pipe
 * its blocking calls ignore interrupts.
 */
public final class MemoryPipe {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final byte[] buffer;
  private int head;
  private int count;
  private boolean sinkClosed;
  private boolean sourceClosed;
  private boolean broken; // writers fail, the reader is not told (see breakForWriters)

  public MemoryPipe() {
    this(64 * 1024);
  }

  public MemoryPipe(int capacity) {
    this.buffer = new byte[capacity];
  }

  private final InputStream source =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
          if (length == 0) {
            return 0;
          }
          lock.lock();
          try {
            while (count == 0) {
              if (sinkClosed || sourceClosed) {
                return -1;
              }
              awaitChange();
            }
            int n = Math.min(length, count);
            for (int i = 0; i < n; i++) {
              into[offset + i] = buffer[(head + i) % buffer.length];
            }
            head = (head + n) % buffer.length;
            count -= n;
            changed.signalAll();
            return n;
          } finally {
            lock.unlock();
          }
        }

        @Override
        public void close() {
          closeSource();
        }
      };

  private final OutputStream sink =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] from, int offset, int length) throws IOException {
          lock.lock();
          try {
            for (int done = 0; done < length; ) {
              if (sourceClosed || broken) {
                throw new IOException("Broken pipe");
              }
              if (sinkClosed) {
                throw new IOException("Stream closed");
              }
              if (count == buffer.length) {
                awaitChange();
                continue;
              }
              int tail = (head + count) % buffer.length;
              buffer[tail] = from[offset + done++];
              count++;
            }
            changed.signalAll();
          } finally {
            lock.unlock();
          }
        }

        @Override
        public void close() {
          closeSink();
        }
      };

  /**
   * Like a read from an OS pipe, waiting is not interruptible (the interrupt stays set). Callers
   * loop on their own condition around it.
   */
  @SuppressWarnings("WaitNotInLoop")
  private void awaitChange() {
    changed.awaitUninterruptibly();
  }

  /** Closes the writing end: the reader sees end of file once the buffer is empty. */
  public void closeSink() {
    lock.lock();
    try {
      sinkClosed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writers get "Broken pipe" from now on, while the reading side is left as it is: the state of a
   * pipe whose reader has died, seen before anyone has noticed the death.
   */
  public void breakForWriters() {
    lock.lock();
    try {
      broken = true;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the reading end: writers get "Broken pipe". */
  public void closeSource() {
    lock.lock();
    try {
      sourceClosed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The reading end. */
  public InputStream source() {
    return source;
  }

  /** The writing end. */
  public OutputStream sink() {
    return sink;
  }
}
