package io.snakebridge.internal.worker;

import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameFormatException;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.wire.FrameReader;
import io.snakebridge.internal.wire.FrameWriter;
import io.snakebridge.internal.wire.SharedLane;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;

/**
 * The frame-level conversation with one worker: writes requests and hands each reply to the thread
 * that asked for it, with no reader thread of its own.
 *
 * <p>Thread-safe. Any number of threads may have requests outstanding at once. A request may also
 * be sent with nobody waiting for it ({@link #tryRequest}, for PING) or given up by its waiting
 * thread ({@link #abandon}, for a cancelled call): its reply then goes to a {@link ReplyHandler}.
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
   * Detached waiters. A waiter may have no thread: a PING sent by the watchdog (tryRequest), or
   * a call whose caller gave up (abandon, after a deadline or a cancel). Its reply goes to its
   * ReplyHandler, on whichever thread reads it. When a leader leaves and only detached waiters
   * are pending, somebody must still read, so the scan after the unlock hands the read role to a
   * task on `readers` (readDetached), which reads until no detached waiter is left; the same
   * ordering argument as above means no detached reply goes unread either. That task is also
   * started by tryRequest when nobody leads (an idle worker's PONG).
   *
   * Exactly one party completes a waiter: whoever removes it from `pending` (the reader routing
   * its reply, breakWith, or a failed send). Completion sets the frame or the failure, then moves
   * the state WAITING -> DONE and unparks the thread; abandon moves it WAITING -> DETACHED. The
   * two CASes decide whether the waiting thread or the handler gets the outcome.
   *
   * Long waits. A leader blocked in a read can be woken only by a frame, and a worker that holds
   * the GIL (a C loop) sends none: its caller would stay blocked past its deadline, and past an
   * interrupt, until the worker is killed. So a leader reads only when bytes are there, and waits
   * for them a short while (LEAD_SPIN_NANOS, yielding the CPU): replies to short calls come in
   * that time, and the call path stays a read by the caller itself. When none came, the leader
   * hands the read role to a task on `readers` (readDetached, which then reads while such
   * handed-over waiters or detached ones are pending) and parks as a follower, which abandon
   * (a deadline, a cancel) and an interrupt wake at once. Without `readers` (a connection not
   * owned by a pool) the leader blocks in the read as before.
   *
   * Interrupts. A waiting thread that is interrupted tells the interrupt handler once (the pool
   * cancels the call, which abandons the request, so the wait ends with
   * AbandonedRequestException); the flag is restored when the wait ends. A request the handler
   * does not cancel (a call nested in a callback, which the outer call's end covers) goes on
   * waiting.
   *
   * CALLBACK frames (WIRE-PROTOCOL.md §5.4) answer no request: the leader hands each to the
   * callback handler, which only queues it for another thread (the leader never runs user code)
   * and keeps reading. A call made by that callback is an ordinary request on this connection:
   * its thread registers in `pending` and follows the leader, which is the caller of the outer
   * call, still waiting for its own reply.
   */

  /** Receives the answer to a request that no thread waits for. */
  public interface ReplyHandler {
    /** The answer arrived. Runs on the reading thread: must be quick, never block or throw. */
    void reply(Frame frame);

    /** The connection broke first. Same rules as {@link #reply}. */
    void failed(IOException cause);
  }

  private static final Logger LOG = System.getLogger("io.snakebridge.worker");

  /**
   * How long a leader waits for the first bytes of a frame before it hands the read role over and
   * parks (see "Long waits"): longer than the round trip of a short call on a busy machine.
   */
  static final long LEAD_SPIN_NANOS = 200_000;

  private static final int WAITING = 0;
  private static final int DONE = 1;
  private static final int DETACHED = 2;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final InputStream fromWorker;
  private final FrameReader reader;
  private final FrameWriter writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock readRole = new ReentrantLock();
  private final ConcurrentHashMap<Long, Waiter> pending = new ConcurrentHashMap<>();
  private final AtomicLong lastId = new AtomicLong();
  private volatile @Nullable IOException failure;
  private volatile @Nullable Consumer<Frame> callbackHandler;
  private volatile @Nullable Executor readers;
  private volatile @Nullable LongPredicate interruptHandler;

  /**
   * Creates a connection over a worker's pipes.
   *
   * @param fromWorker the worker's stdout
   * @param toWorker the worker's stdin
   * @param maxFrameBytes the largest frame accepted from the worker
   */
  public WorkerConnection(InputStream fromWorker, OutputStream toWorker, long maxFrameBytes) {
    this.fromWorker = fromWorker;
    this.reader = new FrameReader(fromWorker, maxFrameBytes);
    this.writer = new FrameWriter(toWorker);
  }

  /** Returns a new request id, never 0 (0 is the handshake's). */
  public long nextRequestId() {
    return lastId.incrementAndGet();
  }

  /**
   * Sends a request and waits for the frame that answers it. An interrupt goes to the {@link
   * #onInterrupt} handler, and is kept and restored; the pool's deadline bounds the wait by
   * abandoning the request or stopping the worker.
   *
   * @param body the value section, or null for kinds without one
   * @return the worker's answer with the same id
   * @throws AbandonedRequestException when {@link #abandon} gave the reply to a handler
   * @throws NotSentException when the request could not be written (the worker is gone)
   * @throws FrameFormatException when the worker broke the protocol
   * @throws IOException when the pipes failed or the worker closed its output
   */
  public Frame request(FrameKind kind, long id, EncodedValue body) throws IOException {
    IOException broken = failure;
    if (broken != null) {
      throw new NotSentException(broken);
    }
    Waiter self = new Waiter(Thread.currentThread(), WAITING);
    pending.put(id, self);
    try {
      send(kind, id, body);
    } catch (IOException e) {
      if (pending.remove(id, self)) {
        throw new NotSentException(e);
      }
      // A reader or breakWith claimed it meanwhile: the outcome is in the waiter.
    } catch (RuntimeException e) {
      if (pending.remove(id, self)) {
        throw e;
      }
    }
    return await(id, self);
  }

  /**
   * Sends a request whose answer goes to {@code handler}, unless another thread is writing at this
   * moment; never waits. If no thread is reading, a task on the {@link #readDetachedWith} executor
   * reads the answer.
   *
   * @return whether the request was written
   * @throws IOException when the connection is broken or the write failed
   */
  public boolean tryRequest(
      FrameKind kind, long id, @Nullable EncodedValue body, ReplyHandler handler)
      throws IOException {
    IOException broken = failure;
    if (broken != null) {
      throw rethrow(broken);
    }
    Waiter detached = new Waiter(null, DETACHED);
    detached.handler = handler;
    pending.put(id, detached);
    if (!writeLock.tryLock()) {
      pending.remove(id, detached);
      return false;
    }
    try {
      writer.write(kind, id, body);
    } catch (IOException | RuntimeException e) {
      pending.remove(id, detached);
      throw e;
    } finally {
      writeLock.unlock();
    }
    IOException brokenMeanwhile = failure;
    if (brokenMeanwhile != null) {
      if (pending.remove(id, detached)) {
        notifyHandler(detached, null, brokenMeanwhile);
      }
    } else if (!readRole.isLocked()) {
      startDetachedReader();
    }
    return true;
  }

  /**
   * Gives up waiting for request {@code id}: its thread stops waiting at once if it is a follower,
   * or as soon as the next frame arrives if it is reading, and throws {@link
   * AbandonedRequestException}; the reply, or the connection's failure, goes to {@code handler}.
   *
   * @return false when the reply had already reached its thread (or the request is unknown): that
   *     thread then handles it as usual
   */
  public boolean abandon(long id, ReplyHandler handler) {
    Waiter waiter = pending.get(id);
    if (waiter == null || waiter.thread == null) {
      return false;
    }
    waiter.handler = handler;
    if (!STATE.compareAndSet(waiter, WAITING, DETACHED)) {
      return false;
    }
    LockSupport.unpark(waiter.thread);
    IOException broken = failure;
    if (broken != null && pending.remove(id, waiter)) {
      notifyHandler(waiter, null, broken);
    } else if (!readRole.isLocked()) {
      startDetachedReader();
    }
    return true;
  }

  /**
   * Sets the executor that reads replies nobody waits for on a thread (detached requests) when no
   * caller is reading, and the replies of long waits (see the class comment); without one detached
   * replies are read by the next caller, and a leader blocks in its read.
   */
  public void readDetachedWith(Executor executor) {
    this.readers = executor;
  }

  /**
   * Sets what a thread waiting for a reply does when it is interrupted: {@code handler} gets the
   * request id and returns whether it gave the request up ({@link #abandon}), which ends the wait;
   * else the thread goes on waiting. Called at most once per request, on that thread.
   */
  public void onInterrupt(LongPredicate handler) {
    this.interruptHandler = handler;
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
  public boolean trySend(FrameKind kind, long id, @Nullable EncodedValue body) throws IOException {
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
  public void send(FrameKind kind, long id, @Nullable EncodedValue body) throws IOException {
    writeLock.lock();
    try {
      writer.write(kind, id, body);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Sends and receives the large parts of frames through {@code lane} from now on (WIRE-PROTOCOL.md
   * §2.2). Called once, after the handshake, before any request.
   */
  public void useSharedLane(SharedLane lane) {
    reader.useLane(lane);
    writeLock.lock();
    try {
      writer.useLane(lane);
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
  public @Nullable IOException failure() {
    return failure;
  }

  private Frame await(long id, Waiter self) throws IOException {
    boolean interrupted = false;
    try {
      for (; ; ) {
        int state = self.state;
        if (state == DONE) {
          Frame done = self.frame;
          if (done != null) {
            return done;
          }
          throw rethrow(java.util.Objects.requireNonNull(self.failure, "failure"));
        }
        if (state == DETACHED) {
          throw new AbandonedRequestException(id, null);
        }
        IOException broken = failure;
        if (broken != null) {
          if (pending.remove(id, self)) {
            throw rethrow(broken);
          }
          continue; // claimed by breakWith: it completes the waiter at once
        }
        if (Thread.interrupted()) {
          interrupted = true;
          interrupt(id, self);
          continue;
        }
        if (!self.handedOver && readRole.tryLock()) {
          boolean handOver = false;
          try {
            if (self.state == WAITING && failure == null) {
              @Nullable Frame frame = lead(id, self);
              if (frame != null) {
                return frame;
              }
              handOver = self.state == WAITING && !Thread.currentThread().isInterrupted();
            }
          } finally {
            readRole.unlock();
            if (handOver) {
              self.handedOver = true;
              if (!startDetachedReader()) {
                self.handedOver = false; // nobody can read for it (a pool closing): block
                self.mustBlock = true;
              }
            } else {
              wakeNextLeader();
            }
          }
          continue;
        }
        if (self.handedOver && !readRole.isLocked()) {
          startDetachedReader(); // the reader left before this reply came: another one reads
        }
        LockSupport.park(this);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Tells the interrupt handler, once per request, that the waiting thread was interrupted. */
  private void interrupt(long id, Waiter self) {
    @Nullable LongPredicate handler = interruptHandler;
    if (handler != null && !self.interruptTold) {
      self.interruptTold = true;
      // A handler that gives the request up abandons it, which completes the waiter and so ends
      // the wait loop; its answer is not needed here.
      boolean unused = handler.test(id);
    }
  }

  /**
   * Reads frames until the one for {@code id}; called with the read role held. Returns null when
   * the read role should go to another thread (see "Long waits"): no bytes came in time, the thread
   * was interrupted, or the waiter was completed or abandoned meanwhile.
   */
  private @Nullable Frame lead(long id, Waiter self) throws IOException {
    try {
      for (; ; ) {
        if (readers != null && !self.mustBlock && !bytesComing(self)) {
          return null;
        }
        @Nullable Frame frame = reader.read();
        Waiter target = route(frame);
        if (target == self) {
          if (self.state == DONE) {
            return frame;
          }
          throw new AbandonedRequestException(id, null); // the handler got the reply
        }
        if (self.state == DETACHED) {
          throw new AbandonedRequestException(id, null);
        }
      }
    } catch (AbandonedRequestException e) {
      throw e;
    } catch (IOException e) {
      breakWith(e);
      if (self.state == DETACHED) {
        throw new AbandonedRequestException(id, e);
      }
      throw e;
    }
  }

  /**
   * Waits up to {@link #LEAD_SPIN_NANOS} for bytes to read, yielding the CPU (the worker may share
   * it). False when none came, or this thread was interrupted, or its waiter was completed or
   * abandoned meanwhile.
   */
  @SuppressWarnings("ThreadPriorityCheck") // a bounded spin before parking, see "Long waits"
  private boolean bytesComing(Waiter self) {
    try {
      if (fromWorker.available() > 0) {
        return true;
      }
      long start = System.nanoTime();
      do {
        Thread.yield();
        if (fromWorker.available() > 0) {
          return true;
        }
        if (self.state != WAITING || Thread.currentThread().isInterrupted()) {
          return false;
        }
      } while (System.nanoTime() - start < LEAD_SPIN_NANOS);
      return false;
    } catch (IOException closed) {
      return true; // the read reports it
    }
  }

  /**
   * Reads while detached or handed-over waiters are pending and nobody else leads; a task on
   * `readers`.
   */
  private void readDetached() {
    if (!readRole.tryLock()) {
      return; // a leader reads, and checks for detached waiters when it leaves
    }
    try {
      while (failure == null && needsReader()) {
        route(reader.read());
      }
    } catch (IOException e) {
      breakWith(e);
    } catch (RuntimeException | Error e) {
      breakWith(new IOException("reading the worker's output failed: " + e, e));
    } finally {
      readRole.unlock();
      wakeNextLeader();
    }
  }

  /**
   * Delivers one frame read from the worker: a CALLBACK to the callback handler, anything else to
   * the waiter of its id. Returns that waiter, or null for a CALLBACK.
   */
  private @Nullable Waiter route(Frame frame) throws IOException {
    if (!frame.kind().fromWorker()) {
      throw new FrameFormatException("a worker never sends " + frame.kind() + " frames");
    }
    if (frame.kind() == FrameKind.CALLBACK) {
      @Nullable Consumer<Frame> handler = callbackHandler;
      if (handler == null) {
        throw new FrameFormatException(
            "a CALLBACK frame on a connection that takes none (" + frame + ")");
      }
      handler.accept(frame);
      return null;
    }
    Waiter waiter = pending.remove(frame.id());
    if (waiter == null) {
      throw new FrameFormatException(
          "reply for request id "
              + Long.toUnsignedString(frame.id())
              + ", which nobody is waiting for ("
              + frame
              + ")");
    }
    complete(waiter, frame, null);
    return waiter;
  }

  /** Completes a waiter this thread claimed (removed from `pending`). */
  private static void complete(Waiter waiter, @Nullable Frame frame, @Nullable IOException cause) {
    if (frame != null) {
      waiter.frame = frame;
    } else {
      waiter.failure = cause;
    }
    if (STATE.compareAndSet(waiter, WAITING, DONE)) {
      if (waiter.thread != Thread.currentThread()) {
        LockSupport.unpark(waiter.thread);
      }
    } else {
      notifyHandler(waiter, frame, cause);
    }
  }

  private static void notifyHandler(
      Waiter waiter, @Nullable Frame frame, @Nullable IOException cause) {
    try {
      // Set before the request could complete; a waiter completes with a frame or a cause.
      ReplyHandler handler = java.util.Objects.requireNonNull(waiter.handler, "handler");
      if (frame != null) {
        handler.reply(frame);
      } else {
        handler.failed(java.util.Objects.requireNonNull(cause, "cause"));
      }
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "a reply handler failed", e);
    }
  }

  private void breakWith(IOException cause) {
    failure = cause;
    for (Map.Entry<Long, Waiter> entry : pending.entrySet()) {
      if (pending.remove(entry.getKey(), entry.getValue())) {
        complete(entry.getValue(), null, cause);
      }
    }
  }

  /** Whether a pending reply has no thread of its own to read it: detached or handed over. */
  private boolean needsReader() {
    for (Waiter waiter : pending.values()) {
      if (waiter.state == DETACHED || waiter.handedOver) {
        return true;
      }
    }
    return false;
  }

  /** After leaving the read role: wakes a waiting thread, else has the detached replies read. */
  private void wakeNextLeader() {
    if (pending.isEmpty()) {
      return;
    }
    boolean detached = false;
    for (Waiter waiter : pending.values()) {
      if (waiter.state == WAITING && !waiter.handedOver) {
        LockSupport.unpark(waiter.thread);
        return;
      }
      detached = true;
    }
    if (detached && failure == null) {
      startDetachedReader();
    }
  }

  /** Has a task read for detached and handed-over waiters; false when there is none to run it. */
  private boolean startDetachedReader() {
    Executor executor = readers;
    if (executor == null) {
      return false;
    }
    try {
      executor.execute(this::readDetached);
      return true;
    } catch (RejectedExecutionException closed) {
      // The pool is closing: its workers are stopped, nobody waits for these replies.
      return false;
    }
  }

  /** Gives each thread its own exception, with the first failure as the cause. */
  private static IOException rethrow(IOException cause) {
    if (cause instanceof FrameFormatException) {
      FrameFormatException copy = new FrameFormatException(String.valueOf(cause.getMessage()));
      copy.initCause(cause);
      return copy;
    }
    return new IOException(cause.getMessage(), cause);
  }

  private static final class Waiter {
    /** The waiting thread; null for a request sent detached. */
    final @Nullable Thread thread;

    volatile int state;
    volatile @Nullable Frame frame;
    volatile @Nullable IOException failure;
    volatile @Nullable ReplyHandler handler;

    /** The thread left reading to a task on `readers` and only parks (see "Long waits"). */
    volatile boolean handedOver;

    /** The interrupt handler was told (owner thread only). */
    boolean interruptTold;

    /** No task could take the read role over: the thread blocks in its read (owner only). */
    boolean mustBlock;

    Waiter(@Nullable Thread thread, int state) {
      this.thread = thread;
      this.state = state;
    }
  }
}
