package io.snakebridge.arrow.internal;

import io.snakebridge.CallOptions;
import io.snakebridge.NdArray;
import io.snakebridge.PyStream;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Python module {@code snakebridge_arrow_frames} in the workers: calls its functions through
 * ordinary runtime calls, and sends its source along to a worker that does not have it yet.
 *
 * <p>Thread-safe: no state beyond the module's source.
 */
public final class FramesModule {
  /*
   * The worker is stdlib-only and the runtime's Python paths are fixed when it is built, so the
   * module cannot be imported from a folder. Instead each call is builtins.eval of an expression
   * whose globals hold the arguments. The first try only looks the module up in sys.modules
   * (__import__ finds it there without touching the file system); a worker that lacks it fails
   * with ModuleNotFoundError naming the module, and the call is sent again with the source, which
   * the expression compiles into a new module, registers and calls in the same call. So whichever
   * worker a call lands on, one call at most carries the source, and calls passing a reference
   * stay on the reference's worker as any call does.
   */
  static final String NAME = "snakebridge_arrow_frames";
  private static final String FILE = "snakebridge-arrow/" + NAME + ".py";
  private static final String SOURCE = source();

  private static final String LOOKUP = "__import__('" + NAME + "')";
  private static final String INSTALL =
      "(__import__('sys').modules.get('"
          + NAME
          + "') or "
          + "(lambda m: (exec(compile(source, '"
          + FILE
          + "', 'exec'), m.__dict__), "
          + "__import__('sys').modules.setdefault('"
          + NAME
          + "', m))[1])"
          + "(__import__('types').ModuleType('"
          + NAME
          + "')))";

  private FramesModule() {}

  /** Returns {@code snakebridge_arrow_frames.function(*args)}, run with the options' session. */
  public static Object call(
      SnakeBridgeRuntime runtime, String function, CallOptions options, Object... args) {
    return withModule(
        install ->
            runtime.call(
                "builtins",
                "eval",
                options,
                expression(function, install),
                globals(install, args)));
  }

  /**
   * Returns {@code snakebridge_arrow_frames.function(stream)}, the stream sent as a {@code uint8}
   * array, which the worker takes without copying it, or as {@code bytes} to a worker without
   * numpy.
   */
  public static Object callWithStream(
      SnakeBridgeRuntime runtime, String function, CallOptions options, byte[] stream) {
    try {
      return call(runtime, function, options, NdArray.of("uint8", stream, stream.length));
    } catch (PythonException e) {
      if (!e.isInstance("builtins.ModuleNotFoundError") || !e.pythonMessage().contains("'numpy'")) {
        throw e;
      }
      return call(runtime, function, options, (Object) stream);
    }
  }

  /** Streams the items of {@code snakebridge_arrow_frames.function(*args)}. */
  public static PyStream stream(
      SnakeBridgeRuntime runtime, String function, CallOptions options, Object... args) {
    return withModule(
        install ->
            runtime.openStream(
                "builtins",
                "eval",
                List.of(expression(function, install), globals(install, args)),
                options));
  }

  private static <T> T withModule(Function<Boolean, T> call) {
    try {
      return call.apply(false);
    } catch (PythonException e) {
      if (!e.isInstance("builtins.ModuleNotFoundError")
          || !e.pythonMessage().contains("'" + NAME + "'")) {
        throw e;
      }
      return call.apply(true);
    }
  }

  private static String expression(String function, boolean install) {
    return (install ? INSTALL : LOOKUP) + "." + function + "(*args)";
  }

  private static Map<String, Object> globals(boolean install, Object[] args) {
    List<Object> list = Arrays.asList(args);
    return install ? Map.of("args", list, "source", SOURCE) : Map.of("args", list);
  }

  private static String source() {
    try (InputStream in = FramesModule.class.getResourceAsStream(NAME + ".py")) {
      if (in == null) {
        throw new IllegalStateException(NAME + ".py is missing from the snakebridge-arrow jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
