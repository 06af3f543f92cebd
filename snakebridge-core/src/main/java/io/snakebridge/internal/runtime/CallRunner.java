package io.snakebridge.internal.runtime;

import io.snakebridge.Affinity;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.ConversionException;
import io.snakebridge.SessionLostException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.WorkerCrashedException;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.WireFormatException;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.pool.WorkerPool;
import io.snakebridge.internal.session.SessionState;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameFormatException;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.ExitReport;
import io.snakebridge.internal.worker.WorkerConnection;
import io.snakebridge.internal.worker.WorkerProcess;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one encoded request on a leased worker and turns the reply, or the lack of one, into a
 * value or an exception: the path every call takes (ARCHITECTURE.md, "A call, step by step").
 *
 * <p>Thread-safe; holds no per-call state (that is in each call's {@link CallPlan}).
 */
final class CallRunner {
  /*
   * The hot path is: lease (a few field updates under the pool lock), one write and flush, a
   * blocking read by the caller itself, decode, release. No thread hand-off, no timer task (the
   * watchdog scans the armed deadline), no logging, no exceptions unless something failed.
   *
   * A worker is returned to the pool only after its reply was read and decoded completely. Any
   * other way out of run() discards it: whatever went wrong, a worker in an unknown state is
   * never reused.
   */

  /** How long a caller whose worker died waits for its exit status. */
  static final long CRASH_EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long it then waits for the rest of the worker's stderr. */
  static final long CRASH_DRAIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** Timeouts beyond about 73 years are treated as that, so deadlines never overflow. */
  private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

  private static final Logger LOG = System.getLogger("io.snakebridge.pool");

  private final String runtimeName;
  private final WorkerPool pool;
  private final ValueReader reader;
  private final Ticker ticker;
  private final CallbackTable callbacks;

  CallRunner(String runtimeName, WorkerPool pool, ValueReader reader, Ticker ticker,
      CallbackTable callbacks) {
    this.runtimeName = runtimeName;
    this.pool = pool;
    this.reader = reader;
    this.ticker = ticker;
    this.callbacks = callbacks;
  }

  /**
   * Leases the worker {@code plan} needs, sends {@code request} as a CALL, and returns the decoded
   * result. A call made inside a callback leases nothing: it runs on the worker waiting for the
   * callback.
   *
   * @param affinity how strictly the call waits for the worker holding its session's objects
   * @param module the module (or the target's type), for messages
   * @param target the function, method or attribute, for messages
   */
  Object run(EncodedValue request, CallPlan plan, Duration timeout, Affinity affinity,
      String module, String target) {
    if (plan.fixedWorker() != null) {
      return runNested(request, plan, timeout, module, target);
    }
    long deadline = ticker.read() + nanos(timeout);
    PooledWorker worker = lease(plan, affinity, deadline, timeout);
    plan.ranOn(worker);
    plan.session().ranOn(worker);
    boolean settled = false;
    long id = 0;
    try {
      WorkerConnection connection = worker.process().connection();
      id = connection.nextRequestId();
      plan.running(id);
      Frame reply;
      try {
        reply = connection.request(FrameKind.CALL, id, request);
      } catch (IOException e) {
        settled = true;
        throw noReply(worker, e, timeout, module, target);
      }
      Object value;
      try {
        value = reader.decode(reply.body(), 0, reply.body().length, plan);
      } catch (WireFormatException e) {
        settled = true;
        if (e.unrepresentableValue() && reply.kind() == FrameKind.RESULT) {
          // Well-formed but with no Java form (a cycle, too deep): the worker did nothing wrong.
          pool.release(worker);
          throw unrepresentable(module, target, e);
        }
        throw violation(worker, "sent a malformed value section (" + e.getMessage() + ")",
            module, target, e);
      }
      if (reply.kind() == FrameKind.RESULT) {
        settled = true;
        pool.release(worker);
        return value;
      }
      settled = true;
      throw failure(worker, reply, value, module, target);
    } finally {
      callbacks.callEnded(worker, id);
      if (!settled) {
        pool.discard(worker);
        worker.process().kill();
      }
    }
  }

  /**
   * Leases the worker holding the objects the call passes (it must run there), else the
   * session's home worker (as the affinity says), else any worker.
   */
  private PooledWorker lease(CallPlan plan, Affinity affinity, long deadline, Duration timeout) {
    SessionState session = plan.session();
    PooledWorker needed = plan.refWorker();
    PooledWorker target = needed != null ? needed : session.home();
    if (target == null) {
      return leaseLive(pool.lease(deadline, timeout), deadline, timeout);
    }
    // Objects the call passes exist only there: HINT cannot send it elsewhere.
    Affinity mode = needed != null && affinity == Affinity.HINT ? Affinity.STRICT_QUEUE : affinity;
    PooledWorker leased = target.isGone()
        ? null : pool.leaseTarget(target, mode, deadline, timeout, session.id());
    if (leased != null && leased != target) {
      return leaseLive(leased, deadline, timeout); // HINT took another worker
    }
    if (leased != null && leased.process().isAlive()) {
      return leased;
    }
    if (leased != null) {
      dropDeadIdle(leased);
    }
    if (needed != null) {
      throw new SessionLostException("the objects of session " + session.id()
          + " are lost: Python worker " + target.id() + ", which held them, is gone",
          session.id(), target.id());
    }
    session.forgetHome(target); // its objects died with it; the session goes on elsewhere
    return leaseLive(pool.lease(deadline, timeout), deadline, timeout);
  }

  /**
   * Returns {@code worker} if its process still runs, else drops it and leases others until one
   * does. One that died while idle (the OOM killer, a stray signal) is reported here, so no call
   * is charged with its death.
   */
  private PooledWorker leaseLive(PooledWorker worker, long deadline, Duration timeout) {
    while (!worker.process().isAlive()) {
      dropDeadIdle(worker);
      worker = pool.lease(deadline, timeout);
    }
    return worker;
  }

  private void dropDeadIdle(PooledWorker worker) {
    pool.discard(worker);
    ExitReport report = ExitReport.collect(worker.process(), 0, CRASH_DRAIN_WAIT_NANOS);
    LOG.log(Level.WARNING, () -> report.withTail("runtime '" + runtimeName + "': Python worker "
        + describe(worker.process()) + " died while idle: " + report.status()));
  }

  /**
   * Runs a call made inside a callback on the worker waiting for that callback. That worker's
   * lease belongs to the outer call, whose caller handles its end: this call only reports.
   */
  private Object runNested(
      EncodedValue request, CallPlan plan, Duration timeout, String module, String target) {
    PooledWorker worker = plan.fixedWorker();
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
        value = reader.decode(reply.body(), 0, reply.body().length, plan);
      } catch (WireFormatException e) {
        if (e.unrepresentableValue() && reply.kind() == FrameKind.RESULT) {
          throw unrepresentable(module, target, e);
        }
        return nestedViolation(worker, "sent a malformed value section (" + e.getMessage()
            + ")", call, e);
      }
      if (reply.kind() == FrameKind.RESULT) {
        return value;
      }
      if (reply.kind() != FrameKind.ERROR) {
        return nestedViolation(worker, "answered a CALL with a " + reply.kind() + " frame", call,
            null);
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
      return nestedViolation(worker, "reported a protocol error (" + parsed.summary() + ")", call,
          null);
    } finally {
      callbacks.callEnded(worker, id);
    }
  }

  private RuntimeException nestedNoReply(
      PooledWorker worker, IOException cause, Duration timeout, String call) {
    if (worker.expired()) {
      return new CallTimeoutException(call + " ended with the outer call, whose deadline passed"
          + " on Python worker " + worker.id(), timeout, worker.id(), cause);
    }
    WorkerProcess process = worker.process();
    ExitReport report = ExitReport.collect(process, CRASH_EXIT_WAIT_NANOS, CRASH_DRAIN_WAIT_NANOS);
    return new WorkerCrashedException(
        report.withTail("Python worker " + describe(process) + " died during " + call + ": "
            + report.status()), worker.id(), report.exitCode(), report.stderrTail(), cause);
  }

  /** Stops a worker that broke the protocol in a nested call; the outer caller replaces it. */
  private static Object nestedViolation(
      PooledWorker worker, String what, String call, Throwable cause) {
    throw violated(worker, what, call, cause);
  }

  private static ConversionException unrepresentable(
      String module, String target, WireFormatException e) {
    return new ConversionException("the result of " + module + "." + target
        + " cannot be represented in Java: " + e.getMessage(), null, null, "result", e);
  }

  /** Handles an ERROR reply (or a reply of the wrong kind); returns the exception to throw. */
  private RuntimeException failure(
      PooledWorker worker, Frame reply, Object value, String module, String target) {
    if (reply.kind() != FrameKind.ERROR) {
      return violation(worker, "answered a CALL with a " + reply.kind() + " frame", module,
          target, null);
    }
    RuntimeException error;
    try {
      ErrorReply parsed = ErrorReply.parse(value);
      switch (parsed.hasException() ? "known" : parsed.kind()) {
        case "known":
          error = parsed.toException(module + "." + target, callbacks::failure);
          break;
        case "cancelled":
          error = new CancellationException(
              "the call to " + module + "." + target + " was cancelled: " + parsed.summary());
          break;
        case "protocol":
          return violation(worker, "reported a protocol error (" + parsed.summary() + ")",
              module, target, null);
        default:
          return violation(worker, "sent an ERROR of unknown kind '" + parsed.kind() + "'",
              module, target, null);
      }
    } catch (RuntimeException e) {
      return violation(worker, "sent a malformed ERROR (" + e.getMessage() + ")", module, target,
          e);
    }
    pool.release(worker);
    return error;
  }

  /** The worker's output ended or failed before the reply: a timeout, a close, or a crash. */
  private RuntimeException noReply(
      PooledWorker worker, IOException cause, Duration timeout, String module, String target) {
    boolean expired = pool.discard(worker);
    WorkerProcess process = worker.process();
    String call = "the call to " + module + "." + target;
    if (expired) {
      process.kill();
      process.awaitExit(CRASH_EXIT_WAIT_NANOS); // so "stopped" is true when the caller hears of it
      return new CallTimeoutException(
          call + " timed out after " + timeout + " on Python worker " + worker.id()
              + "; the worker was stopped and is being replaced", timeout, worker.id(), null);
    }
    if (cause instanceof FrameFormatException) {
      return violated(worker, cause.getMessage(), call, cause);
    }
    if (pool.isClosed()) {
      process.kill();
      return new SnakeBridgeException(
          "runtime '" + runtimeName + "' was closed while " + call
              + " was running on Python worker " + worker.id(), cause);
    }
    ExitReport report = ExitReport.collect(process, CRASH_EXIT_WAIT_NANOS, CRASH_DRAIN_WAIT_NANOS);
    if (report.exitCode().isEmpty()) {
      process.kill(); // it closed its output yet kept running: never reuse such a worker
    }
    return new WorkerCrashedException(
        report.withTail("Python worker " + describe(process) + " died during " + call + ": "
            + report.status()), worker.id(), report.exitCode(), report.stderrTail(), cause);
  }

  private RuntimeException violation(
      PooledWorker worker, String what, String module, String target, Throwable cause) {
    pool.discard(worker);
    return violated(worker, what, "the call to " + module + "." + target, cause);
  }

  /** Stops a worker that broke the protocol; it was already removed from the pool. */
  private static RuntimeException violated(
      PooledWorker worker, String what, String call, Throwable cause) {
    WorkerProcess process = worker.process();
    boolean exitedByItself = !process.isAlive();
    process.kill();
    ExitReport report = ExitReport.collect(process, CRASH_EXIT_WAIT_NANOS, CRASH_DRAIN_WAIT_NANOS);
    OptionalInt exitCode = exitedByItself ? report.exitCode() : OptionalInt.empty();
    String status = exitedByItself ? " (it had ended: " + report.status() + ")" : "";
    return new WorkerCrashedException(
        report.withTail("Python worker " + describe(process) + " broke the wire protocol during "
            + call + ": " + what + status + "; it was stopped and is being replaced"),
        worker.id(), exitCode, report.stderrTail(), cause);
  }

  private static String describe(WorkerProcess process) {
    return process.info() == null
        ? process.id()
        : process.id() + " (pid " + process.info().pid() + ")";
  }

  static long nanos(Duration timeout) {
    try {
      return Math.min(timeout.toNanos(), MAX_TIMEOUT_NANOS);
    } catch (ArithmeticException tooLong) {
      return MAX_TIMEOUT_NANOS;
    }
  }
}
