package io.snakebridge.internal.runtime;

import io.snakebridge.PyCallable;
import io.snakebridge.internal.codec.Functions;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.session.SessionState;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A runtime's Java callbacks (WIRE-PROTOCOL.md §5.4): the functions its calls passed to Python, by
 * callback id, each valid while its session lives; and the exceptions callbacks threw, by error id,
 * until the call during which they were thrown has ended (so that an ERROR naming one can chain the
 * original exception); and the callbacks running now ({@link RunningCallbacks}).
 *
 * <p>Thread-safe: concurrent maps, and registration dedupes under the session's monitor.
 */
final class CallbackTable {
  /** A registered function and the session it belongs to. */
  record Callback(long id, Object function, SessionState session) {}

  private record Failure(Throwable error, @Nullable PooledWorker worker, long callId) {}

  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<Long, Callback> callbacks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Failure> failures = new ConcurrentHashMap<>();
  private final RunningCallbacks running = new RunningCallbacks();

  /** Returns the callback id of {@code function} in {@code session}, registering it once. */
  long register(SessionState session, Object function) {
    return session.callbackId(
        function,
        f -> {
          long id = ids.incrementAndGet();
          callbacks.put(id, new Callback(id, f, session));
          return id;
        });
  }

  /** Returns the callback with this id, or null when its session ended. */
  @Nullable Callback find(long id) {
    return callbacks.get(id);
  }

  /** Forgets the callbacks of a session that ended. */
  void dropSession(SessionState session) {
    for (long id : session.callbackIds()) {
      callbacks.remove(id);
    }
  }

  /**
   * Keeps an exception a callback threw while {@code worker} ran call {@code callId} (or, with
   * worker null, until {@link #forget}); returns its error id.
   */
  long recordFailure(Throwable error, @Nullable PooledWorker worker, long callId) {
    long id = ids.incrementAndGet();
    failures.put(id, new Failure(error, worker, callId));
    return id;
  }

  /** Returns the exception recorded under {@code errorId}, or null. */
  @Nullable Throwable failure(long errorId) {
    Failure failure = failures.get(errorId);
    return failure == null ? null : failure.error;
  }

  /** Forgets one recorded exception. */
  void forget(long errorId) {
    failures.remove(errorId);
  }

  /**
   * Forgets the exceptions recorded during call {@code callId} of {@code worker}, and interrupts
   * the callbacks still running for it.
   */
  void callEnded(PooledWorker worker, long callId) {
    if (!failures.isEmpty()) {
      failures.values().removeIf(f -> f.worker == worker && f.callId == callId);
    }
    running.callEnded(worker, callId);
  }

  /** The caller of call {@code callId} stopped waiting (see {@link RunningCallbacks}). */
  void callAbandoned(PooledWorker worker, long callId) {
    running.callAbandoned(worker, callId);
  }

  /** Returns the callbacks running now. */
  RunningCallbacks running() {
    return running;
  }

  /**
   * Runs a registered function with Python's arguments. The fixed-arity interfaces take exactly
   * their number of positional arguments and no keyword arguments.
   */
  @SuppressWarnings("unchecked")
  static @Nullable Object invoke(Object function, List<Object> args, Map<String, Object> kwargs)
      throws Exception {
    List<Object> positional = Collections.unmodifiableList(args);
    Map<String, Object> keywords = Collections.unmodifiableMap(kwargs);
    if (function instanceof PyCallable) {
      return ((PyCallable) function).call(positional, keywords);
    }
    String kind = Functions.kind(function);
    int arity = function instanceof Function ? 1 : function instanceof BiFunction ? 2 : 0;
    if (args.size() != arity || !kwargs.isEmpty()) {
      throw new IllegalArgumentException(
          "a Java "
              + kind
              + " takes "
              + arity
              + " positional"
              + " argument"
              + (arity == 1 ? "" : "s")
              + " and no keyword arguments; Python passed "
              + args.size()
              + (kwargs.isEmpty() ? "" : " and keyword arguments " + kwargs.keySet())
              + " (use a PyCallable to accept any)");
    }
    if (function instanceof Function) {
      return ((Function<Object, Object>) function).apply(args.get(0));
    } else if (function instanceof BiFunction) {
      return ((BiFunction<Object, Object, Object>) function).apply(args.get(0), args.get(1));
    } else if (function instanceof Supplier) {
      return ((Supplier<Object>) function).get();
    }
    ((Runnable) function).run();
    return null;
  }
}
