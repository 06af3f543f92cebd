package io.snakebridge.codegen.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Javadoc text from a parsed Python docstring, escaped so that neither {@code javac} nor {@code
 * javadoc} can trip over it: HTML specials, {@code *}{@code /}, backslashes (a {@code \}{@code u}
 * in a comment is read as a Unicode escape), braces and at signs are written as entities.
 */
public final class Javadoc {
  private Javadoc() {}

  /** Escapes prose for Javadoc. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&':
          out.append("&amp;");
          break;
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '\\':
          out.append("&#92;");
          break;
        case '@':
          out.append("&#64;");
          break;
        case '{':
          out.append("&#123;");
          break;
        case '}':
          out.append("&#125;");
          break;
        case '/':
          out.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
          break;
        default:
          if (c < ' ' && c != '\n' && c != '\t') {
            out.append(' ');
          } else {
            out.append(c);
          }
      }
    }
    return out.toString();
  }

  /** Escaped text laid out as paragraphs (blank lines become {@code <p>}). */
  public static String paragraphs(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    return escape(text.strip()).replaceAll("\n[ \t]*\n+", "\n\n<p>");
  }

  /** A code block. */
  public static String code(String text) {
    return "<pre>\n" + escape(text.strip()) + "\n</pre>";
  }

  /** The body (no tags) of a type or method comment from a parsed docstring map, or a fallback. */
  /** Whether {@code doc} has text {@link #body} converts (a summary or a description). */
  public static boolean converted(@Nullable Map<String, Object> doc) {
    if (doc == null) {
      return false;
    }
    for (String key : new String[] {"summary", "description"}) {
      Object text = doc.get(key);
      if (text instanceof String && !((String) text).isBlank()) {
        return true;
      }
    }
    return false;
  }

  public static String body(@Nullable Map<String, Object> doc, String fallback) {
    List<String> parts = new ArrayList<>();
    String summary = doc == null ? null : (String) doc.get("summary");
    parts.add(summary == null || summary.isBlank() ? escape(fallback) : paragraphs(summary));
    if (doc != null) {
      String description = (String) doc.get("description");
      if (description != null && !description.isBlank()) {
        parts.add("<p>" + paragraphs(description));
      }
      List<Map<String, Object>> raises = Manifests.maps(doc.get("raises"));
      if (!raises.isEmpty()) {
        StringBuilder b = new StringBuilder("<p>Python raises:\n<ul>\n");
        for (Map<String, Object> r : raises) {
          b.append("<li>").append(escape(String.valueOf(r.get("type"))));
          Object d = r.get("description");
          if (d != null && !d.toString().isBlank()) {
            b.append(": ").append(paragraphs(d.toString()));
          }
          b.append("</li>\n");
        }
        parts.add(b.append("</ul>").toString());
      }
      for (Object example : Manifests.list(doc.get("examples"))) {
        parts.add("<p>Example:\n" + code(example.toString()));
      }
    }
    return String.join("\n\n", parts) + "\n";
  }

  /** The description of a documented parameter, or {@code fallback}. */
  public static String paramDescription(
      @Nullable Map<String, Object> doc, String pythonName, String fallback) {
    if (doc != null) {
      for (Map<String, Object> p : Manifests.maps(doc.get("params"))) {
        for (String name : String.valueOf(p.get("name")).split(",")) {
          if (name.strip().replace("*", "").equals(pythonName)) {
            Object d = p.get("description");
            if (d != null && !d.toString().isBlank()) {
              return paragraphs(d.toString());
            }
          }
        }
      }
    }
    return escape(fallback);
  }

  /** The description of the (first) documented return value, or {@code fallback}. */
  public static String returnDescription(@Nullable Map<String, Object> doc, String fallback) {
    if (doc != null) {
      List<Map<String, Object>> returns = Manifests.maps(doc.get("returns"));
      if (!returns.isEmpty()) {
        Object d = returns.get(0).get("description");
        Object t = returns.get(0).get("type");
        String text =
            d != null && !d.toString().isBlank() ? d.toString() : t != null ? t.toString() : null;
        if (text != null) {
          return paragraphs(text);
        }
      }
    }
    return escape(fallback);
  }
}
