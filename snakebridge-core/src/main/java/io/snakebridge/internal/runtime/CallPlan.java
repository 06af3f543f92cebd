package io.snakebridge.internal.runtime;

import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionLostException;
import io.snakebridge.SessionMismatchException;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.LiveObjects;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.session.SessionState;
import io.snakebridge.internal.session.SessionTable;
import io.snakebridge.internal.wire.FrameKind;
import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One call's session and routing, gathered while its CALL is encoded and used when its reply is
 * decoded: which session it runs in, which worker holds the references it passes, and (for a call
 * made inside a callback) the worker it must run on.
 *
 * <p>Not thread-safe: one per call, used by the thread that makes the call (an async call hands it
 * to the thread that runs it, which is a happens-before edge); only {@link #cancel()} may be called
 * from another thread.
 */
final class CallPlan implements LiveObjects {
  /*
   * The session element is written before the arguments, but a reference among the arguments
   * outranks a session that was only a default (context, callback, automatic). So the first such
   * reference from another session switches the plan to the reference's session and throws
   * SWITCH; the caller encodes once more with the new session element. That happens at most once
   * (the switched session is fixed), and never for callMethod/getAttr/setAttr, whose target is
   * known before encoding.
   */

  /** Thrown by {@link #writeRef} when the call must be encoded again in another session. */
  static final class SessionSwitch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SessionSwitch() {
      super("the call's session changes to its references' session", null, false, false);
    }
  }

  @SuppressWarnings(
      "StaticAssignmentOfThrowable") // a stackless control-flow signal, never thrown to users
  static final SessionSwitch SWITCH = new SessionSwitch();

  private final SessionTable sessions;
  private final CallbackTable callbacks;
  private final @Nullable PooledWorker fixedWorker;
  private SessionState session;
  private boolean sessionFixed;
  private @Nullable PooledWorker refWorker;
  private @Nullable PooledWorker worker;
  private @Nullable EncodedValue request;

  /** The request id once the CALL is about to be written (publishes {@link #worker}); else 0. */
  private volatile long runningId;

  /**
   * @param session the call's session
   * @param sessionFixed whether the session was chosen for this call (options, target): then a
   *     reference from another session is a mismatch, not a switch
   * @param fixedWorker the worker waiting in a callback, where this call must run; or null
   */
  CallPlan(
      SessionTable sessions,
      CallbackTable callbacks,
      SessionState session,
      boolean sessionFixed,
      @Nullable PooledWorker fixedWorker) {
    this.sessions = sessions;
    this.callbacks = callbacks;
    this.session = session;
    this.sessionFixed = sessionFixed;
    this.fixedWorker = fixedWorker;
    this.worker = fixedWorker;
  }

  /** Returns the encoded CALL. */
  EncodedValue request() {
    return Objects.requireNonNull(request, "the CALL is encoded before it runs");
  }

  void request(EncodedValue request) {
    this.request = request;
  }

  /** Makes the call run on {@code worker}, as if it passed a reference living there. */
  void pin(PooledWorker worker) {
    this.refWorker = worker;
  }

  /** Returns the call's session. */
  SessionState session() {
    return session;
  }

  /** Returns the worker holding the references the call passes, or null when it passes none. */
  @Nullable PooledWorker refWorker() {
    return refWorker;
  }

  /** Returns the worker waiting in a callback, where this call must run, or null. */
  @Nullable PooledWorker fixedWorker() {
    return fixedWorker;
  }

  /** Records the worker running the call; references in its reply live there. */
  void ranOn(PooledWorker worker) {
    this.worker = worker;
  }

  /** Records the request id of the CALL the caller is about to write to the worker it ran on. */
  void running(long id) {
    this.runningId = id;
  }

  /**
   * Asks the worker to cancel this call (a CANCEL frame, WIRE-PROTOCOL.md §2), from any thread; the
   * call still ends with its own reply. Best effort: a CANCEL that arrives before the worker
   * started the call, or after it ended, is ignored, and nothing is sent before the call has a
   * worker.
   */
  void cancel() {
    long id = runningId;
    PooledWorker on = worker; // set before runningId, which publishes it
    if (id == 0 || on == null) {
      return;
    }
    try {
      on.process().connection().send(FrameKind.CANCEL, id, null);
    } catch (IOException gone) {
      // The worker is going away: its call ends with it.
    }
  }

  /** Forgets what an encoding pass that ended in {@link #SWITCH} gathered. */
  void restart() {
    refWorker = null;
  }

  @Override
  public void writeRef(PyRef ref) {
    String foreign = sessions.foreign(ref);
    if (foreign != null) {
      throw new ReferenceNotFoundException(foreign, ref.refId(), ref.sessionId());
    }
    if (!ref.sessionId().equals(session.id())) {
      if (sessionFixed) {
        throw new SessionMismatchException(
            "reference "
                + ref.refId()
                + " to a "
                + ref.typeName()
                + " belongs to session "
                + ref.sessionId()
                + " and cannot be used in a call of session "
                + session.id(),
            ref.refId(),
            ref.sessionId(),
            session.id());
      }
      SessionState own = sessions.find(ref.sessionId());
      if (own == null) {
        throw new ReferenceNotFoundException(
            "reference "
                + ref.refId()
                + " to a "
                + ref.typeName()
                + " cannot be used: its session "
                + ref.sessionId()
                + " has ended",
            ref.refId(),
            ref.sessionId());
      }
      session = own;
      sessionFixed = true;
      throw SWITCH;
    }
    PooledWorker holder = sessions.workerOf(ref, session);
    if (holder.isGone()) {
      throw new SessionLostException(
          "reference "
              + ref.refId()
              + " to a "
              + ref.typeName()
              + " of session "
              + session.id()
              + " is lost: Python worker "
              + holder.id()
              + ", which held it, is gone",
          session.id(),
          holder.id());
    }
    if (fixedWorker != null && holder != fixedWorker) {
      throw new SnakeBridgeException(
          "reference "
              + ref.refId()
              + " lives on Python worker "
              + holder.id()
              + ", but a call made inside a callback runs on worker "
              + fixedWorker.id()
              + ", which is waiting for that callback");
    }
    if (refWorker == null) {
      refWorker = holder;
    } else if (refWorker != holder) {
      throw new SnakeBridgeException(
          "the references passed to one call live on two Python"
              + " workers ("
              + refWorker.id()
              + " and "
              + holder.id()
              + ") and cannot be used"
              + " together");
    }
  }

  @Override
  public long writeCallback(Object function) {
    return callbacks.register(session, function);
  }

  @Override
  public Object readRef(
      String refId,
      String sessionId,
      @Nullable String typeName,
      @Nullable String module,
      boolean stream) {
    if (typeName == null) {
      throw new UnsupportedOperationException("a reference from a worker needs its type");
    }
    SessionState owner = sessionId.equals(session.id()) ? session : sessions.find(sessionId);
    if (owner == null) {
      // A worker registers references in the call's session (§5.2); should one ever name a
      // session this runtime does not know, track it rather than hand out an unusable PyRef.
      owner =
          sessions.explicit(sessionId, SessionOptions.DEFAULT_MAX_REFS, SessionOptions.DEFAULT_TTL);
    }
    // From a worker the module always comes with the type (SbwReader).
    return sessions.intern(
        owner,
        Objects.requireNonNull(worker, "references are read from the worker that ran the call"),
        refId,
        typeName,
        Objects.requireNonNull(module),
        stream);
  }
}
