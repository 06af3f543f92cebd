package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionOptions;
import io.snakebridge.internal.codec.RefTarget;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.session.CurrentSession;
import io.snakebridge.internal.session.SessionState;
import io.snakebridge.internal.session.SessionTable;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds the CALL of each operation (WIRE-PROTOCOL.md §4.2, §5.3) as a {@link CallPlan}: checks the
 * arguments, chooses the call's session, and encodes the call with it on the caller's thread.
 *
 * <p>The session, first match wins: {@link CallOptions#sessionId}; the target reference's session
 * (for ops on a reference); the thread's innermost {@link SessionContext}; inside a callback, the
 * session of the call that invoked it; the thread's automatic session. A reference among the
 * arguments outranks the last three (see {@link CallPlan}).
 *
 * <p>Thread-safe: no state of its own.
 */
final class CallRequests {
  private static final String[] CALL_NAMES = {null, null, null, null, "args", "kwargs"};
  private static final String[] HELPER_NAMES = {null, null, null, "args", "kwargs"};
  private static final String[] SET_ATTR_NAMES = {null, null, null, null, "value"};
  private static final String[] STREAM_NAMES = {null, null, null, null, "args", "kwargs", null};

  private final RealRuntime runtime;
  private final ValueWriter writer;
  private final SessionTable sessions;
  private final CallbackTable callbacks;

  CallRequests(
      RealRuntime runtime, ValueWriter writer, SessionTable sessions, CallbackTable callbacks) {
    this.runtime = runtime;
    this.writer = writer;
    this.sessions = sessions;
    this.callbacks = callbacks;
  }

  // Each builder takes `nested`: whether a call made inside a callback runs on the worker that
  // waits for the callback. An async call never does: it would run after the callback returned.

  CallPlan call(String module, String function, List<?> args, CallOptions options, boolean nested) {
    checkName(module, "module");
    checkName(function, "function");
    Objects.requireNonNull(args, "args");
    checkOptions(options);
    return prepare(
        null,
        new Object[] {"call", null, module, function, args, options.kwargs()},
        CALL_NAMES,
        options,
        nested);
  }

  CallPlan moduleAttr(String module, String attr, boolean nested) {
    checkName(module, "module");
    checkName(attr, "attr");
    return prepare(
        null,
        new Object[] {"module_attr", null, module, attr},
        null,
        CallOptions.defaults(),
        nested);
  }

  /** A {@code module_attr} op with options (a timeout, a session); it takes no kwargs. */
  CallPlan moduleAttr(String module, String attr, CallOptions options, boolean nested) {
    checkName(module, "module");
    checkName(attr, "attr");
    checkOptions(options);
    if (!options.kwargs().isEmpty()) {
      throw new IllegalArgumentException(
          "getModuleAttr takes no keyword arguments, got " + options.kwargs().keySet());
    }
    return prepare(null, new Object[] {"module_attr", null, module, attr}, null, options, nested);
  }

  CallPlan callClass(
      String module, String className, List<?> args, CallOptions options, boolean nested) {
    checkName(module, "module");
    checkName(className, "className");
    Objects.requireNonNull(args, "args");
    checkOptions(options);
    return prepare(
        null,
        new Object[] {"call_class", null, module, className, args, options.kwargs()},
        CALL_NAMES,
        options,
        nested);
  }

  CallPlan callMethod(PyRef ref, String method, List<?> args, CallOptions options, boolean nested) {
    Objects.requireNonNull(ref, "ref");
    checkName(method, "method");
    Objects.requireNonNull(args, "args");
    checkOptions(options);
    // By id (WIRE-PROTOCOL §5.3): the worker skips resolving an sbw.ref and checking its session.
    return prepare(
        ref,
        new Object[] {"ref_method", null, new RefTarget(ref), method, args, options.kwargs()},
        CALL_NAMES,
        options,
        nested);
  }

  CallPlan getAttr(PyRef ref, String attr, CallOptions options, boolean nested) {
    Objects.requireNonNull(ref, "ref");
    checkName(attr, "attr");
    checkOptions(options);
    return prepare(
        ref, new Object[] {"ref_attr", null, new RefTarget(ref), attr}, null, options, nested);
  }

  CallPlan setAttr(PyRef ref, String attr, Object value, CallOptions options, boolean nested) {
    Objects.requireNonNull(ref, "ref");
    checkName(attr, "attr");
    checkOptions(options);
    return prepare(
        ref, new Object[] {"set_attr", null, ref, attr, value}, SET_ATTR_NAMES, options, nested);
  }

  CallPlan helper(String helper, List<?> args, CallOptions options, boolean nested) {
    checkName(helper, "helper");
    Objects.requireNonNull(args, "args");
    checkOptions(options);
    return prepare(
        null,
        new Object[] {"helper", null, helper, args, options.kwargs()},
        HELPER_NAMES,
        options,
        nested);
  }

  /** The {@code stream} op (WIRE-PROTOCOL.md §6.2): a call whose result is streamed. */
  CallPlan stream(
      String module,
      String function,
      List<?> args,
      CallOptions options,
      int batch,
      boolean nested) {
    checkName(module, "module");
    checkName(function, "function");
    Objects.requireNonNull(args, "args");
    checkOptions(options);
    return prepare(
        null,
        new Object[] {"stream", null, module, function, args, options.kwargs(), (long) batch},
        STREAM_NAMES,
        options,
        nested);
  }

  /**
   * An op on a stream reference (§6.2): {@code stream_batch} with the batch size as {@code
   * operand}, or {@code stream_next}, {@code stream_len}, {@code stream_close} with none (null). It
   * runs in the reference's session.
   */
  CallPlan streamOp(String op, PyRef stream, @Nullable Long operand, boolean nested) {
    Objects.requireNonNull(stream, "stream");
    Object[] items =
        operand == null
            ? new Object[] {op, null, stream}
            : new Object[] {op, null, stream, operand};
    return prepare(stream, items, null, CallOptions.defaults(), nested);
  }

  /** Returns the id of the session a call without options would use now. */
  String currentSession() {
    SessionContext context = CurrentSession.get();
    if (context != null) {
      return context.sessionId();
    }
    CallbackScope scope = CallbackScope.current(runtime);
    return scope != null ? scope.session().id() : sessions.auto().id();
  }

  /** Chooses the session and encodes the CALL with it; {@code items[1]} is the session's place. */
  private CallPlan prepare(
      @Nullable PyRef target,
      Object[] items,
      String @Nullable [] names,
      CallOptions options,
      boolean nested) {
    runtime.checkOpen();
    CallbackScope scope = CallbackScope.current(runtime);
    SessionState session;
    boolean fixed = true;
    String chosen = options.sessionId().orElse(null);
    if (chosen != null) {
      session = named(chosen);
    } else if (target != null) {
      SessionState found = sessions.find(target.sessionId());
      if (found == null) {
        sessions.workerOf(target, null); // throws ReferenceNotFoundException
      }
      session = Objects.requireNonNull(found);
    } else {
      fixed = false;
      SessionContext context = CurrentSession.get();
      if (context != null) {
        session = sessions.explicit(context.sessionId(), context.maxRefs(), context.ttl());
      } else if (scope != null) {
        session = scope.session();
      } else {
        session = sessions.auto();
      }
    }
    CallPlan plan =
        new CallPlan(
            sessions, callbacks, session, fixed, nested && scope != null ? scope.worker() : null);
    for (; ; ) {
      items[1] = plan.session().wire();
      try {
        plan.request(writer.encodeTuple(items, names, plan));
        return plan;
      } catch (CallPlan.SessionSwitch again) {
        plan.restart();
      }
    }
  }

  /** The session a call names in its options, with the context's limits if it is the context's. */
  private SessionState named(String id) {
    SessionContext context = CurrentSession.get();
    if (context != null && context.sessionId().equals(id)) {
      return sessions.explicit(id, context.maxRefs(), context.ttl());
    }
    SessionState known = sessions.find(id);
    return known != null
        ? known
        : sessions.explicit(id, SessionOptions.DEFAULT_MAX_REFS, SessionOptions.DEFAULT_TTL);
  }

  private void checkOptions(CallOptions options) {
    Objects.requireNonNull(options, "options");
    runtime.checkPool(options.pool());
  }

  static void checkName(String value, String parameter) {
    Objects.requireNonNull(value, parameter);
    if (value.isBlank()) {
      throw new IllegalArgumentException(parameter + " must not be blank");
    }
  }
}
