package io.snakebridge.internal.env;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The content of a {@code snakebridge.lock} file: the requirements it was made from (and their
 * hash), the interpreter that resolved them, and every distribution pinned with its sha256.
 *
 * <p>The file is line-oriented TOML: {@code key = "value"} pairs at the top, a {@code [python]}
 * table, then one {@code [[package]]} table per distribution sorted by name, so that a change shows
 * as a small diff. Values are basic strings with {@code \\} and {@code "} escaped.
 *
 * <p>Immutable and thread-safe.
 */
public final class EnvLock {
  /** The format version written in the file; a reader refuses any other. */
  public static final int FORMAT = 1;

  /** The file name at the project root and inside {@code META-INF/snakebridge/}. */
  public static final String FILE_NAME = "snakebridge.lock";

  private final String generator;
  private final String inputs;
  private final List<String> requirements;
  private final List<String> pipOptions;
  private final PythonPlatform python;
  private final List<LockedPackage> packages;

  public EnvLock(
      String generator,
      String inputs,
      List<String> requirements,
      List<String> pipOptions,
      PythonPlatform python,
      List<LockedPackage> packages) {
    this.generator = Objects.requireNonNull(generator, "generator");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.requirements = List.copyOf(requirements);
    this.pipOptions = List.copyOf(pipOptions);
    this.python = Objects.requireNonNull(python, "python");
    List<LockedPackage> sorted = new ArrayList<>(packages);
    sorted.sort(Comparator.comparing(LockedPackage::name));
    this.packages = List.copyOf(sorted);
  }

  /** The interpreter a lock was resolved with. */
  public record PythonPlatform(
      String version, String implementation, String platform, String machine, String tag) {
    public PythonPlatform {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(implementation, "implementation");
      Objects.requireNonNull(platform, "platform");
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(tag, "tag");
    }
  }

  /** One pinned distribution; {@code name} is normalized as PEP 503 says. */
  public record LockedPackage(String name, String version, String url, String sha256) {
    public LockedPackage {
      name = normalize(name);
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(url, "url");
      if (!sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "sha256 of " + name + " is not 64 hex digits: " + sha256);
      }
    }

    /** The file name at the end of the URL. */
    public String filename() {
      String path = url;
      int cut = path.indexOf('#');
      if (cut >= 0) {
        path = path.substring(0, cut);
      }
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  public String generator() {
    return generator;
  }

  /** The hash of the requirements and pip options, {@code sha256:<hex>}. */
  public String inputs() {
    return inputs;
  }

  public List<String> requirements() {
    return requirements;
  }

  public List<String> pipOptions() {
    return pipOptions;
  }

  public PythonPlatform python() {
    return python;
  }

  public List<LockedPackage> packages() {
    return packages;
  }

  /** PEP 503: lower case, runs of {@code -_.} become one {@code -}. */
  public static String normalize(String name) {
    return name.trim().replaceAll("[-_.]+", "-").toLowerCase(Locale.ROOT);
  }

  /**
   * Hashes what a lock is made from: each requirement, each pip option and the text of the
   * requirements file (null when there is none), in order. Changing any of them changes it.
   */
  public static String inputsHash(
      List<String> requirements, @Nullable String requirementsFileText, List<String> pipOptions) {
    StringBuilder text = new StringBuilder("snakebridge-lock-inputs/1\n");
    for (String requirement : requirements) {
      text.append("requirement\0").append(requirement.trim()).append('\n');
    }
    if (requirementsFileText != null) {
      text.append("file\0").append(requirementsFileText.replace("\r\n", "\n")).append('\n');
    }
    for (String option : pipOptions) {
      text.append("pip-option\0").append(option).append('\n');
    }
    return "sha256:" + sha256(text.toString());
  }

  /**
   * Hashes what a venv made from this lock contains: the interpreter's version and platform and
   * every pin with its sha256. Two projects that resolve the same share a venv.
   */
  public String pinsHash() {
    StringBuilder text = new StringBuilder("snakebridge-pins/1\n");
    text.append(python.version())
        .append(' ')
        .append(python.implementation())
        .append(' ')
        .append(python.platform())
        .append(' ')
        .append(python.machine())
        .append('\n');
    for (LockedPackage p : packages) {
      text.append(p.name())
          .append("==")
          .append(p.version())
          .append(' ')
          .append(p.sha256())
          .append('\n');
    }
    return "sha256:" + sha256(text.toString());
  }

  /** The pins as a pip requirements file for {@code --require-hashes --no-deps}. */
  public String pinnedRequirements() {
    StringBuilder text = new StringBuilder();
    for (LockedPackage p : packages) {
      text.append(p.name())
          .append("==")
          .append(p.version())
          .append(" --hash=sha256:")
          .append(p.sha256())
          .append('\n');
    }
    return text.toString();
  }

  /** The file's text. */
  public String format() {
    StringBuilder out = new StringBuilder();
    out.append("# Python distributions pinned for this project by SnakeBridge.\n");
    out.append("# Commit this file. Regenerate it with: mvn snakebridge:lock\n");
    out.append("format = ").append(FORMAT).append('\n');
    pair(out, "generator", generator);
    pair(out, "inputs", inputs);
    list(out, "requirements", requirements);
    list(out, "pip-options", pipOptions);
    out.append("\n[python]\n");
    pair(out, "version", python.version());
    pair(out, "implementation", python.implementation());
    pair(out, "platform", python.platform());
    pair(out, "machine", python.machine());
    pair(out, "tag", python.tag());
    for (LockedPackage p : packages) {
      out.append("\n[[package]]\n");
      pair(out, "name", p.name());
      pair(out, "version", p.version());
      pair(out, "filename", p.filename());
      pair(out, "url", p.url());
      pair(out, "sha256", p.sha256());
    }
    return out.toString();
  }

  /**
   * Reads a lock file's text.
   *
   * @throws IllegalArgumentException naming the line when the text is not a lock of this format
   */
  public static EnvLock parse(String text) {
    String table = "";
    Integer format = null;
    String generator = null;
    String inputs = null;
    List<String> requirements = List.of();
    List<String> pipOptions = List.of();
    String[] py = new String[5];
    List<LockedPackage> packages = new ArrayList<>();
    String[] pkg = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i <= lines.length; i++) {
      String line = i < lines.length ? lines[i].strip() : "[end]";
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[")) {
        if (pkg != null) {
          packages.add(toPackage(pkg, i));
          pkg = null;
        }
        table = line;
        if (table.equals("[[package]]")) {
          pkg = new String[5];
        } else if (!table.equals("[python]") && !table.equals("[end]")) {
          throw bad(i, "unknown table " + table);
        }
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw bad(i, "expected key = value");
      }
      String key = line.substring(0, eq).strip();
      String raw = line.substring(eq + 1).strip();
      switch (table) {
        case "":
          switch (key) {
            case "format":
              format = Integer.valueOf(raw);
              break;
            case "generator":
              generator = string(raw, i);
              break;
            case "inputs":
              inputs = string(raw, i);
              break;
            case "requirements":
              requirements = strings(raw, i);
              break;
            case "pip-options":
              pipOptions = strings(raw, i);
              break;
            default:
              throw bad(i, "unknown key " + key);
          }
          break;
        case "[python]":
          int slot =
              List.of("version", "implementation", "platform", "machine", "tag").indexOf(key);
          if (slot < 0) {
            throw bad(i, "unknown key " + key + " in [python]");
          }
          py[slot] = string(raw, i);
          break;
        default:
          int field = List.of("name", "version", "filename", "url", "sha256").indexOf(key);
          if (field < 0 || pkg == null) { // pkg is null after [end]
            throw bad(i, "unknown key " + key + " in [[package]]");
          }
          pkg[field] = string(raw, i);
          break;
      }
    }
    if (format == null || format != FORMAT) {
      throw new IllegalArgumentException(
          "not a snakebridge.lock of format "
              + FORMAT
              + " (format = "
              + format
              + "); regenerate it with: mvn snakebridge:lock");
    }
    if (generator == null || inputs == null) {
      throw new IllegalArgumentException("snakebridge.lock lacks generator or inputs");
    }
    for (String value : py) {
      if (value == null) {
        throw new IllegalArgumentException("snakebridge.lock has an incomplete [python] table");
      }
    }
    return new EnvLock(
        generator,
        inputs,
        requirements,
        pipOptions,
        new PythonPlatform(py[0], py[1], py[2], py[3], py[4]),
        packages);
  }

  private static LockedPackage toPackage(String[] pkg, int line) {
    if (pkg[0] == null || pkg[1] == null || pkg[3] == null || pkg[4] == null) {
      throw bad(line - 1, "[[package]] needs name, version, url and sha256");
    }
    return new LockedPackage(pkg[0], pkg[1], pkg[3], pkg[4]);
  }

  private static IllegalArgumentException bad(int index, String what) {
    return new IllegalArgumentException("snakebridge.lock line " + (index + 1) + ": " + what);
  }

  private static void pair(StringBuilder out, String key, String value) {
    out.append(key).append(" = ").append(quote(value)).append('\n');
  }

  private static void list(StringBuilder out, String key, List<String> values) {
    out.append(key).append(" = [");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
    }
    out.append("]\n");
  }

  private static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String string(String raw, int line) {
    int[] at = {0};
    String value = readString(raw, at, line);
    if (at[0] != raw.length()) {
      throw bad(line, "text after the closing quote");
    }
    return value;
  }

  private static List<String> strings(String raw, int line) {
    if (!raw.startsWith("[") || !raw.endsWith("]")) {
      throw bad(line, "expected a list [\"...\", ...]");
    }
    List<String> values = new ArrayList<>();
    String body = raw.substring(1, raw.length() - 1).strip();
    int[] at = {0};
    while (at[0] < body.length()) {
      values.add(readString(body, at, line));
      while (at[0] < body.length() && (body.charAt(at[0]) == ',' || body.charAt(at[0]) == ' ')) {
        at[0]++;
      }
    }
    return values;
  }

  private static String readString(String raw, int[] at, int line) {
    if (at[0] >= raw.length() || raw.charAt(at[0]) != '"') {
      throw bad(line, "expected a quoted string");
    }
    StringBuilder out = new StringBuilder();
    int i = at[0] + 1;
    while (i < raw.length()) {
      char c = raw.charAt(i++);
      if (c == '"') {
        at[0] = i;
        return out.toString();
      }
      if (c == '\\') {
        if (i >= raw.length()) {
          break;
        }
        char e = raw.charAt(i++);
        if (e == 'u' && i + 4 <= raw.length()) {
          out.append((char) Integer.parseInt(raw.substring(i, i + 4), 16));
          i += 4;
        } else if (e == '"' || e == '\\') {
          out.append(e);
        } else {
          throw bad(line, "unsupported escape \\" + e);
        }
      } else {
        out.append(c);
      }
    }
    throw bad(line, "unterminated string");
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvLock && ((EnvLock) o).format().equals(format());
  }

  @Override
  public int hashCode() {
    return format().hashCode();
  }

  @Override
  public String toString() {
    return "EnvLock{" + packages.size() + " packages, python " + python.version() + "}";
  }
}
