package io.snakebridge.internal.worker;

import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameFormatException;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.wire.FrameReader;
import io.snakebridge.internal.wire.FrameWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The frame-level conversation with one worker: writes requests and hands each reply to the
 * thread that asked for it, with no reader thread of its own.
 *
 * <p>Thread-safe. Any number of threads may have requests outstanding at once.
 */
public final class WorkerConnection {
  /*
   * Leader/follower (CONCURRENCY.md). A thread that needs a reply registers itself in `pending`
   * before writing, so whoever reads the reply can find it. It then tries to take the read role;
   * the holder (the leader) reads frames until its own reply arrives, handing any other frame to
   * its waiter with a volatile write plus unpark. Threads that lose the tryLock park until their
   * reply is handed to them or the leader leaves. A leader leaves by releasing the read role and
   * only then unparking one waiter still in `pending`: a waiter that failed tryLock registered
   * before that failure, so the scan after the unlock always sees it, and no reply goes unread.
   *
   * With one call per worker (the pool's default) the caller is always the leader and nothing is
   * handed over. Once a read fails the connection is broken for good: every waiter fails with the
   * same cause, and so does every later request.
   *
   * CALLBACK frames (WIRE-PROTOCOL.md §5.4) answer no request: the leader hands each to the
   * callback handler, which only queues it for another thread (the leader never runs user code)
   * and keeps reading. A call made by that callback is an ordinary request on this connection:
   * its thread registers in `pending` and follows the leader, which is the caller of the outer
   * call, still waiting for its own reply.
   */

  private final FrameReader reader;
  private final FrameWriter writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock readRole = new ReentrantLock();
  private final ConcurrentHashMap<Long, Waiter> pending = new ConcurrentHashMap<>();
  private final AtomicLong lastId = new AtomicLong();
  private volatile IOException failure;
  private volatile Consumer<Frame> callbackHandler;

  /**
   * Creates a connection over a worker's pipes.
   *
   * @param fromWorker the worker's stdout
   * @param toWorker the worker's stdin
   * @param maxFrameBytes the largest frame accepted from the worker
   */
  public WorkerConnection(InputStream fromWorker, OutputStream toWorker, long maxFrameBytes) {
    this.reader = new FrameReader(fromWorker, maxFrameBytes);
    this.writer = new FrameWriter(toWorker);
  }

  /** Returns a new request id, never 0 (0 is the handshake's). */
  public long nextRequestId() {
    return lastId.incrementAndGet();
  }

  /**
   * Sends a request and waits for the frame that answers it. The wait is not interruptible (an
   * interrupt is kept and restored); the pool's deadline bounds it by stopping the worker.
   *
   * @param body the value section, or null for kinds without one
   * @return the worker's answer with the same id
   * @throws FrameFormatException when the worker broke the protocol
   * @throws IOException when the pipes failed or the worker closed its output
   */
  public Frame request(FrameKind kind, long id, EncodedValue body) throws IOException {
    IOException broken = failure;
    if (broken != null) {
      throw rethrow(broken);
    }
    Waiter self = new Waiter(Thread.currentThread());
    pending.put(id, self);
    try {
      send(kind, id, body);
    } catch (IOException | RuntimeException e) {
      pending.remove(id);
      throw e;
    }
    return await(id, self);
  }

  /**
   * Sets what receives the worker's CALLBACK frames; without a handler a CALLBACK breaks the
   * protocol. The handler runs on the reading thread: it must only hand the frame on, never block
   * or run user code, and must not throw.
   */
  public void onCallback(Consumer<Frame> handler) {
    this.callbackHandler = handler;
  }

  /**
   * Writes one frame unless another thread is writing at this moment; never waits.
   *
   * @return whether the frame was written
   */
  public boolean trySend(FrameKind kind, long id, EncodedValue body) throws IOException {
    if (!writeLock.tryLock()) {
      return false;
    }
    try {
      writer.write(kind, id, body);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes one frame that expects no answer (SHUTDOWN, CANCEL, RELEASE, a callback's answer). */
  public void send(FrameKind kind, long id, EncodedValue body) throws IOException {
    writeLock.lock();
    try {
      writer.write(kind, id, body);
    } finally {
      writeLock.unlock();
    }
  }

  /** Closes the worker's stdin; the worker reads end of file and exits once idle. */
  public void closeOutput() {
    writeLock.lock();
    try {
      writer.close();
    } catch (IOException e) {
      // The pipe is already gone: the worker has exited, which is what closing asks for.
    } finally {
      writeLock.unlock();
    }
  }

  /** Returns the failure that broke this connection, or null while it works. */
  public IOException failure() {
    return failure;
  }

  private Frame await(long id, Waiter self) throws IOException {
    boolean interrupted = false;
    try {
      for (;;) {
        Frame done = self.frame;
        if (done != null) {
          return done;
        }
        IOException broken = self.failure != null ? self.failure : failure;
        if (broken != null) {
          pending.remove(id);
          throw rethrow(broken);
        }
        if (readRole.tryLock()) {
          try {
            if (self.frame == null && self.failure == null && failure == null) {
              return lead(id);
            }
          } finally {
            readRole.unlock();
            wakeNextLeader();
          }
          continue;
        }
        LockSupport.park(this);
        if (Thread.interrupted()) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads frames until the one for {@code id}; called with the read role held. */
  private Frame lead(long id) throws IOException {
    try {
      for (;;) {
        Frame frame = reader.read();
        if (!frame.kind().fromWorker()) {
          throw new FrameFormatException("a worker never sends " + frame.kind() + " frames");
        }
        if (frame.id() == id) {
          pending.remove(id);
          return frame;
        }
        if (frame.kind() == FrameKind.CALLBACK) {
          Consumer<Frame> handler = callbackHandler;
          if (handler == null) {
            throw new FrameFormatException("a CALLBACK frame on a connection that takes none ("
                + frame + ")");
          }
          handler.accept(frame);
          continue;
        }
        Waiter other = pending.remove(frame.id());
        if (other == null) {
          throw new FrameFormatException(
              "reply for request id " + Long.toUnsignedString(frame.id())
                  + ", which nobody is waiting for (" + frame + ")");
        }
        other.frame = frame;
        LockSupport.unpark(other.thread);
      }
    } catch (IOException e) {
      breakWith(e);
      throw e;
    }
  }

  private void breakWith(IOException cause) {
    failure = cause;
    for (Iterator<Waiter> it = pending.values().iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      it.remove();
      waiter.failure = cause;
      LockSupport.unpark(waiter.thread);
    }
  }

  private void wakeNextLeader() {
    if (pending.isEmpty()) {
      return;
    }
    Iterator<Waiter> it = pending.values().iterator();
    if (it.hasNext()) {
      LockSupport.unpark(it.next().thread);
    }
  }

  /** Gives each thread its own exception, with the first failure as the cause. */
  private static IOException rethrow(IOException cause) {
    if (cause instanceof FrameFormatException) {
      FrameFormatException copy = new FrameFormatException(cause.getMessage());
      copy.initCause(cause);
      return copy;
    }
    return new IOException(cause.getMessage(), cause);
  }

  private static final class Waiter {
    final Thread thread;
    volatile Frame frame;
    volatile IOException failure;

    Waiter(Thread thread) {
      this.thread = thread;
    }
  }
}
