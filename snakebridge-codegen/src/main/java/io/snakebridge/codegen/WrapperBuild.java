package io.snakebridge.codegen;

import io.snakebridge.codegen.internal.BuildKey;
import io.snakebridge.codegen.internal.Introspector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The incremental generation of a project's wrappers: introspects a list of Python modules with one
 * interpreter, generates Java for them into a source folder of its own, and writes their coverage
 * reports. What the Maven goal {@code generate} and the command {@code snakebridge generate} run.
 *
 * <pre>{@code
 * WrapperBuild.builder()
 *     .python("/path/to/venv/bin/python")
 *     .modules(List.of("numpy", "statistics", "pricing"))
 *     .basePackage("com.example.py")
 *     .pythonSources(Path.of("src/main/python"))
 *     .outputDirectory(Path.of("target/generated-sources/snakebridge"))
 *     .reportDirectory(Path.of("target/snakebridge"))
 *     .build()
 *     .run(System.out::println);
 * }</pre>
 *
 * <p>A run whose inputs did not change since the last successful one does nothing. The inputs are
 * the interpreter (its version and every distribution it has installed, or the {@linkplain
 * Builder#interpreterFingerprint fingerprint} given), the generator (its version and classes), the
 * modules, the package, the policy and the content of the project's Python sources. Otherwise every
 * source is regenerated; a file whose text did not change is left untouched, and any other file in
 * the output folder is deleted: the folder belongs to this build. The output is deterministic, byte
 * for byte.
 *
 * <p>Immutable and thread-safe; two runs into the same folders must not overlap.
 */
public final class WrapperBuild {
  /** The file below the report folder that records the last successful run. */
  public static final String STATE_FILE = "generate.state";

  private final String python;
  private final @Nullable String interpreterFingerprint;
  private final List<String> modules;
  private final String basePackage;
  private final @Nullable Path pythonSources;
  private final Path outputDirectory;
  private final Path reportDirectory;
  private final StrictPolicy policy;

  private WrapperBuild(Builder b) {
    this.python = Objects.requireNonNull(b.python, "python");
    this.interpreterFingerprint = b.interpreterFingerprint;
    this.modules = List.copyOf(new LinkedHashSet<>(b.modules));
    if (modules.isEmpty()) {
      throw new IllegalArgumentException("modules: name at least one Python module");
    }
    this.basePackage = Objects.requireNonNull(b.basePackage, "basePackage");
    new WrapperGenerator(basePackage); // rejects a bad package name now
    this.pythonSources = b.pythonSources;
    this.outputDirectory = Objects.requireNonNull(b.outputDirectory, "outputDirectory");
    this.reportDirectory = Objects.requireNonNull(b.reportDirectory, "reportDirectory");
    this.policy = b.policy;
  }

  /** A builder; {@code python}, {@code modules}, {@code basePackage} and the folders are needed. */
  public static Builder builder() {
    return new Builder();
  }

  /** The modules to generate, in the order given, without repeats. */
  public List<String> modules() {
    return modules;
  }

  /**
   * Runs the build.
   *
   * @param progress receives what is done, line by line (and the introspection's own output)
   * @throws IOException when a file cannot be read or written, or the introspection fails (the
   *     message holds its output)
   * @throws StrictModeException when a module breaks the policy; the coverage reports are written,
   *     the sources are not
   */
  public Result run(Consumer<String> progress) throws IOException, InterruptedException {
    Path state = reportDirectory.resolve(STATE_FILE);
    String key =
        new BuildKey(python, interpreterFingerprint, modules, basePackage, pythonSources(), policy)
            .compute();
    List<String> previous =
        Files.isRegularFile(state) ? Files.readAllLines(state, StandardCharsets.UTF_8) : List.of();
    if (!previous.isEmpty()
        && previous.get(0).equals("key=" + key)
        && holdsExactly(previous.subList(1, previous.size()))) {
      progress.accept(
          "Wrappers are up to date ("
              + (previous.size() - 1)
              + " files in "
              + outputDirectory
              + ")");
      return new Result(true, previous.size() - 1, List.of());
    }
    Files.createDirectories(reportDirectory);
    Files.deleteIfExists(state);
    Path manifests = reportDirectory.resolve("manifests");
    Introspector.run(python, manifests, pythonSources(), modules, progress);

    WrapperGenerator generator = new WrapperGenerator(basePackage);
    List<GeneratedSource> sources = new ArrayList<>();
    List<CoverageReport> reports = new ArrayList<>();
    List<StrictPolicy.Offender> offenders = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String module : modules) {
      GeneratedModule generated = generator.generateModule(manifests.resolve(module + ".json"));
      generated.coverage().writeTo(reportDirectory);
      reports.add(generated.coverage());
      List<StrictPolicy.Offender> found = policy.offenders(generated.coverage());
      if (!found.isEmpty()) {
        refused.add(module);
        offenders.addAll(found);
      }
      sources.addAll(generated.sources());
    }
    if (!offenders.isEmpty()) {
      throw new StrictModeException(String.join(", ", refused), offenders);
    }
    Files.createDirectories(outputDirectory);
    Set<Path> written = new TreeSet<>();
    for (GeneratedSource source : sources) {
      written.add(source.writeTo(outputDirectory).toAbsolutePath().normalize());
    }
    int removed = removeOthers(written);
    StringBuilder text = new StringBuilder("key=").append(key).append('\n');
    for (GeneratedSource source : sources) {
      text.append(source.relativePath()).append('\n');
    }
    Files.writeString(state, text, StandardCharsets.UTF_8);
    progress.accept(
        "Generated "
            + sources.size()
            + " files for "
            + modules
            + " in "
            + outputDirectory
            + (removed > 0 ? " (" + removed + " stale files removed)" : ""));
    return new Result(false, sources.size(), reports);
  }

  private @Nullable Path pythonSources() {
    return pythonSources != null && Files.isDirectory(pythonSources) ? pythonSources : null;
  }

  /** Whether the output folder holds these files and no other. */
  private boolean holdsExactly(List<String> relativePaths) throws IOException {
    if (!Files.isDirectory(outputDirectory)) {
      return false;
    }
    Set<String> found = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(outputDirectory)) {
      walk.filter(Files::isRegularFile)
          .forEach(p -> found.add(outputDirectory.relativize(p).toString().replace('\\', '/')));
    }
    return found.equals(new TreeSet<>(relativePaths));
  }

  /** Deletes every file of the output folder not in {@code keep}, then empty folders. */
  private int removeOthers(Set<Path> keep) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(outputDirectory)) {
      all = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
    }
    int removed = 0;
    for (Path p : all) {
      Path normal = p.toAbsolutePath().normalize();
      if (Files.isDirectory(p)) {
        if (!p.equals(outputDirectory) && isEmpty(p)) {
          Files.delete(p);
        }
      } else if (!keep.contains(normal)) {
        Files.delete(p);
        removed++;
      }
    }
    return removed;
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What a run did.
   *
   * @param upToDate nothing was generated: the inputs are those of the last run
   * @param files the number of source files the output folder holds
   * @param coverage one report per module generated (empty when up to date)
   */
  public record Result(boolean upToDate, int files, List<CoverageReport> coverage) {
    /** Copies the list. */
    public Result {
      coverage = List.copyOf(coverage);
    }
  }

  /** Collects a build's settings. Not thread-safe. */
  public static final class Builder {
    private @Nullable String python;
    private @Nullable String interpreterFingerprint;
    private List<String> modules = List.of();
    private @Nullable String basePackage;
    private @Nullable Path pythonSources;
    private @Nullable Path outputDirectory;
    private @Nullable Path reportDirectory;
    private StrictPolicy policy = StrictPolicy.lenient();

    private Builder() {}

    /** The interpreter (a path or a command on PATH) whose modules are described. */
    public Builder python(String python) {
      this.python = Objects.requireNonNull(python, "python");
      return this;
    }

    /**
     * What identifies the interpreter's installed packages when the caller knows it already (a
     * managed venv's lock hash, checked against the venv): the build then does not start the
     * interpreter to ask, and saves a second on a no-op build. By default it asks.
     */
    public Builder interpreterFingerprint(@Nullable String fingerprint) {
      this.interpreterFingerprint = fingerprint;
      return this;
    }

    /** The Python modules to generate: site packages, standard library, the project's own. */
    public Builder modules(List<String> modules) {
      for (String m : modules) {
        if (!m.matches("[A-Za-z_]\\w*(\\.[A-Za-z_]\\w*)*")) {
          throw new IllegalArgumentException("not a Python module name: '" + m + "'");
        }
      }
      this.modules = List.copyOf(modules);
      return this;
    }

    /** The Java package the module packages go below, such as {@code com.example.py}. */
    public Builder basePackage(String basePackage) {
      this.basePackage = Objects.requireNonNull(basePackage, "basePackage");
      return this;
    }

    /** The project's own Python sources, imported first; ignored when the folder is missing. */
    public Builder pythonSources(@Nullable Path pythonSources) {
      this.pythonSources = pythonSources;
      return this;
    }

    /** The folder the Java sources go to; it belongs to the build (other files are deleted). */
    public Builder outputDirectory(Path outputDirectory) {
      this.outputDirectory = Objects.requireNonNull(outputDirectory, "outputDirectory");
      return this;
    }

    /** The folder for the coverage reports, the manifests and the build's state. */
    public Builder reportDirectory(Path reportDirectory) {
      this.reportDirectory = Objects.requireNonNull(reportDirectory, "reportDirectory");
      return this;
    }

    /** The policy each module is checked against ({@link StrictPolicy#lenient()} by default). */
    public Builder policy(StrictPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The build.
     *
     * @throws NullPointerException when a needed setting is missing
     * @throws IllegalArgumentException when no module is named or the package name is bad
     */
    public WrapperBuild build() {
      return new WrapperBuild(this);
    }
  }
}
