package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Python's {@code with} statement driven from Java: {@code __enter__}, the body, then {@code
 * __exit__} with the body's exception, as Python would (WIRE-PROTOCOL.md §5.3, §5.4).
 *
 * <p>The body's exception reaches {@code __exit__} as a real Python exception, a {@code
 * snakebridge_worker.JavaError} built in the manager's session (or a {@code RuntimeError} from a
 * worker without it), so managers that re-raise, inspect or suppress it work as in Python. A true
 * result from {@code __exit__} suppresses the exception and the block returns null; an exception
 * {@code __exit__} raises replaces the body's, which it then carries in its cause chain (or as a
 * suppressed exception when it does not).
 *
 * <p>Not thread-safe; one per block.
 */
final class ContextBlock {
  private final RealRuntime runtime;
  private final CallbackTable callbacks;

  ContextBlock(RealRuntime runtime, CallbackTable callbacks) {
    this.runtime = runtime;
    this.callbacks = callbacks;
  }

  <T> @Nullable T run(PyRef manager, Function<Object, ? extends T> body) {
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(body, "body");
    CallOptions inSession = CallOptions.defaults().sessionId(manager.sessionId());
    Object value = runtime.callMethod(manager, "__enter__", List.of(), inSession);
    T result;
    try {
      result = body.apply(value);
    } catch (Throwable failure) {
      if (exit(manager, failure, inSession)) {
        return null;
      }
      throw ContextBlock.<RuntimeException>sneaky(failure);
    }
    runtime.callMethod(manager, "__exit__", Arrays.asList(null, null, null), inSession);
    return result;
  }

  /** Calls {@code __exit__} with the body's exception; returns whether it suppressed it. */
  private boolean exit(PyRef manager, Throwable failure, CallOptions inSession) {
    long errorId = callbacks.recordFailure(failure, null, -1);
    List<PyRef> made = new ArrayList<>(2);
    try {
      PyRef exception;
      try {
        exception =
            runtime.callClass(
                "snakebridge_worker",
                "JavaError",
                List.of(
                    failure.getClass().getName(), String.valueOf(failure.getMessage()), errorId),
                inSession);
      } catch (PythonException noJavaError) {
        exception =
            runtime.callClass("builtins", "RuntimeError", List.of(failure.toString()), inSession);
      }
      made.add(exception);
      Object type = runtime.getAttr(exception, "__class__", inSession);
      if (type instanceof PyRef) {
        made.add((PyRef) type);
      }
      return truthy(
          runtime.callMethod(manager, "__exit__", Arrays.asList(type, exception, null), inSession));
    } catch (SnakeBridgeException exitFailed) {
      if (!causedBy(exitFailed, failure)) {
        exitFailed.addSuppressed(failure);
      }
      throw exitFailed;
    } finally {
      callbacks.forget(errorId);
      for (PyRef ref : made) {
        runtime.releaseRef(ref);
      }
    }
  }

  private static boolean causedBy(Throwable error, Throwable cause) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t == cause) {
        return true;
      }
    }
    return false;
  }

  /** Python's truth value of what {@code __exit__} returned, for the values that cross back. */
  static boolean truthy(Object value) {
    if (value == null || value instanceof Boolean) {
      return Boolean.TRUE.equals(value);
    }
    if (value instanceof Number) {
      return ((Number) value).doubleValue() != 0;
    }
    if (value instanceof CharSequence) {
      return ((CharSequence) value).length() > 0;
    }
    if (value instanceof Collection) {
      return !((Collection<?>) value).isEmpty();
    }
    if (value instanceof Map) {
      return !((Map<?, ?>) value).isEmpty();
    }
    return true;
  }

  // Rethrows a checked exception unchecked: the type parameter exists for the cast alone.
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <E extends Throwable> E sneaky(Throwable failure) throws E {
    throw (E) failure;
  }
}
