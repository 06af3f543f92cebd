package io.snakebridge;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a value cannot cross between Java and Python: a Java argument with no Python mapping,
 * or a Python result with no Java mapping.
 *
 * <p>The exception names the offending type and where the value sat. For an argument that is a path
 * from the call's parameters, such as {@code args[1]["key"]} (list index 1, then the map entry
 * whose key is the string {@code "key"}); a map key or set element that is itself the problem shows
 * as {@code <key 0>} or {@code <element 0>} (the position in iteration order). Arguments are
 * checked before anything is sent, so a failed conversion never reaches a worker.
 *
 * <pre>{@code
 * try {
 *   SnakeBridge.call("json", "dumps", List.of(Optional.empty()));
 * } catch (ConversionException e) {
 *   e.javaType();   // "java.util.Optional"
 *   e.path();       // "args[0][0]"
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public final class ConversionException extends SnakeBridgeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String javaType;
  private final @Nullable String pythonType;
  private final @Nullable String path;

  /**
   * Creates an exception whose message is {@code reason} followed by the type and the path.
   *
   * @param reason what went wrong, e.g. {@code "no Python mapping for this type"}
   * @param javaType the offending Java type's name, or null when the value came from Python
   * @param pythonType the offending Python type's qualified name, or null for a Java value
   * @param path where the value sat, e.g. {@code args[1]["key"]}, or null when unknown
   */
  public ConversionException(
      String reason,
      @Nullable String javaType,
      @Nullable String pythonType,
      @Nullable String path) {
    this(reason, javaType, pythonType, path, null);
  }

  /** Like {@link #ConversionException(String, String, String, String)}, with a cause. */
  public ConversionException(
      String reason,
      @Nullable String javaType,
      @Nullable String pythonType,
      @Nullable String path,
      @Nullable Throwable cause) {
    super(message(reason, javaType, pythonType, path), cause);
    this.javaType = javaType;
    this.pythonType = pythonType;
    this.path = path;
  }

  private static String message(
      String reason,
      @Nullable String javaType,
      @Nullable String pythonType,
      @Nullable String path) {
    StringBuilder out = new StringBuilder(String.valueOf(reason));
    String separator = " (";
    if (javaType != null) {
      out.append(separator).append("Java type ").append(javaType);
      separator = ", ";
    }
    if (pythonType != null) {
      out.append(separator).append("Python type ").append(pythonType);
      separator = ", ";
    }
    if (path != null) {
      out.append(separator).append("at ").append(abbreviate(path));
      separator = ", ";
    }
    return separator.equals(", ") ? out.append(')').toString() : out.toString();
  }

  /**
   * Keeps messages readable for values nested hundreds of levels deep; {@link #path()} is whole.
   */
  private static String abbreviate(String path) {
    return path.length() <= 240
        ? path
        : path.substring(0, 120) + "..." + path.substring(path.length() - 117);
  }

  /**
   * Returns the name of the Java type that could not be converted, or null if the value came from
   * Python.
   */
  public @Nullable String javaType() {
    return javaType;
  }

  /**
   * Returns the qualified name of the Python type that could not be converted, or null for a Java
   * value.
   */
  public @Nullable String pythonType() {
    return pythonType;
  }

  /** Returns where the value sat, such as {@code args[1]["key"]}, or null when unknown. */
  public @Nullable String path() {
    return path;
  }
}
