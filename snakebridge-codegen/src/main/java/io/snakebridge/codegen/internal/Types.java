package io.snakebridge.codegen.internal;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Java types for Python type text: {@code int} is {@code long} ({@code Long} where {@code None} is
 * allowed), {@code float} {@code double}, {@code bool} {@code boolean}, {@code str} (and a {@code
 * Literal} of strings) {@code String}; anything else {@code Object}.
 */
public final class Types {
  private static final TypeName STRING = TypeName.get(String.class);

  private Types() {}

  /** The Java type of a parameter whose Python type is {@code text} (null when unknown). */
  public static TypeName parameter(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return ClassName.OBJECT;
    }
    boolean nullable = false;
    TypeName common = null;
    for (String member : members(text)) {
      if (member.equals("None") || member.equals("NoneType")) {
        nullable = true;
        continue;
      }
      TypeName mapped = simple(member);
      if (mapped == null || (common != null && !common.equals(mapped))) {
        return ClassName.OBJECT;
      }
      common = mapped;
    }
    if (common == null) {
      return ClassName.OBJECT;
    }
    return nullable ? common.box() : common;
  }

  /**
   * The string options of a type text made only of string literals ({@code Literal['a', 'b']},
   * numpydoc {@code {'a', 'b'}}, unions of them, {@code None} allowed), in first-seen order without
   * repeats; null for any other text.
   */
  public static @Nullable List<String> stringLiterals(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String member : members(text)) {
      if (member.equals("None") || member.equals("NoneType")) {
        continue;
      }
      String lower = member.toLowerCase(Locale.ROOT);
      String inside;
      if ((lower.startsWith("literal[") || lower.startsWith("l[")) && member.endsWith("]")) {
        inside = member.substring(member.indexOf('[') + 1, member.length() - 1);
      } else if (member.startsWith("{") && member.endsWith("}")) {
        inside = member.substring(1, member.length() - 1);
      } else {
        return null;
      }
      for (String option : inside.split(",")) {
        String o = option.trim();
        if (o.length() < 2
            || (o.charAt(0) != '\'' && o.charAt(0) != '"')
            || o.charAt(o.length() - 1) != o.charAt(0)) {
          return null;
        }
        String value = o.substring(1, o.length() - 1);
        if (!out.contains(value)) {
          out.add(value);
        }
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** Top-level union members of a type text: {@code A | B}, {@code Optional[A]}, {@code A or B}. */
  static List<String> members(String text) {
    List<String> out = new ArrayList<>();
    String t = text.trim();
    if (t.startsWith("Optional[") && t.endsWith("]")) {
      out.addAll(members(t.substring("Optional[".length(), t.length() - 1)));
      out.add("None");
      return out;
    }
    if (t.startsWith("Union[") && t.endsWith("]")) {
      t = t.substring("Union[".length(), t.length() - 1).replace(",", " |");
    }
    int depth = 0;
    int start = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (depth == 0 && (c == '|' || t.startsWith(" or ", i))) {
        out.add(t.substring(start, i).trim());
        start = c == '|' ? i + 1 : i + 4;
      }
    }
    out.add(t.substring(start).trim());
    out.removeIf(String::isEmpty);
    return out;
  }

  private static @Nullable TypeName simple(String member) {
    String m = member.startsWith("builtins.") ? member.substring("builtins.".length()) : member;
    switch (m) {
      case "int":
      case "SupportsIndex":
      case "Integral":
      case "numbers.Integral":
        return TypeName.LONG;
      case "float":
      case "Real":
      case "numbers.Real":
        return TypeName.DOUBLE;
      case "bool":
      case "boolean":
        return TypeName.BOOLEAN;
      case "str":
      case "string":
        return STRING;
      default:
        break;
    }
    String lower = m.toLowerCase(Locale.ROOT);
    if ((lower.startsWith("literal[") || lower.startsWith("l[")) && m.endsWith("]")) {
      return literal(m.substring(m.indexOf('[') + 1, m.length() - 1));
    }
    if (m.startsWith("{") && m.endsWith("}")) { // numpydoc {'a', 'b'}
      return literal(m.substring(1, m.length() - 1));
    }
    return null;
  }

  private static @Nullable TypeName literal(String inside) {
    TypeName common = null;
    for (String option : inside.split(",")) {
      String o = option.trim();
      TypeName t;
      if (o.equals("True") || o.equals("False")) {
        t = TypeName.BOOLEAN;
      } else if (o.length() >= 2 && (o.charAt(0) == '\'' || o.charAt(0) == '"')) {
        t = STRING;
      } else {
        return null;
      }
      if (common != null && !common.equals(t)) {
        return null;
      }
      common = t;
    }
    return common;
  }
}
