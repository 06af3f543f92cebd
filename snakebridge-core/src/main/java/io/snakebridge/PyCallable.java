package io.snakebridge;

import java.util.List;
import java.util.Map;

/**
 * A Java function Python can call: passed as an argument to any call, it arrives in Python as a
 * callable taking any positional and keyword arguments.
 *
 * <pre>{@code
 * PyCallable byLength = (args, kwargs) -> ((String) args.get(0)).length();
 * Object sorted = python.call("builtins", "sorted", List.of(List.of("ccc", "a", "bb")),
 *     CallOptions.defaults().kwarg("key", byLength));                       // [a, bb, ccc]
 * }</pre>
 *
 * <p>{@link java.util.function.Function} (one argument), {@link java.util.function.BiFunction}
 * (two), {@link java.util.function.Supplier} (none) and {@link Runnable} (none, returns None) are
 * accepted as well; called with another number of arguments, or with keyword arguments, they raise
 * a Python exception. A {@code PyCallable} receives everything.
 *
 * <p><b>Threads.</b> Python's call runs the function on the runtime's callback executor (see {@link
 * SnakeBridgeRuntime.Builder#callbackExecutor}), never on the caller's thread. While the function
 * runs, the Python call that invoked it waits, holding its worker; calls the function makes itself,
 * on its own thread, go to that same worker and run at once, so a callback may call Python, which
 * may call back, to any depth. A call the function hands to another thread (an {@code *Async}
 * method, another executor) does not: it would wait for the busy worker.
 *
 * <p><b>Errors.</b> An exception thrown by the function raises {@code snakebridge_worker.JavaError}
 * in Python; if Python does not catch it, the outer call throws a {@link PythonException} whose
 * cause chain holds the original Java exception.
 *
 * <p><b>Lifetime.</b> Python may keep the function (in a lazy {@code map}, as a handler) and call
 * it after the call that passed it returned: the function stays registered for as long as the
 * call's session lives. Passing the same function object again in one session reuses its
 * registration; a new lambda instance per call adds one until the session ends.
 *
 * @since 0.2
 */
@FunctionalInterface
public interface PyCallable {
  /**
   * Runs the function.
   *
   * @param args the positional arguments, converted to Java like results; unmodifiable
   * @param kwargs the keyword arguments by name, in Python's order; unmodifiable
   * @return the result, converted to Python like an argument
   * @throws Exception to raise {@code JavaError} in Python
   */
  Object call(List<Object> args, Map<String, Object> kwargs) throws Exception;
}
