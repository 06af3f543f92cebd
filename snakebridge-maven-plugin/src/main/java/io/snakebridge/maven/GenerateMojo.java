package io.snakebridge.maven;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.codegen.Preset;
import io.snakebridge.codegen.StrictModeException;
import io.snakebridge.codegen.StrictPolicy;
import io.snakebridge.codegen.WrapperBuild;
import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.Venvs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * Generates typed Java wrappers for Python modules (site packages of the managed venv, the standard
 * library, the project's own modules under {@code pythonSources}) into {@code
 * target/generated-sources/snakebridge}, a compile source root, with a coverage report per module
 * under {@code target/snakebridge}.
 *
 * <p>With requirements (or a lock file) the modules are introspected in the managed venv, made as
 * the {@code env} goal makes it; when {@code env} is not declared too, this goal also embeds the
 * lock in the classes as {@code env} does. Without, the base interpreter is used. An unchanged
 * build regenerates nothing.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractEnvMojo {
  /**
   * The Python modules to generate Java for, such as {@code numpy} or {@code sklearn.linear_model}.
   */
  @Parameter List<String> modules = new ArrayList<>();

  /**
   * Curated module lists generated before {@code modules}: {@code numpy}, {@code pandas}, {@code
   * scikit-learn}, {@code stdlib}, {@code science} (numpy, pandas and scikit-learn).
   */
  @Parameter List<String> presets = new ArrayList<>();

  /** The Java package the generated packages go below, such as {@code com.example.py}. */
  @Parameter(property = "snakebridge.basePackage", required = true)
  String basePackage;

  /** The project's own Python modules, importable by their names. */
  @Parameter(
      property = "snakebridge.pythonSources",
      defaultValue = "${project.basedir}/src/main/python")
  File pythonSources;

  /** Where the Java sources go; the folder belongs to this goal (other files are deleted). */
  @Parameter(
      property = "snakebridge.generatedSources",
      defaultValue = "${project.build.directory}/generated-sources/snakebridge")
  File generatedSourcesDirectory;

  /** Where the coverage reports ({@code <module>.coverage.json} and {@code .md}) go. */
  @Parameter(
      property = "snakebridge.reports",
      defaultValue = "${project.build.directory}/snakebridge")
  File reportDirectory;

  /**
   * Strict mode: the worst accepted source of a call shape, one of {@code signature}, {@code
   * docstring}, {@code text_signature}, {@code none} (the default, accepting all).
   */
  @Parameter(property = "snakebridge.minimumSignatureSource")
  String minimumSignatureSource;

  /** Strict mode: the largest share (0 to 1) of untyped parameters accepted per module. */
  @Parameter(property = "snakebridge.maximumUntypedShare")
  Double maximumUntypedShare;

  @Parameter(defaultValue = "${project.build.outputDirectory}", readonly = true)
  File outputDirectory;

  /** Set by {@link #interpreter()} for a managed venv; null otherwise. */
  private @Nullable String fingerprint;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipped (snakebridge.skip)");
      return;
    }
    long start = System.nanoTime();
    List<String> all;
    try {
      all = Preset.expand(presets, modules);
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    if (all.isEmpty()) {
      throw new MojoExecutionException(
          "configure <modules> or <presets> for the snakebridge plugin's generate goal");
    }
    String python = interpreter();
    WrapperBuild build;
    try {
      build =
          WrapperBuild.builder()
              .python(python)
              .interpreterFingerprint(fingerprint)
              .modules(all)
              .basePackage(basePackage)
              .pythonSources(pythonSources.toPath())
              .outputDirectory(generatedSourcesDirectory.toPath())
              .reportDirectory(reportDirectory.toPath())
              .policy(policy())
              .build();
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    try {
      build.run(line -> getLog().info(line));
    } catch (StrictModeException e) {
      throw new MojoFailureException(e.getMessage() + "\nCoverage reports: " + reportDirectory);
    } catch (IOException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("interrupted", e);
    }
    project.addCompileSourceRoot(generatedSourcesDirectory.getAbsolutePath());
    getLog()
        .info(
            String.format(Locale.ROOT, "generate took %.2f s", (System.nanoTime() - start) / 1e9));
  }

  /** The managed venv's interpreter when there are requirements or a lock; else the base one. */
  private String interpreter() throws MojoExecutionException, MojoFailureException {
    boolean managed =
        !requirements.isEmpty() || requirementsFile != null || Files.exists(lockFile.toPath());
    if (!managed) {
      return basePython();
    }
    EnvLock lock = currentLock(true);
    Path venv;
    BaseInterpreter base;
    try {
      base = BaseInterpreter.probe(basePython());
      venv = Venvs.ensure(cache(), lock, base, pipOptions, line -> getLog().info(line));
    } catch (SnakeBridgeException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    // Venvs.ensure has checked the installed versions against the lock
    fingerprint = "managed venv " + venv + " " + lock.pinsHash() + " " + base.version();
    if (!declaresEnvGoal()) {
      EnvMojo.embed(outputDirectory.toPath(), lock, basePython());
    }
    boolean windows = System.getProperty("os.name", "").startsWith("Windows");
    return (windows
            ? venv.resolve("Scripts").resolve("python.exe")
            : venv.resolve("bin").resolve("python"))
        .toString();
  }

  /** Whether an execution of this plugin in the project runs the {@code env} goal. */
  private boolean declaresEnvGoal() {
    for (Plugin plugin : project.getBuildPlugins()) {
      if (!"snakebridge-maven-plugin".equals(plugin.getArtifactId())) {
        continue;
      }
      for (PluginExecution execution : plugin.getExecutions()) {
        if (execution.getGoals().contains("env")) {
          return true;
        }
      }
    }
    return false;
  }

  private StrictPolicy policy() throws MojoExecutionException {
    StrictPolicy policy = StrictPolicy.lenient();
    try {
      if (minimumSignatureSource != null && !minimumSignatureSource.isBlank()) {
        policy =
            policy.minimumSignatureSource(
                StrictPolicy.SignatureSource.valueOf(
                    minimumSignatureSource.trim().toUpperCase(Locale.ROOT)));
      }
      if (maximumUntypedShare != null) {
        policy = policy.maximumUntypedShare(maximumUntypedShare);
      }
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException(
          "bad strict setting (minimumSignatureSource is one of"
              + " signature, docstring, text_signature, none; maximumUntypedShare within 0 and 1): "
              + e.getMessage(),
          e);
    }
    return policy;
  }
}
