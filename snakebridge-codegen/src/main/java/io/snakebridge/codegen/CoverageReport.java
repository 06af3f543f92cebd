package io.snakebridge.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the generation of one Python module covered: the callables generated (functions,
 * constructors, methods), how many have an exact parameter list, how many parameters got a Java
 * type other than {@code Object} and from which source, how many docstrings were converted, and
 * which members were skipped and why. Written as {@code <module>.coverage.json} and {@code
 * <module>.coverage.md} by {@link #writeTo(Path)}; the text is deterministic (everything sorted).
 * Immutable and thread-safe.
 *
 * <p>Variadic parameters ({@code *args}, {@code **kwargs}) are not counted as parameters; a
 * callable that has one is not exact.
 */
public final class CoverageReport {
  /** The type sources of the manifest, best first, and {@code none} for an untyped parameter. */
  public static final List<String> TYPE_SOURCES =
      List.of("annotation", "stub", "constraints", "numpydoc", "none");

  /**
   * One generated callable.
   *
   * @param kind {@code function}, {@code constructor} or {@code method}
   * @param name its Python name, {@code Class.method} for a method and {@code Class} for a
   *     constructor
   * @param signatureSource where its call shape came from: {@code signature}, {@code docstring},
   *     {@code text_signature} or {@code none}
   * @param exact whether its parameter list is known and has no {@code *args}/{@code **kwargs}
   * @param documented whether its Javadoc was converted from a docstring
   * @param parameters its non-variadic parameters, in Python order
   */
  public record Callable(
      String kind,
      String name,
      String signatureSource,
      boolean exact,
      boolean documented,
      List<Parameter> parameters) {
    /** Checks for nulls and copies the list. */
    public Callable {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(signatureSource, "signatureSource");
      parameters = List.copyOf(parameters);
    }
  }

  /**
   * One parameter of a generated callable.
   *
   * @param name its Python name
   * @param source where its Java type came from, one of {@link #TYPE_SOURCES}; {@code none} when it
   *     is {@code Object}
   * @param pythonType the Python type text of the manifest, or null
   */
  public record Parameter(String name, String source, @Nullable String pythonType) {
    /** Checks for nulls. */
    public Parameter {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(source, "source");
    }

    /** Whether it has a Java type other than {@code Object}. */
    public boolean typed() {
      return !"none".equals(source);
    }
  }

  /**
   * A member that got no Java code.
   *
   * @param name its Python name ({@code Class.member} for a class member)
   * @param reason why
   */
  public record Skipped(String name, String reason) {
    /** Checks for nulls. */
    public Skipped {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
    }
  }

  private static final Comparator<Callable> CALLABLE_ORDER =
      Comparator.comparing(Callable::name).thenComparing(Callable::kind);
  private static final Comparator<Skipped> SKIPPED_ORDER =
      Comparator.comparing(Skipped::name).thenComparing(Skipped::reason);

  private final String module;
  private final List<Callable> callables;
  private final List<Skipped> skipped;

  /** A report; both lists are copied and sorted (callables by name and kind, skips by name). */
  public CoverageReport(String module, List<Callable> callables, List<Skipped> skipped) {
    this.module = Objects.requireNonNull(module, "module");
    List<Callable> c = new ArrayList<>(callables);
    c.sort(CALLABLE_ORDER);
    this.callables = List.copyOf(c);
    List<Skipped> s = new ArrayList<>(skipped);
    s.sort(SKIPPED_ORDER);
    this.skipped = List.copyOf(s);
  }

  /** The Python module. */
  public String module() {
    return module;
  }

  /** The generated callables, sorted by name and kind. */
  public List<Callable> callables() {
    return callables;
  }

  /** The skipped members, sorted by name. */
  public List<Skipped> skipped() {
    return skipped;
  }

  /** The number of callables with an exact parameter list. */
  public int exactCallables() {
    return (int) callables.stream().filter(Callable::exact).count();
  }

  /** The number of callables whose Javadoc was converted from a docstring. */
  public int documentedCallables() {
    return (int) callables.stream().filter(Callable::documented).count();
  }

  /** The number of (non-variadic) parameters. */
  public int parameters() {
    return callables.stream().mapToInt(c -> c.parameters().size()).sum();
  }

  /** The number of parameters with a Java type other than {@code Object}. */
  public int typedParameters() {
    return (int)
        callables.stream().flatMap(c -> c.parameters().stream()).filter(Parameter::typed).count();
  }

  /** Parameters per source, every one of {@link #TYPE_SOURCES} present, in that order. */
  public Map<String, Integer> parametersBySource() {
    Map<String, Integer> out = new TreeMap<>(Comparator.comparingInt(CoverageReport::sourceRank));
    for (String s : TYPE_SOURCES) {
      out.put(s, 0);
    }
    for (Callable c : callables) {
      for (Parameter p : c.parameters()) {
        out.merge(p.source(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** Callables per signature source, sorted by source. */
  public Map<String, Integer> callablesBySignatureSource() {
    Map<String, Integer> out = new TreeMap<>();
    for (Callable c : callables) {
      out.merge(c.signatureSource(), 1, Integer::sum);
    }
    return out;
  }

  /** Callables per kind, sorted by kind. */
  public Map<String, Integer> callablesByKind() {
    Map<String, Integer> out = new TreeMap<>();
    for (Callable c : callables) {
      out.merge(c.kind(), 1, Integer::sum);
    }
    return out;
  }

  private static int sourceRank(String source) {
    int i = TYPE_SOURCES.indexOf(source);
    return i >= 0 ? i : TYPE_SOURCES.size();
  }

  /** The report as JSON (two-space indent, keys in a fixed order, a trailing newline). */
  public String toJson() {
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"module\": ").append(quote(module)).append(",\n");
    out.append("  \"callables\": {\n");
    out.append("    \"generated\": ").append(callables.size()).append(",\n");
    out.append("    \"exact\": ").append(exactCallables()).append(",\n");
    out.append("    \"documented\": ").append(documentedCallables()).append(",\n");
    out.append("    \"byKind\": ").append(object(callablesByKind())).append(",\n");
    out.append("    \"bySignatureSource\": ")
        .append(object(callablesBySignatureSource()))
        .append("\n");
    out.append("  },\n");
    out.append("  \"parameters\": {\n");
    out.append("    \"total\": ").append(parameters()).append(",\n");
    out.append("    \"typed\": ").append(typedParameters()).append(",\n");
    out.append("    \"bySource\": ").append(object(parametersBySource())).append("\n");
    out.append("  },\n");
    out.append("  \"skipped\": [");
    for (int i = 0; i < skipped.size(); i++) {
      Skipped s = skipped.get(i);
      out.append(i == 0 ? "\n" : ",\n")
          .append("    {\"name\": ")
          .append(quote(s.name()))
          .append(", \"reason\": ")
          .append(quote(s.reason()))
          .append('}');
    }
    out.append(skipped.isEmpty() ? "],\n" : "\n  ],\n");
    out.append("  \"callableDetails\": [");
    for (int i = 0; i < callables.size(); i++) {
      Callable c = callables.get(i);
      out.append(i == 0 ? "\n" : ",\n")
          .append("    {\"name\": ")
          .append(quote(c.name()))
          .append(", \"kind\": ")
          .append(quote(c.kind()))
          .append(", \"signatureSource\": ")
          .append(quote(c.signatureSource()))
          .append(", \"exact\": ")
          .append(c.exact())
          .append(", \"documented\": ")
          .append(c.documented())
          .append(", \"parameters\": [");
      List<Parameter> ps = c.parameters();
      for (int j = 0; j < ps.size(); j++) {
        out.append(j == 0 ? "" : ", ")
            .append("{\"name\": ")
            .append(quote(ps.get(j).name()))
            .append(", \"source\": ")
            .append(quote(ps.get(j).source()))
            .append('}');
      }
      out.append("]}");
    }
    out.append(callables.isEmpty() ? "]\n" : "\n  ]\n");
    out.append("}\n");
    return out.toString();
  }

  /** The report as Markdown: totals, parameters and callables by source, skipped members. */
  public String toMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append("# Coverage of `").append(module).append("`\n\n");
    out.append("| | count | share |\n|---|---:|---:|\n");
    int n = callables.size();
    row(out, "callables generated", n, -1);
    row(out, "callables with an exact parameter list", exactCallables(), n);
    row(out, "docstrings converted", documentedCallables(), n);
    row(out, "parameters", parameters(), -1);
    row(out, "parameters typed", typedParameters(), parameters());
    out.append("\n## Parameters by type source\n\n| source | parameters |\n|---|---:|\n");
    for (Map.Entry<String, Integer> e : parametersBySource().entrySet()) {
      out.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
    }
    out.append("\n## Callables by signature source\n\n| source | callables |\n|---|---:|\n");
    for (Map.Entry<String, Integer> e : callablesBySignatureSource().entrySet()) {
      out.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
    }
    out.append("\n## Skipped\n\n");
    if (skipped.isEmpty()) {
      out.append("Nothing was skipped.\n");
    } else {
      out.append("| member | reason |\n|---|---|\n");
      for (Skipped s : skipped) {
        out.append("| `")
            .append(cell(s.name()))
            .append("` | ")
            .append(cell(s.reason()))
            .append(" |\n");
      }
    }
    return out.toString();
  }

  /**
   * Writes {@code <module>.coverage.json} and {@code <module>.coverage.md} into {@code dir},
   * creating it.
   *
   * @return the two files, JSON first
   */
  public List<Path> writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve(module + ".coverage.json");
    Path md = dir.resolve(module + ".coverage.md");
    Files.writeString(json, toJson(), StandardCharsets.UTF_8);
    Files.writeString(md, toMarkdown(), StandardCharsets.UTF_8);
    return List.of(json, md);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CoverageReport r
        && module.equals(r.module)
        && callables.equals(r.callables)
        && skipped.equals(r.skipped);
  }

  @Override
  public int hashCode() {
    return Objects.hash(module, callables, skipped);
  }

  @Override
  public String toString() {
    return "CoverageReport{module="
        + module
        + ", callables="
        + callables.size()
        + ", exact="
        + exactCallables()
        + ", parameters="
        + parameters()
        + ", typed="
        + typedParameters()
        + ", skipped="
        + skipped.size()
        + "}";
  }

  private static void row(StringBuilder out, String label, int count, int of) {
    String share =
        of < 0 ? "" : of == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * count / of);
    out.append("| ")
        .append(label)
        .append(" | ")
        .append(count)
        .append(" | ")
        .append(share)
        .append(" |\n");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("`", "'").replace('\n', ' ');
  }

  private static String object(Map<String, Integer> map) {
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Integer> e : map.entrySet()) {
      out.append(first ? "" : ", ").append(quote(e.getKey())).append(": ").append(e.getValue());
      first = false;
    }
    return out.append('}').toString();
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }
}
