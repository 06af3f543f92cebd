package io.snakebridge.internal.runtime;

import io.snakebridge.Affinity;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.ConversionException;
import io.snakebridge.EventListener.ExitReason;
import io.snakebridge.SessionLostException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.WorkerCrashedException;
import io.snakebridge.internal.codec.DecodingTimedOutException;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.WireFormatException;
import io.snakebridge.internal.pool.CallControl;
import io.snakebridge.internal.pool.CallLease;
import io.snakebridge.internal.pool.PoolEvents;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.pool.WorkerPool;
import io.snakebridge.internal.session.SessionState;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameFormatException;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.AbandonedRequestException;
import io.snakebridge.internal.worker.ExitReport;
import io.snakebridge.internal.worker.NotSentException;
import io.snakebridge.internal.worker.WorkerConnection;
import io.snakebridge.internal.worker.WorkerProcess;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs one encoded request on a leased worker and turns the reply, or the lack of one, into a value
 * or an exception: the path every call takes (ARCHITECTURE.md, "A call, step by step").
 *
 * <p>Thread-safe; holds no per-call state (that is in each call's {@link CallPlan}).
 */
final class CallRunner implements CallLease.LateResults {
  /*
   * The hot path is: lease (a few field updates under the pool lock), one write and flush, a
   * blocking read by the caller itself, decode, release. No thread hand-off, no timer task (the
   * watchdog scans the armed deadline), no logging, no exceptions unless something failed.
   *
   * A worker is returned to the pool only after its reply was read and decoded completely. Any
   * other way out of execute() discards it: whatever went wrong, a worker in an unknown state is
   * never reused. The one exception is a call its caller stopped waiting for (deadline, cancel):
   * the pool then owns the reply, and settles the worker when it comes (see WorkerPool.cancel).
   */

  /** How long a caller whose worker died waits for its exit status. */
  static final long CRASH_EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long it then waits for the rest of the worker's stderr. */
  static final long CRASH_DRAIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** Timeouts beyond about 73 years are treated as that, so deadlines never overflow. */
  private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final String runtimeName;
  private final ValueReader reader;
  private final Ticker ticker;
  private final CallbackTable callbacks;
  private final LongSupplier clock;

  CallRunner(String runtimeName, ValueReader reader, Ticker ticker, CallbackTable callbacks) {
    this.runtimeName = runtimeName;
    this.reader = reader;
    this.ticker = ticker;
    this.clock = ticker::read;
    this.callbacks = callbacks;
  }

  /**
   * Leases the worker {@code plan} needs in {@code spec}'s pool, sends {@code request} as a CALL,
   * and returns the decoded result. A call made inside a callback leases nothing: it runs on the
   * worker waiting for the callback. An idempotent call whose worker crashed runs again on another
   * worker, up to the pool's {@code crashRetries} times within its deadline, unless it passed
   * references (their objects died with the worker).
   */
  Object run(EncodedValue request, CallPlan plan, CallSpec spec) {
    if (plan.fixedWorker() != null) {
      return runNested(request, plan, spec.timeout(), spec.module(), spec.target());
    }
    WorkerPool pool = spec.pool();
    long start = ticker.read();
    long deadline = start + nanos(spec.timeout());
    String[] ranOn = new String[1];
    if (spec.internal()) {
      return attempts(request, plan, spec, deadline, ranOn);
    }
    PoolEvents events = pool.events();
    String call = events.enabled() ? spec.call() : null;
    events.callStart(call);
    try {
      Object value = attempts(request, plan, spec, deadline, ranOn);
      pool.recordCall(null, false);
      events.callEnd(ranOn[0], call, ticker.read() - start);
      return value;
    } catch (RuntimeException | Error e) {
      pool.recordCall(e, e instanceof CallTimeoutException);
      events.callFailed(call, e, ticker.read() - start);
      throw e;
    }
  }

  private Object attempts(
      EncodedValue request, CallPlan plan, CallSpec spec, long deadline, String[] ranOn) {
    for (int retries = 0; ; ) {
      CallLease lease = lease(plan, spec, deadline);
      ranOn[0] = lease.worker().id();
      try {
        return execute(request, plan, spec, lease);
      } catch (NeverSent gone) {
        // the worker died before the call reached it: any call may go elsewhere
      } catch (WorkerCrashedException crash) {
        if (!spec.idempotent() || retries >= spec.pool().options().crashRetries()) {
          throw crash;
        }
        retries++;
        PooledWorker lost = plan.refWorker();
        if (lost != null) {
          throw new SessionLostException(
              "the idempotent call to "
                  + spec.call()
                  + " passed objects of session "
                  + plan.session().id()
                  + " that lived on Python"
                  + " worker "
                  + lost.id()
                  + ", which crashed: they are lost, so it is not retried",
              plan.session().id(),
              lost.id(),
              crash);
        }
        CallControl control = spec.control();
        if (ticker.read() - deadline >= 0 || (control != null && control.isCancelled())) {
          throw crash;
        }
        LOG.log(
            Level.DEBUG,
            () ->
                "runtime '"
                    + runtimeName
                    + "': retrying the idempotent call"
                    + " to "
                    + spec.call()
                    + " after a crash of Python worker "
                    + crash.workerId());
      }
    }
  }

  /** Sends the CALL on a leased worker and turns the reply into a value or an exception. */
  private Object execute(EncodedValue request, CallPlan plan, CallSpec spec, CallLease lease) {
    PooledWorker worker = lease.worker();
    WorkerPool pool = worker.pool();
    plan.ranOn(worker);
    plan.session().ranOn(worker);
    if (!spec.internal() && pool.events().enabled()) {
      pool.events().callAcquired(worker.id(), spec.call());
    }
    WorkerConnection connection = worker.process().connection();
    long id = connection.nextRequestId();
    CallControl control = spec.control();
    if ((control != null && control.isCancelled()) || !lease.send(id, this, plan)) {
      pool.release(lease); // nothing was sent: the call never runs
      throw cancelledBeforeSending(lease, spec);
    }
    boolean settled = false;
    try {
      plan.running(id);
      Frame reply;
      try {
        reply = connection.request(FrameKind.CALL, id, request);
      } catch (NotSentException e) {
        settled = true;
        if (plan.refWorker() == null) {
          dropDeadIdle(lease); // it died before the call reached it, like a worker dead idle
          throw NeverSent.INSTANCE;
        }
        RuntimeException ended = noReply(lease, e, spec);
        if (ended instanceof WorkerCrashedException) {
          // The worker holding the call's objects died before the call reached it (its death
          // not yet seen when the call was leased): the objects are what is lost.
          throw new SessionLostException(
              "the objects of session "
                  + plan.session().id()
                  + " are lost: Python worker "
                  + worker.id()
                  + ", which held them, died before "
                  + spec.call()
                  + " reached it",
              plan.session().id(),
              worker.id(),
              ended);
        }
        throw ended;
      } catch (AbandonedRequestException e) {
        settled = true; // the pool settles the worker when the reply comes, or kills it
        callbacks.callAbandoned(worker, id); // it may still call back until it stops
        throw abandoned(lease, spec, e);
      } catch (IOException e) {
        settled = true;
        throw noReply(lease, e, spec);
      }
      boolean onTime = lease.received();
      Object value;
      try {
        value = decode(reply, plan, lease.deadline());
      } catch (DecodingTimedOutException e) {
        settled = true;
        pool.release(lease); // the reply was read whole: the worker did nothing wrong
        throw new CallTimeoutException(
            "the call to "
                + spec.call()
                + " reached its deadline ("
                + spec.timeout()
                + ") while its reply was decoded: "
                + e.getMessage(),
            spec.timeout(),
            worker.id(),
            null);
      } catch (WireFormatException e) {
        settled = true;
        if (e.unrepresentableValue() && reply.kind() == FrameKind.RESULT) {
          // Well-formed but with no Java form (a cycle, too deep): the worker did nothing wrong.
          pool.release(lease);
          throw unrepresentable(spec.module(), spec.target(), e);
        }
        throw violation(lease, "sent a malformed value section (" + e.getMessage() + ")", spec, e);
      }
      if (reply.kind() == FrameKind.RESULT) {
        settled = true;
        pool.release(lease);
        return value;
      }
      settled = true;
      throw failure(lease, reply, value, spec, onTime);
    } finally {
      callbacks.callEnded(worker, id);
      if (!settled) {
        pool.discard(lease, ExitReason.PROTOCOL_ERROR);
        worker.process().kill();
      }
    }
  }

  /**
   * Leases the worker holding the objects the call passes (it must run there), else the session's
   * home worker if it belongs to the call's pool (as the affinity says), else any worker of that
   * pool.
   */
  private CallLease lease(CallPlan plan, CallSpec spec, long deadline) {
    WorkerPool pool = spec.pool();
    SessionState session = plan.session();
    PooledWorker needed = plan.refWorker();
    PooledWorker home = session.home();
    PooledWorker target =
        needed != null ? needed : home != null && home.pool() == pool ? home : null;
    if (target == null) {
      return leaseLive(
          pool.lease(deadline, spec.timeout(), spec.control(), eventName(spec)), spec, deadline);
    }
    // Objects the call passes exist only there: HINT cannot send it elsewhere.
    Affinity affinity = spec.affinity();
    Affinity mode = needed != null && affinity == Affinity.HINT ? Affinity.STRICT_QUEUE : affinity;
    CallLease leased =
        target.isGone()
            ? null
            : target
                .pool()
                .leaseTarget(
                    target,
                    mode,
                    deadline,
                    spec.timeout(),
                    session.id(),
                    spec.control(),
                    eventName(spec));
    if (leased != null && leased.worker() != target) {
      return leaseLive(leased, spec, deadline); // HINT took another worker
    }
    if (leased != null && leased.process().isAlive()) {
      return leased;
    }
    if (leased != null) {
      dropDeadIdle(leased);
    }
    if (needed != null) {
      throw new SessionLostException(
          "the objects of session "
              + session.id()
              + " are lost: Python worker "
              + target.id()
              + ", which held them, is gone",
          session.id(),
          target.id());
    }
    session.forgetHome(target); // its objects died with it; the session goes on elsewhere
    return leaseLive(
        pool.lease(deadline, spec.timeout(), spec.control(), eventName(spec)), spec, deadline);
  }

  /**
   * Returns {@code lease} if its worker's process still runs, else drops the worker and leases
   * others until one does. One that died while idle (the OOM killer, a stray signal) is reported
   * here, so no call is charged with its death.
   */
  private CallLease leaseLive(CallLease lease, CallSpec spec, long deadline) {
    while (!lease.process().isAlive()) {
      dropDeadIdle(lease);
      lease = spec.pool().lease(deadline, spec.timeout(), spec.control(), eventName(spec));
    }
    return lease;
  }

  private void dropDeadIdle(CallLease lease) {
    PooledWorker worker = lease.worker();
    worker.pool().discard(lease, ExitReason.CRASHED);
    ExitReport report = ExitReport.collect(worker.process(), 0, CRASH_DRAIN_WAIT_NANOS);
    LOG.log(
        Level.WARNING,
        () ->
            report.withTail(
                "runtime '"
                    + runtimeName
                    + "': Python worker "
                    + describe(worker.process())
                    + " died while idle: "
                    + report.status()));
  }

  /** A call whose worker was found dead before the call reached it: it runs elsewhere. */
  private static final class NeverSent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("StaticAssignmentOfThrowable") // a stackless signal caught in run()
    static final NeverSent INSTANCE = new NeverSent();

    private NeverSent() {
      super("the worker died before the call reached it", null, false, false);
    }
  }

  /** The call's name for the pool's events; null when nobody listens, to save building it. */
  private static @Nullable String eventName(CallSpec spec) {
    return !spec.internal() && spec.pool().events().enabled() ? spec.call() : null;
  }

  /** The call was cancelled after it got a worker but before anything was sent. */
  private static RuntimeException cancelledBeforeSending(CallLease lease, CallSpec spec) {
    if (lease.cancelCause() == CallLease.Cause.TIMEOUT) {
      return new CallTimeoutException(
          "the call to "
              + spec.call()
              + " reached its deadline"
              + " ("
              + spec.timeout()
              + ") before it was sent",
          spec.timeout(),
          null,
          null);
    }
    return new CancellationException(
        "the call to " + spec.call() + " was cancelled before it" + " was sent");
  }

  /**
   * The RESULT of a call whose caller stopped waiting but which the worker finished: its references
   * were registered in the worker, so its value is decoded as the caller would have (each reference
   * counted in the call's session) and dropped. The references nobody else holds are then
   * unreachable and released by the session table's safety net, like any dropped {@code PyRef};
   * without this they would stay in the worker until their session ended or they expired.
   */
  @Override
  public void lateResult(Frame result, Object attachment) {
    try {
      decode(result, (CallPlan) attachment);
    } catch (RuntimeException e) {
      LOG.log(
          Level.DEBUG,
          () ->
              "runtime '"
                  + runtimeName
                  + "': the late result of an abandoned"
                  + " call could not be decoded; references in it stay until their session ends",
          e);
    }
  }

  /** Decodes a reply's value section, then gives its body back (nothing decoded points in it). */
  private Object decode(Frame reply, CallPlan plan) {
    try {
      return reader.decode(reply.body(), 0, reply.bodyLength(), plan);
    } finally {
      reply.recycle();
    }
  }

  /** Like {@link #decode(Frame, CallPlan)}, giving up at the call's deadline. */
  private Object decode(Frame reply, CallPlan plan, long deadline) {
    try {
      return reader.decode(reply.body(), 0, reply.bodyLength(), plan, clock, deadline);
    } finally {
      reply.recycle();
    }
  }

  /** The caller stopped waiting: the deadline passed or the future was cancelled. */
  private RuntimeException abandoned(CallLease lease, CallSpec spec, IOException cause) {
    PooledWorker worker = lease.worker();
    String grace = worker.pool().options().cancelGrace().toString();
    if (lease.cancelCause() == CallLease.Cause.CANCELLED
        && Thread.currentThread().isInterrupted()) {
      return new SnakeBridgeException(
          "interrupted while waiting for the call to "
              + spec.call()
              + " on Python worker "
              + worker.id()
              + "; the call was cancelled (the worker was told"
              + " to stop it, and is killed and replaced unless it does so within "
              + grace
              + ")",
          new InterruptedException());
    }
    if (lease.cancelCause() == CallLease.Cause.CANCELLED) {
      CancellationException e =
          new CancellationException(
              "the call to " + spec.call() + " on Python worker " + worker.id() + " was cancelled");
      e.initCause(cause);
      return e;
    }
    return new CallTimeoutException(
        "the call to "
            + spec.call()
            + " timed out after "
            + spec.timeout()
            + " on Python worker "
            + worker.id()
            + "; the worker was told to stop"
            + " it, and is killed and replaced unless it does so within "
            + grace,
        spec.timeout(),
        worker.id(),
        null);
  }

  /**
   * Runs a call made inside a callback on the worker waiting for that callback. That worker's lease
   * belongs to the outer call, whose caller handles its end: this call only reports.
   */
  private Object runNested(
      EncodedValue request, CallPlan plan, Duration timeout, String module, String target) {
    PooledWorker worker = Objects.requireNonNull(plan.fixedWorker()); // run() checked
    plan.session().ranOn(worker);
    WorkerConnection connection = worker.process().connection();
    long id = connection.nextRequestId();
    String call = "the call to " + module + "." + target + " (made inside a callback)";
    try {
      Frame reply;
      try {
        reply = connection.request(FrameKind.CALL, id, request);
      } catch (IOException e) {
        throw nestedNoReply(worker, e, timeout, call);
      }
      Object value;
      try {
        value = decode(reply, plan);
      } catch (WireFormatException e) {
        if (e.unrepresentableValue() && reply.kind() == FrameKind.RESULT) {
          throw unrepresentable(module, target, e);
        }
        return nestedViolation(
            worker, "sent a malformed value section (" + e.getMessage() + ")", call, e);
      }
      if (reply.kind() == FrameKind.RESULT) {
        return value;
      }
      if (reply.kind() != FrameKind.ERROR) {
        return nestedViolation(
            worker, "answered a CALL with a " + reply.kind() + " frame", call, null);
      }
      ErrorReply parsed;
      try {
        parsed = ErrorReply.parse(value);
        if (parsed.hasException()) {
          throw parsed.toException(module + "." + target, callbacks::failure);
        }
      } catch (IllegalArgumentException e) {
        return nestedViolation(worker, "sent a malformed ERROR (" + e.getMessage() + ")", call, e);
      }
      if (parsed.kind().equals("cancelled")) {
        throw new CancellationException(call + " was cancelled: " + parsed.summary());
      }
      return nestedViolation(
          worker, "reported a protocol error (" + parsed.summary() + ")", call, null);
    } finally {
      callbacks.callEnded(worker, id);
    }
  }

  private RuntimeException nestedNoReply(
      PooledWorker worker, IOException cause, Duration timeout, String call) {
    if (worker.killReason() == ExitReason.TIMED_OUT) {
      return new CallTimeoutException(
          call
              + " ended with the outer call, whose deadline passed"
              + " on Python worker "
              + worker.id(),
          timeout,
          worker.id(),
          cause);
    }
    WorkerProcess process = worker.process();
    ExitReport report = ExitReport.collect(process, CRASH_EXIT_WAIT_NANOS, CRASH_DRAIN_WAIT_NANOS);
    return new WorkerCrashedException(
        report.withTail(
            "Python worker " + describe(process) + " died during " + call + ": " + report.status()),
        worker.id(),
        report.exitCode(),
        report.stderrTail(),
        cause);
  }

  /** Stops a worker that broke the protocol in a nested call; the outer caller replaces it. */
  private static Object nestedViolation(
      PooledWorker worker, String what, String call, @Nullable Throwable cause) {
    throw violated(worker, what, call, cause);
  }

  private static ConversionException unrepresentable(
      String module, String target, WireFormatException e) {
    return new ConversionException(
        "the result of "
            + module
            + "."
            + target
            + " cannot be represented in Java: "
            + e.getMessage(),
        null,
        null,
        "result",
        e);
  }

  /** Handles an ERROR reply (or a reply of the wrong kind); returns the exception to throw. */
  private RuntimeException failure(
      CallLease lease, Frame reply, Object value, CallSpec spec, boolean onTime) {
    if (reply.kind() != FrameKind.ERROR) {
      return violation(lease, "answered a CALL with a " + reply.kind() + " frame", spec, null);
    }
    RuntimeException error;
    try {
      ErrorReply parsed = ErrorReply.parse(value);
      switch (parsed.hasException() ? "known" : parsed.kind()) {
        case "known":
          error = parsed.toException(spec.call(), callbacks::failure);
          break;
        case "cancelled":
          error =
              onTime
                  ? new CancellationException(
                      "the call to " + spec.call() + " was cancelled: " + parsed.summary())
                  : stoppedInTime(lease, spec);
          break;
        case "protocol":
          return violation(
              lease, "reported a protocol error (" + parsed.summary() + ")", spec, null);
        default:
          return violation(
              lease, "sent an ERROR of unknown kind '" + parsed.kind() + "'", spec, null);
      }
    } catch (RuntimeException e) {
      return violation(lease, "sent a malformed ERROR (" + e.getMessage() + ")", spec, e);
    }
    lease.worker().pool().release(lease);
    return error;
  }

  /** A cancelled call whose caller still read the worker's `cancelled` answer itself. */
  private static RuntimeException stoppedInTime(CallLease lease, CallSpec spec) {
    if (lease.cancelCause() == CallLease.Cause.CANCELLED) {
      return new CancellationException("the call to " + spec.call() + " was cancelled");
    }
    return new CallTimeoutException(
        "the call to "
            + spec.call()
            + " timed out after "
            + spec.timeout()
            + " on Python worker "
            + lease.worker().id()
            + "; it stopped when told to, and the worker serves on",
        spec.timeout(),
        lease.worker().id(),
        null);
  }

  /** The worker's output ended or failed before the reply: a kill, a close, or a crash. */
  private RuntimeException noReply(CallLease lease, IOException cause, CallSpec spec) {
    PooledWorker worker = lease.worker();
    WorkerPool pool = worker.pool();
    ExitReason reason =
        pool.discard(
            lease,
            cause instanceof FrameFormatException ? ExitReason.PROTOCOL_ERROR : ExitReason.CRASHED);
    WorkerProcess process = worker.process();
    String call = "the call to " + spec.call();
    switch (reason) {
      case TIMED_OUT:
        process.kill();
        process.awaitExit(CRASH_EXIT_WAIT_NANOS); // so "stopped" is true when the caller hears
        if (lease.cancelCause() == CallLease.Cause.CANCELLED) {
          CancellationException e =
              new CancellationException(
                  call
                      + " was cancelled; Python"
                      + " worker "
                      + worker.id()
                      + " did not stop it and was killed");
          e.initCause(cause);
          return e;
        }
        if (lease.cancelCause() == CallLease.Cause.TIMEOUT) {
          return new CallTimeoutException(
              call
                  + " timed out after "
                  + spec.timeout()
                  + " on Python worker "
                  + worker.id()
                  + ", which did not stop it within "
                  + pool.options().cancelGrace()
                  + "; the worker was killed and is being replaced",
              spec.timeout(),
              worker.id(),
              null);
        }
        return crashed(
            worker,
            call,
            " was killed because another call on it passed its" + " deadline and did not stop",
            cause);
      case UNRESPONSIVE:
        return crashed(
            worker,
            call,
            " stopped answering heartbeats (no answer within "
                + pool.options().heartbeatTimeout()
                + ") and was killed",
            cause);
      case SHUTDOWN:
        process.kill();
        return new SnakeBridgeException(
            "runtime '"
                + runtimeName
                + "' was closed while "
                + call
                + " was running on Python worker "
                + worker.id(),
            cause);
      case PROTOCOL_ERROR:
        return violated(worker, String.valueOf(cause.getMessage()), call, cause);
      default:
        ExitReport report =
            ExitReport.collect(process, CRASH_EXIT_WAIT_NANOS, CRASH_DRAIN_WAIT_NANOS);
        if (report.exitCode().isEmpty()) {
          process.kill(); // it closed its output yet kept running: never reuse such a worker
        }
        return new WorkerCrashedException(
            report.withTail(
                "Python worker "
                    + describe(process)
                    + " died during "
                    + call
                    + ": "
                    + report.status()),
            worker.id(),
            report.exitCode(),
            report.stderrTail(),
            cause);
    }
  }

  /** A worker the pool killed during the call; {@code what} says why. */
  private static WorkerCrashedException crashed(
      PooledWorker worker, String call, String what, IOException cause) {
    WorkerProcess process = worker.process();
    process.kill();
    ExitReport report = ExitReport.collect(process, CRASH_EXIT_WAIT_NANOS, CRASH_DRAIN_WAIT_NANOS);
    return new WorkerCrashedException(
        report.withTail(
            "Python worker "
                + describe(process)
                + what
                + " during "
                + call
                + "; it is being replaced"),
        worker.id(),
        OptionalInt.empty(),
        report.stderrTail(),
        cause);
  }

  private RuntimeException violation(
      CallLease lease, String what, CallSpec spec, @Nullable Throwable cause) {
    lease.worker().pool().discard(lease, ExitReason.PROTOCOL_ERROR);
    return violated(lease.worker(), what, "the call to " + spec.call(), cause);
  }

  /** Stops a worker that broke the protocol; it was already removed from the pool. */
  private static RuntimeException violated(
      PooledWorker worker, String what, String call, @Nullable Throwable cause) {
    WorkerProcess process = worker.process();
    boolean exitedByItself = !process.isAlive();
    process.kill();
    ExitReport report = ExitReport.collect(process, CRASH_EXIT_WAIT_NANOS, CRASH_DRAIN_WAIT_NANOS);
    OptionalInt exitCode = exitedByItself ? report.exitCode() : OptionalInt.empty();
    String status = exitedByItself ? " (it had ended: " + report.status() + ")" : "";
    return new WorkerCrashedException(
        report.withTail(
            "Python worker "
                + describe(process)
                + " broke the wire protocol during "
                + call
                + ": "
                + what
                + status
                + "; it was stopped and is being replaced"),
        worker.id(),
        exitCode,
        report.stderrTail(),
        cause);
  }

  private static String describe(WorkerProcess process) {
    String limit =
        process.memoryLimit() == 0 ? "" : "workerMemoryLimit " + process.memoryLimit() + " bytes";
    if (process.info() == null) {
      return limit.isEmpty() ? process.id() : process.id() + " (" + limit + ")";
    }
    return process.id()
        + " (pid "
        + process.info().pid()
        + (limit.isEmpty() ? "" : ", " + limit)
        + ")";
  }

  static long nanos(Duration timeout) {
    try {
      return Math.min(timeout.toNanos(), MAX_TIMEOUT_NANOS);
    } catch (ArithmeticException tooLong) {
      return MAX_TIMEOUT_NANOS;
    }
  }
}
