package io.snakebridge.codegen.internal;

import java.util.Locale;
import java.util.Set;

/** Java names for Python ones, as the API contract's naming rules say. */
public final class Names {
  private static final Set<String> KEYWORDS =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "var",
          "yield",
          "record",
          "sealed",
          "permits",
          "_");

  private Names() {}

  /** {@code snake_name} → {@code snakeName}; leading and trailing underscores dropped. */
  public static String lowerCamel(String python) {
    String upper = upperCamel(python);
    if (upper.isEmpty()) {
      return upper;
    }
    // "T" -> "t", "ABC" -> "abc", "HTTPServer" -> "httpServer"
    int run = 0;
    while (run < upper.length() && Character.isUpperCase(upper.charAt(run))) {
      run++;
    }
    if (run <= 1 || run == upper.length()) {
      return upper.substring(0, Math.max(run, 1)).toLowerCase(Locale.ROOT)
          + upper.substring(Math.max(run, 1));
    }
    return upper.substring(0, run - 1).toLowerCase(Locale.ROOT) + upper.substring(run - 1);
  }

  /** {@code linear_model} → {@code LinearModel}; {@code ndarray} → {@code Ndarray}. */
  public static String upperCamel(String python) {
    StringBuilder out = new StringBuilder();
    boolean upperNext = true;
    for (int i = 0; i < python.length(); i++) {
      char c = python.charAt(i);
      if (c == '_') {
        upperNext = out.length() > 0;
        continue;
      }
      if (!Character.isJavaIdentifierPart(c)) {
        upperNext = true;
        continue;
      }
      out.append(upperNext ? Character.toUpperCase(c) : c);
      upperNext = false;
    }
    if (out.length() > 0 && !Character.isJavaIdentifierStart(out.charAt(0))) {
      out.insert(0, 'P');
    }
    return out.toString();
  }

  /**
   * An enum constant for a Python string option, in UPPER_SNAKE: {@code newton-cg} → {@code
   * NEWTON_CG}, {@code squaredError} → {@code SQUARED_ERROR}, {@code 1d} → {@code _1D}, the empty
   * string → {@code EMPTY}.
   */
  public static String constant(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isLetterOrDigit(c) && c < 128) {
        if (Character.isUpperCase(c)
            && i > 0
            && Character.isLowerCase(value.charAt(i - 1))
            && out.length() > 0
            && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
        out.append(Character.toUpperCase(c));
      } else if (out.length() > 0 && out.charAt(out.length() - 1) != '_') {
        out.append('_');
      }
    }
    while (out.length() > 0 && out.charAt(out.length() - 1) == '_') {
      out.setLength(out.length() - 1);
    }
    if (out.length() == 0) {
      return "EMPTY";
    }
    if (Character.isDigit(out.charAt(0))) {
      out.insert(0, '_');
    }
    return out.toString();
  }

  /** A Java identifier for a Python parameter name (keywords get a trailing underscore). */
  public static String parameter(String python) {
    String name = lowerCamel(python);
    if (name.isEmpty()) {
      name = "arg";
    }
    return escape(name);
  }

  /** The name with a trailing underscore when it is a Java keyword. */
  public static String escape(String name) {
    return KEYWORDS.contains(name) ? name + "_" : name;
  }
}
