package io.snakebridge.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Curated module lists a build can name instead of (or besides) its own: the parts of numpy,
 * pandas, scikit-learn and the standard library most programs use. Each is known to generate and to
 * compile with {@code -Xlint:all} and doclint without a warning; names that collide are resolved by
 * the naming rules (a module class takes the suffix {@code Module} when one of its classes has its
 * name, as {@code datetime.datetime} does).
 */
public enum Preset {
  /** numpy's top level: functions, ufuncs, {@code ndarray} and the scalar types. */
  NUMPY("numpy", List.of("numpy")),
  /**
   * pandas' top level ({@code DataFrame}, {@code Series}, readers, ...) and {@code
   * pandas.core.groupby} ({@code GroupBy}, {@code DataFrameGroupBy}, {@code SeriesGroupBy}).
   */
  PANDAS("pandas", List.of("pandas", "pandas.core.groupby")),
  /** scikit-learn's estimators, preprocessing, model selection and metrics. */
  SCIKIT_LEARN(
      "scikit-learn",
      List.of(
          "sklearn.linear_model",
          "sklearn.ensemble",
          "sklearn.preprocessing",
          "sklearn.model_selection",
          "sklearn.metrics")),
  /**
   * The standard library's {@code math}, {@code statistics}, {@code json}, {@code re}, {@code
   * datetime} and {@code pathlib}.
   */
  STDLIB("stdlib", List.of("math", "statistics", "json", "re", "datetime", "pathlib")),
  /** {@link #NUMPY}, {@link #PANDAS} and {@link #SCIKIT_LEARN}. */
  SCIENCE("science", concat(NUMPY.modules, PANDAS.modules, SCIKIT_LEARN.modules));

  private final String presetName;

  // List.of and List.copyOf only: unmodifiable, which the checker cannot see in the type
  @SuppressWarnings("ImmutableEnumChecker")
  private final List<String> modules;

  Preset(String presetName, List<String> modules) {
    this.presetName = presetName;
    this.modules = modules;
  }

  /**
   * The name a build configuration uses: {@code numpy}, {@code pandas}, {@code scikit-learn}, ...
   */
  public String presetName() {
    return presetName;
  }

  /** The Python modules, in generation order. */
  public List<String> modules() {
    return modules;
  }

  /**
   * The preset called {@code name} (case ignored; {@code sklearn} is {@code scikit-learn}).
   *
   * @throws IllegalArgumentException naming every preset when there is none of that name
   */
  public static Preset named(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    if (wanted.equals("sklearn")) {
      wanted = SCIKIT_LEARN.presetName;
    }
    List<String> names = new ArrayList<>();
    for (Preset p : values()) {
      if (p.presetName.equals(wanted)) {
        return p;
      }
      names.add(p.presetName);
    }
    throw new IllegalArgumentException(
        "no preset '" + name + "'; presets: " + String.join(", ", names));
  }

  /** The modules of the presets named, then {@code modules}, without repeats. */
  public static List<String> expand(List<String> presets, List<String> modules) {
    List<String> out = new ArrayList<>();
    for (String name : presets) {
      for (String module : named(name).modules) {
        if (!out.contains(module)) {
          out.add(module);
        }
      }
    }
    for (String module : modules) {
      if (!out.contains(module)) {
        out.add(module);
      }
    }
    return List.copyOf(out);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> out = new ArrayList<>();
    for (List<String> list : lists) {
      out.addAll(list);
    }
    return List.copyOf(out);
  }
}
