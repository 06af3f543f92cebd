package io.snakebridge.internal.runtime;

import io.snakebridge.ConversionException;
import io.snakebridge.PythonException;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The ERROR dict of WIRE-PROTOCOL.md §4.4 and §5, checked, and the exception each kind becomes:
 * {@code python} and {@code helper_not_found} a {@link PythonException} with its cause chain (at a
 * level carrying an {@code error_id}, the cause is the Java exception a callback threw), {@code
 * conversion} and {@code too_large} a {@link ConversionException}, {@code ref_not_found} a {@link
 * ReferenceNotFoundException}, {@code session_mismatch} a {@link SessionMismatchException}. The
 * kinds {@code cancelled} and {@code protocol} need the call's context and are left to the caller.
 *
 * <p>Immutable and thread-safe.
 */
final class ErrorReply {
  /** Mirrors the worker's own cut of the chain (WIRE-PROTOCOL.md §4.4). */
  private static final int MAX_CHAIN = 32;

  /**
   * Mirrors the worker's cut of a traceback (WIRE-PROTOCOL.md §4.4): the outermost and innermost
   * frames kept, so a reply from a worker that sent more still costs time linear in these.
   */
  static final int FRAMES_OUTER = 100;

  static final int FRAMES_INNER = 900;

  private final Map<?, ?> dict;
  private final String kind;

  private ErrorReply(Map<?, ?> dict) {
    this.dict = dict;
    this.kind = text(dict, "kind");
  }

