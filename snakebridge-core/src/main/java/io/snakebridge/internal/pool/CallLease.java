package io.snakebridge.internal.pool;

import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.WorkerConnection;
import io.snakebridge.internal.worker.WorkerProcess;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One call's hold on one of a worker's call slots, from the lease until the pool takes the slot
 * back: its deadline, the id of its request, and whether it was cancelled.
 *
 * <p>Thread-safe. Its state moves LEASED → SENT (the caller is about to write its request) → DONE
 * (the caller has the reply), or to CANCELLING from LEASED or SENT when the deadline passed or the
 * call was cancelled; each move is one compare-and-set, so the caller and the canceller always
 * agree on who settles the worker (see {@link WorkerPool#cancel}).
 */
public final class CallLease {
  /** Why a call was cancelled. */
  public enum Cause {
    /** Its deadline passed. */
    TIMEOUT,
    /** Its future was cancelled. */
    CANCELLED
  }

  /**
   * Takes the RESULT of a call whose caller stopped waiting (its deadline passed or it was
   * cancelled) but which the worker finished anyway: the references in it exist in the worker and
   * must not be forgotten. Runs on the thread reading the worker's output; must not block or throw.
   */
  public interface LateResults {
    /** Takes {@code result}; {@code attachment} is what {@link #send} was given. */
    void lateResult(Frame result, Object attachment);
  }

  static final int LEASED = 0;
  static final int SENT = 1;
  static final int DONE = 2;
  static final int CANCELLING = 3;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CallLease.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PooledWorker worker;
  final int slot;
  final long deadline;
  private final Duration timeout;
  private volatile int state;
  private volatile long requestId;
  volatile @Nullable Cause cause;

  /** When a cancelled call that has not stopped makes the watchdog kill the worker. */
  volatile long graceEnd;

  /** Whether the CANCEL frame went out (it is retried while the worker's input is busy). */
  volatile boolean cancelSent;

  /** Whether the reply goes to the pool (the caller stopped waiting). */
  volatile boolean abandoned;

  // Set before the state's move to SENT, whose compare-and-set publishes them to the canceller.
  private @Nullable LateResults lateResults;
  private @Nullable Object lateAttachment;

  CallLease(PooledWorker worker, int slot, long deadline, Duration timeout) {
    this.worker = worker;
    this.slot = slot;
    this.deadline = deadline;
    this.timeout = timeout;
  }

  /** Returns the worker. */
  public PooledWorker worker() {
    return worker;
  }

  /** Returns the worker's process. */
  public WorkerProcess process() {
    return worker.process();
  }

  /** Returns the call's deadline, in ticker nanoseconds. */
  public long deadline() {
    return deadline;
  }

  /** Returns the call's timeout, for messages. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Publishes the request's id before it is written, and who takes its RESULT should it come after
   * the caller stopped waiting.
   *
   * @param late takes a late RESULT with {@code attachment}; null to drop it
   * @return false when the call was cancelled first: nothing may be written
   */
  public boolean send(long id, @Nullable LateResults late, Object attachment) {
    requestId = id;
    lateResults = late;
    lateAttachment = attachment;
    return STATE.compareAndSet(this, LEASED, SENT);
  }

  /**
   * Marks the reply as received by the caller.
   *
   * @return false when the call was cancelled meanwhile (the caller still has the reply)
   */
  public boolean received() {
    return STATE.compareAndSet(this, SENT, DONE);
  }

  /** Returns why the call was cancelled, or null. */
  public @Nullable Cause cancelCause() {
    return state == CANCELLING ? cause : null;
  }

  long requestId() {
    return requestId;
  }

  int state() {
    return state;
  }

  /**
   * Moves to CANCELLING.
   *
   * @return the state it left (LEASED or SENT), or -1 when it was already done or cancelling
   */
  int beginCancel(Cause why) {
    for (; ; ) {
      int current = state;
      if (current != LEASED && current != SENT) {
        return -1;
      }
      cause = why;
      if (STATE.compareAndSet(this, current, CANCELLING)) {
        return current;
      }
    }
  }

  /** Sends CANCEL for the request unless that already happened; never blocks. */
  void trySendCancel() {
    if (cancelSent) {
      return;
    }
    WorkerConnection connection = worker.process().connection();
    try {
      cancelSent = connection.trySend(FrameKind.CANCEL, requestId, null);
    } catch (IOException gone) {
      cancelSent = true; // the worker is gone; the connection's failure settles the call
    }
  }

  /** Receives the reply of a call whose caller stopped waiting, and settles the worker. */
  final class LateReply implements WorkerConnection.ReplyHandler {
    @Override
    public void reply(Frame frame) {
      LateResults late = lateResults;
      if (frame.kind() == FrameKind.RESULT && late != null) {
        try {
          late.lateResult(frame, Objects.requireNonNull(lateAttachment)); // set with late
        } catch (RuntimeException e) {
          // The handler reports its own failures; the worker must be settled whatever happens.
        }
      }
      worker
          .pool()
          .settleAbandoned(
              CallLease.this, frame.kind() == FrameKind.RESULT || frame.kind() == FrameKind.ERROR);
    }

    @Override
    public void failed(IOException cause) {
      worker.pool().settleAbandoned(CallLease.this, false);
    }
  }

  @Override
  public String toString() {
    return "call " + Long.toUnsignedString(requestId) + " on " + worker;
  }
}
