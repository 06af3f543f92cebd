package io.snakebridge.codegen;

import io.snakebridge.codegen.internal.Json;
import io.snakebridge.codegen.internal.Manifests;
import io.snakebridge.codegen.internal.ModuleWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes typed Java wrappers for a Python module from its manifest (the JSON the introspection
 * program {@code introspect.py}, a resource of this library, writes), following the naming rules of
 * the API contract: module {@code a.b_c} becomes package {@code <basePackage>.a.b_c} holding a
 * final module class {@code BC} (functions and module attributes as instance methods, {@code
 * of(SnakeBridgeRuntime)} and {@code of()}), and one final handle class per Python class, extending
 * {@code io.snakebridge.PyHandle}, with {@code create(...)} factories.
 *
 * <p>Output is deterministic: the same manifest always gives the same text. Immutable and
 * thread-safe.
 */
public final class WrapperGenerator {
  private static final String INTROSPECT_RESOURCE = "/io/snakebridge/codegen/introspect.py";

  private final String basePackage;
  private final StrictPolicy policy;

  /**
   * A generator writing below {@code basePackage} (say {@code com.example.py}).
   *
   * @throws IllegalArgumentException when it is not a Java package name
   */
  public WrapperGenerator(String basePackage) {
    Objects.requireNonNull(basePackage, "basePackage");
    if (!basePackage.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
      throw new IllegalArgumentException("not a Java package name: " + basePackage);
    }
    this.basePackage = basePackage;
    this.policy = StrictPolicy.lenient();
  }

  private WrapperGenerator(String basePackage, StrictPolicy policy) {
    this.basePackage = basePackage;
    this.policy = policy;
  }

  /**
   * This generator, failing every generation whose coverage breaks {@code policy} with a {@link
   * StrictModeException} that lists the offenders.
   */
  public WrapperGenerator strict(StrictPolicy policy) {
    return new WrapperGenerator(basePackage, Objects.requireNonNull(policy, "policy"));
  }

  /** The policy generations are checked against ({@link StrictPolicy#lenient()} by default). */
  public StrictPolicy policy() {
    return policy;
  }

  /**
   * The introspection program's source: a standard-library-only Python 3.9+ script. Run it as
   * {@code python introspect.py --out DIR [--path DIR]... MODULE...} with the interpreter whose
   * packages are to be described; it writes {@code DIR/<module>.json} per module (the manifests
   * {@link #generate(Path)} reads), imports from each {@code --path} first (a project's own
   * sources), and exits with status 1, naming the module on stderr, when one cannot be imported.
   */
  public static String introspectionProgram() {
    try (InputStream in = WrapperGenerator.class.getResourceAsStream(INTROSPECT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + INTROSPECT_RESOURCE + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Generates from the manifest text; one source per class, sorted by class name.
   *
   * @throws StrictModeException when the coverage breaks the {@linkplain #policy() policy}
   */
  public List<GeneratedSource> generate(String manifestJson) {
    return generateModule(manifestJson).sources();
  }

  /** Generates from a manifest file. */
  public List<GeneratedSource> generate(Path manifest) throws IOException {
    return generate(Files.readString(manifest, StandardCharsets.UTF_8));
  }

  /**
   * Generates from the manifest text and reports the coverage ({@link CoverageReport#writeTo}
   * writes it as JSON and Markdown).
   *
   * @throws StrictModeException when the coverage breaks the {@linkplain #policy() policy}
   */
  public GeneratedModule generateModule(String manifestJson) {
    Map<String, Object> manifest = Manifests.map(Json.parse(manifestJson));
    if (manifest == null || Manifests.string(manifest.get("module")) == null) {
      throw new IllegalArgumentException("not a module manifest (no \"module\" key)");
    }
    ModuleWriter writer = new ModuleWriter(basePackage, manifest);
    List<GeneratedSource> sources = writer.write();
    CoverageReport coverage = writer.coverage();
    policy.check(coverage);
    return new GeneratedModule(sources, coverage);
  }

  /** Generates from a manifest file and reports the coverage. */
  public GeneratedModule generateModule(Path manifest) throws IOException {
    return generateModule(Files.readString(manifest, StandardCharsets.UTF_8));
  }
}
