package io.snakebridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when the Python code a call ran raised an exception, also for a module or function that
 * does not exist ({@code ModuleNotFoundError}, {@code AttributeError}). The worker is unharmed and
 * stays in the pool.
 *
 * <pre>{@code
 * try {
 *   SnakeBridge.call("operator", "getitem", Map.of(), "missing");
 * } catch (PythonException e) {
 *   e.pythonType();                       // "builtins.KeyError"
 *   e.isInstance("builtins.LookupError"); // true: a KeyError is a LookupError
 *   e.pythonTraceback();                  // "Traceback (most recent call last): ..."
 * }
 * }</pre>
 *
 * <p>{@link #getStackTrace()} starts with the Python frames, innermost first (declaring class = the
 * Python module, method = the function, file = the file's base name), followed by the Java frames
 * of the call. {@link #getCause()} is the Python exception's {@code __cause__} ({@code raise X from
 * Y}), or else its {@code __context__} unless that was suppressed, itself a {@code
 * PythonException}; except for a {@code snakebridge_worker.JavaError}, which Python raised because
 * a Java callback ({@link PyCallable}) threw: its cause is the exception the callback threw.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public class PythonException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private final String pythonType;
  private final String pythonMessage;
  private final String pythonTraceback;
  private final List<String> mro;

  /**
   * Creates an exception describing a Python exception.
   *
   * @param pythonType the exception's qualified type, such as {@code builtins.ValueError}
   * @param pythonMessage {@code str(exception)}, possibly empty
   * @param pythonTraceback the formatted traceback
   * @param mro the qualified names of the type's method resolution order, the type itself first
   * @param pythonFrames the Python frames, innermost first
   * @param cause the Python cause or context, or the Java exception behind a {@code JavaError}, or
   *     null
   */
  public PythonException(
      String pythonType,
      String pythonMessage,
      String pythonTraceback,
      List<String> mro,
      List<StackTraceElement> pythonFrames,
      Throwable cause) {
    this(pythonType, pythonMessage, pythonTraceback, mro, pythonFrames, cause, null);
  }

  /**
   * Creates an exception describing a Python exception whose message ends with a note, such as the
   * interpreter a {@code ModuleNotFoundError} happened in.
   *
   * @param note appended to {@link #getMessage()} in parentheses, or null; {@link #pythonMessage()}
   *     stays {@code str(exception)}
   * @since 0.2
   */
  public PythonException(
      String pythonType,
      String pythonMessage,
      String pythonTraceback,
      List<String> mro,
      List<StackTraceElement> pythonFrames,
      @Nullable Throwable cause,
      @Nullable String note) {
    super(message(pythonType, pythonMessage) + (note == null ? "" : " (" + note + ")"), cause);
    this.pythonType = Objects.requireNonNull(pythonType, "pythonType");
    this.pythonMessage = Objects.requireNonNull(pythonMessage, "pythonMessage");
    this.pythonTraceback = Objects.requireNonNull(pythonTraceback, "pythonTraceback");
    this.mro = List.copyOf(Objects.requireNonNull(mro, "mro"));
    if (!Objects.requireNonNull(pythonFrames, "pythonFrames").isEmpty()) {
      StackTraceElement[] javaFrames = getStackTrace();
      List<StackTraceElement> all = new ArrayList<>(pythonFrames.size() + javaFrames.length);
      all.addAll(pythonFrames);
      all.addAll(List.of(javaFrames));
      setStackTrace(all.toArray(new StackTraceElement[0]));
    }
  }

  private static String message(String pythonType, String pythonMessage) {
    return pythonMessage == null || pythonMessage.isEmpty()
        ? pythonType
        : pythonType + ": " + pythonMessage;
  }

  /** Returns the qualified name of the exception's type, such as {@code builtins.ValueError}. */
  public String pythonType() {
    return pythonType;
  }

  /** Returns {@code str(exception)}, possibly empty. */
  public String pythonMessage() {
    return pythonMessage;
  }

  /** Returns the traceback as Python formats it, without SnakeBridge's own frames. */
  public String pythonTraceback() {
    return pythonTraceback;
  }

  /**
   * Returns the qualified names of the type's method resolution order, the type itself first, such
   * as {@code [builtins.KeyError, builtins.LookupError, builtins.Exception, ...]}.
   */
  public List<String> pythonMro() {
    return mro;
  }

  /**
   * Returns whether the Python exception is an instance of the named class, as Python's {@code
   * isinstance} would say: true for its own type and every class in its MRO.
   *
   * @param qualifiedType a qualified name such as {@code builtins.LookupError}
   */
  public boolean isInstance(String qualifiedType) {
    Objects.requireNonNull(qualifiedType, "qualifiedType");
    return pythonType.equals(qualifiedType) || mro.contains(qualifiedType);
  }
}
