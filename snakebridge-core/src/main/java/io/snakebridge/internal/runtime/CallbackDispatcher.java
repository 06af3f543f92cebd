package io.snakebridge.internal.runtime;

import io.snakebridge.SessionOptions;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.LiveObjects;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.session.SessionState;
import io.snakebridge.internal.session.SessionTable;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameKind;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs the Java callbacks Python calls (CALLBACK frames, WIRE-PROTOCOL.md §5.4) on the runtime's
 * callback executor and answers each with CALLBACK_RESULT or CALLBACK_ERROR.
 *
 * <p>When the call that made a callback ends (its reply, its deadline, a cancel, its worker's
 * death), the callback's thread is interrupted ({@link RunningCallbacks}).
 *
 * <p>Thread-safe. The handler a connection gets only hands the frame to the executor: it runs on
 * the thread reading that worker's output, which must go on reading (the callback's own calls
 * arrive there) and never runs user code.
 */
final class CallbackDispatcher {
  /**
   * The most threads the runtime's own callback executor runs at once: callbacks running together,
   * each level of nested callbacks counting once. A callback that arrives while all are busy is not
   * queued (it could be the one the others wait for): Python gets an error.
   */
  static final int MAX_THREADS = 256;

  private static final Logger LOG = System.getLogger("io.snakebridge.callback");

  private final RealRuntime runtime;
  private final Executor executor;
  private final SessionTable sessions;
  private final CallbackTable callbacks;
  private final ValueReader reader;
  private final ValueWriter writer;

  CallbackDispatcher(
      RealRuntime runtime,
      Executor executor,
      SessionTable sessions,
      CallbackTable callbacks,
      ValueReader reader,
      ValueWriter writer) {
    this.runtime = runtime;
    this.executor = executor;
    this.sessions = sessions;
    this.callbacks = callbacks;
    this.reader = reader;
    this.writer = writer;
  }

  /** Returns the CALLBACK handler for {@code worker}'s connection. */
  Consumer<Frame> handlerFor(PooledWorker worker) {
    return frame -> dispatch(worker, frame);
  }

  private void dispatch(PooledWorker worker, Frame frame) {
    try {
      executor.execute(() -> run(worker, frame));
    } catch (RejectedExecutionException e) {
      answerError(
          worker,
          frame.id(),
          new RejectedExecutionException(
              "runtime '"
                  + runtime.name()
                  + "' cannot run a callback now: its callback executor refused it"
                  + " (the runtime is closing, or all its callback threads are busy; the runtime's own"
                  + " executor has at most "
                  + MAX_THREADS
                  + ")",
              e),
          -1);
    }
  }

  private void run(PooledWorker worker, Frame frame) {
    long callId = -1;
    CallbackScope scope = null;
    RunningCallbacks.Running running = null;
    try {
      Object value;
      try {
        value = reader.decode(frame.body(), 0, frame.bodyLength(), readingFrom(worker));
      } finally {
        frame.recycle();
      }
      if (!(value instanceof List) || ((List<?>) value).size() != 4) {
        throw new IllegalArgumentException(
            "malformed CALLBACK value from Python worker "
                + worker.id()
                + ": expected (callback_id, args, kwargs, call_id)");
      }
      List<?> tuple = (List<?>) value;
      if (!(tuple.get(0) instanceof Long)
          || !(tuple.get(1) instanceof List)
          || !(tuple.get(2) instanceof Map)
          || !(tuple.get(3) instanceof Long)) {
        throw new IllegalArgumentException(
            "malformed CALLBACK value from Python worker "
                + worker.id()
                + ": expected (int, list, dict, int)");
      }
      callId = (Long) tuple.get(3);
      long callbackId = (Long) tuple.get(0);
      CallbackTable.Callback callback = callbacks.find(callbackId);
      if (callback == null) {
        throw new IllegalStateException(
            "Java callback " + callbackId + " is no longer registered: its session has ended");
      }
      @SuppressWarnings("unchecked")
      List<Object> args = (List<Object>) tuple.get(1);
      Map<String, Object> kwargs = keywords((Map<?, ?>) tuple.get(2));
      running = callbacks.running().start(worker, callId);
      if (running == null) {
        callId = -1; // nothing will chain its error
        throw new CancellationException("the call that made this callback has ended");
      }
      scope = CallbackScope.enter(runtime, worker, callback.session());
      Object result = CallbackTable.invoke(callback.function(), args, kwargs);
      CallPlan answer = new CallPlan(sessions, callbacks, callback.session(), true, worker);
      EncodedValue body = writer.encode(result, "callback result", answer);
      send(worker, FrameKind.CALLBACK_RESULT, frame.id(), body);
    } catch (Throwable failure) {
      // A call that ended interrupted its callback: no ERROR will chain what it threw.
      answerError(
          worker, frame.id(), failure, running != null && running.callEnded() ? -1 : callId);
    } finally {
      if (scope != null) {
        scope.exit();
      }
      if (running != null) {
        callbacks.running().finish(running);
      }
    }
  }

  /** References among a callback's arguments belong to the session of the call that runs. */
  private LiveObjects readingFrom(PooledWorker worker) {
    return new LiveObjects() {
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
        SessionState state = sessions.find(sessionId);
        if (state == null) {
          state =
              sessions.explicit(
                  sessionId, SessionOptions.DEFAULT_MAX_REFS, SessionOptions.DEFAULT_TTL);
        }
        // From a worker the module always comes with the type (SbwReader).
        return sessions.intern(
            state, worker, refId, typeName, Objects.requireNonNull(module), stream);
      }
    };
  }

  private static Map<String, Object> keywords(Map<?, ?> kwargs) {
    Map<String, Object> byName = new LinkedHashMap<>();
    kwargs.forEach((key, value) -> byName.put(String.valueOf(key), value));
    return byName;
  }

  /**
   * Answers with CALLBACK_ERROR; the exception is kept under its error id until call {@code callId}
   * ends, so an ERROR that carries the id can chain it (-1: no call known, not kept).
   */
  private void answerError(PooledWorker worker, long id, Throwable failure, long callId) {
    long errorId = callId < 0 ? 0 : callbacks.recordFailure(failure, worker, callId);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", failure.getClass().getName());
    error.put("message", failure.getMessage() == null ? "" : failure.getMessage());
    error.put("error_id", errorId);
    LOG.log(
        Level.DEBUG,
        () ->
            "runtime '"
                + runtime.name()
                + "': a Java callback of worker "
                + worker.id()
                + " threw "
                + failure);
    try {
      send(worker, FrameKind.CALLBACK_ERROR, id, writer.encode(error, "callback error"));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "runtime '"
              + runtime.name()
              + "': could not answer a callback of"
              + " worker "
              + worker.id(),
          e);
    }
  }

  private static void send(PooledWorker worker, FrameKind kind, long id, EncodedValue body) {
    try {
      worker.process().connection().send(kind, id, body);
    } catch (IOException e) {
      // The worker died; the caller of the outer call reports it.
    }
  }
}
