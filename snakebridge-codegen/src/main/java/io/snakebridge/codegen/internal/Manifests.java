package io.snakebridge.codegen.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Typed access to the maps and lists of a parsed manifest. */
public final class Manifests {
  private Manifests() {}

  /** The value as a list of maps (empty when absent). */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> maps(@Nullable Object value) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (value instanceof List) {
      for (Object item : (List<Object>) value) {
        if (item instanceof Map) {
          out.add((Map<String, Object>) item);
        }
      }
    }
    return out;
  }

  /** The value as a list (empty when absent). */
  @SuppressWarnings("unchecked")
  public static List<Object> list(@Nullable Object value) {
    return value instanceof List ? (List<Object>) value : List.of();
  }

  /** The value as a map, or null. */
  @SuppressWarnings("unchecked")
  public static @Nullable Map<String, Object> map(@Nullable Object value) {
    return value instanceof Map ? (Map<String, Object>) value : null;
  }

  /** The value as a string, or null. */
  public static @Nullable String string(@Nullable Object value) {
    return value instanceof String ? (String) value : null;
  }

  /** The value as a boolean (false when absent). */
  public static boolean bool(@Nullable Object value) {
    return Boolean.TRUE.equals(value);
  }
}