  /**
   * Checks a decoded ERROR value.
   *
   * @throws IllegalArgumentException when it is not an ERROR dict, saying what is wrong
   */
  static ErrorReply parse(Object value) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("an ERROR frame must hold a dict, not " + typeOf(value));
    }
    return new ErrorReply((Map<?, ?>) value);
  }

  /** Returns the kind: {@code python}, {@code conversion}, {@code too_large}, ... */
  String kind() {
    return kind;
  }

  /** Returns {@code type: message} for messages. */
  String summary() {
    return optionalText(dict, "type") + ": " + optionalText(dict, "message");
  }

  /** Returns whether {@link #toException} knows this kind. */
  boolean hasException() {
    switch (kind) {
      case "python":
      case "helper_not_found":
      case "conversion":
      case "too_large":
      case "ref_not_found":
      case "session_mismatch":
        return true;
      default:
        return false;
    }
  }

  /** Like {@link #toException(String, LongFunction)}, for an ERROR without callback errors. */
  RuntimeException toException(String call) {
    return toException(call, errorId -> null);
  }

  /**
   * Returns the exception for the kinds {@link #hasException()} accepts.
   *
   * @param call what was called, such as {@code math.sqrt}, for conversion messages
   * @param javaErrors the Java exception a callback threw, by the {@code error_id} it was sent with
   */
  RuntimeException toException(String call, LongFunction<Throwable> javaErrors) {
    switch (kind) {
      case "python":
      case "helper_not_found":
        return python(dict, 0, javaErrors);
      case "ref_not_found":
        return new ReferenceNotFoundException(
            text(dict, "message"), optionalText(dict, "ref_id"), optionalText(dict, "session_id"));
      case "session_mismatch":
        return new SessionMismatchException(
            text(dict, "message"),
            optionalText(dict, "ref_id"),
            optionalText(dict, "session_id"),
            optionalText(dict, "call_session_id"));
      case "conversion":
        String pythonType = optionalText(dict, "python_type");
        return new ConversionException(
            "the result of " + call + " cannot be converted to Java: " + text(dict, "message"),
            null,
            pythonType.isEmpty() ? null : pythonType,
            null);
      case "too_large":
        return new ConversionException(
            "the result of " + call + " is too large: " + text(dict, "message"), null, null, null);
      default:
        throw new IllegalArgumentException("an ERROR of kind '" + kind + "' has no exception");
    }
  }

  private static PythonException python(
      Map<?, ?> dict, int depth, LongFunction<Throwable> javaErrors) {
    Throwable cause = null;
    Object errorId = dict.get("error_id");
    if (errorId instanceof Long) {
      cause = javaErrors.apply((Long) errorId);
    }
    if (cause == null && depth < MAX_CHAIN) {
      Object next = dict.get("cause");
      if (next == null) {
        next = dict.get("context");
      }
      if (next != null) {
        if (!(next instanceof Map)) {
          throw new IllegalArgumentException(
              "ERROR 'cause' must be a dict or None: " + typeOf(next));
        }
        cause = python((Map<?, ?>) next, depth + 1, javaErrors);
      }
    }
    Object sent = dict.get("frames");
    List<?> items = sent == null ? List.of() : list(sent, "frames");
    long omitted =
        dict.get("frames_omitted") instanceof Long ? (Long) dict.get("frames_omitted") : 0;
    if (items.size() > FRAMES_OUTER + FRAMES_INNER) {
      omitted += items.size() - FRAMES_OUTER - FRAMES_INNER;
    }
    String message = text(dict, "message");
    if (omitted > 0) {
      message +=
          " [traceback cut: "
              + omitted
              + " frames omitted between the outermost "
              + FRAMES_OUTER
              + " and the innermost "
              + FRAMES_INNER
              + "]";
    }
    return new PythonException(
        text(dict, "type"),
        message,
        optionalText(dict, "traceback"),
        strings(dict.get("mro")),
        frames(items),
        cause,
        interpreter(dict));
  }

  /** A ModuleNotFoundError's note: which interpreter the worker runs (WIRE-PROTOCOL.md §4.4). */
  private static @Nullable String interpreter(Map<?, ?> dict) {
    Object value = dict.get("interpreter");
    return value instanceof String ? "worker interpreter: " + value : null;
  }

  /**
   * Python sends frames outermost first; Java stack traces list the innermost first. Keeps at most
   * the {@link #FRAMES_OUTER} outermost and {@link #FRAMES_INNER} innermost.
   */
  private static List<StackTraceElement> frames(List<?> items) {
    int size = items.size();
    boolean cut = size > FRAMES_OUTER + FRAMES_INNER;
    int innerStart = cut ? size - FRAMES_INNER : 0;
    List<StackTraceElement> frames = new ArrayList<>(cut ? FRAMES_OUTER + FRAMES_INNER : size);
    for (int i = size - 1; i >= innerStart; i--) {
      frames.add(frame(items.get(i)));
    }
    for (int i = cut ? FRAMES_OUTER - 1 : -1; i >= 0; i--) {
      frames.add(frame(items.get(i)));
    }
    return frames;
  }

  private static StackTraceElement frame(Object item) {
    List<?> frame = list(item, "frame");
    if (frame.size() != 4) {
      throw new IllegalArgumentException("ERROR frame needs 4 items, has " + frame.size());
    }
    String module = frame.get(0) instanceof String ? (String) frame.get(0) : "<unknown>";
    String function = frame.get(1) instanceof String ? (String) frame.get(1) : "<unknown>";
    String file = frame.get(2) instanceof String ? baseName((String) frame.get(2)) : null;
    int line = frame.get(3) instanceof Long ? (int) (long) (Long) frame.get(3) : -1;
    return new StackTraceElement(module, function, file, line);
  }

  private static String baseName(String path) {
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }

  private static List<String> strings(@Nullable Object value) {
    List<String> strings = new ArrayList<>();
    if (value != null) {
      for (Object item : list(value, "mro")) {
        strings.add(String.valueOf(item));
      }
    }
    return strings;
  }

  private static List<?> list(Object value, String what) {
    if (!(value instanceof List)) {
      throw new IllegalArgumentException(
          "ERROR '" + what + "' must be a list or tuple, not " + typeOf(value));
    }
    return (List<?>) value;
  }

  private static String text(Map<?, ?> dict, String key) {
    Object value = dict.get(key);
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("ERROR '" + key + "' must be a str, not " + typeOf(value));
    }
    return (String) value;
  }

  private static String optionalText(Map<?, ?> dict, String key) {
    Object value = dict.get(key);
    return value instanceof String ? (String) value : "";
  }

  private static String typeOf(@Nullable Object value) {
    return value == null ? "None" : value.getClass().getSimpleName();
  }
}
