package io.snakebridge.maven;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.EnvResolver;
import io.snakebridge.internal.env.ManagedEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.jspecify.annotations.Nullable;

/** The configuration every goal shares, and the lock handling between them. */
abstract class AbstractEnvMojo extends AbstractMojo {
  /** The command that re-locks, named in every message that asks for it. */
  static final String RELOCK = "mvn snakebridge:lock";

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  /** pip requirement specifiers, such as {@code pandas>=2}. */
  @Parameter List<String> requirements = new ArrayList<>();

  /** A pip requirements file, instead of or besides {@code requirements}. */
  @Parameter(property = "snakebridge.requirementsFile")
  @Nullable File requirementsFile;

  /** The base interpreter; default SNAKEBRIDGE_PYTHON, else {@code python3} on PATH. */
  @Parameter(property = "snakebridge.basePython")
  @Nullable String python;

  /** Options passed to pip as they are, e.g. {@code --only-binary=:all:}. */
  @Parameter List<String> pipOptions = new ArrayList<>();

  /** The lock file. */
  @Parameter(
      property = "snakebridge.lockFile",
      defaultValue = "${project.basedir}/snakebridge.lock")
  File lockFile;

  /**
   * The cache holding the venvs; default as the runtime's (snakebridge.cacheDir, XDG, ~/.cache).
   */
  @Parameter(property = "snakebridge.cacheDir")
  @Nullable File cacheDirectory;

  /** Skips the goal. */
  @Parameter(property = "snakebridge.skip", defaultValue = "false")
  boolean skip;

  @Parameter(defaultValue = "${plugin.version}", readonly = true)
  String pluginVersion;

  String basePython() {
    return python != null && !python.isBlank() ? python : BaseInterpreter.defaultCommand();
  }

  Path cache() {
    return cacheDirectory != null
        ? cacheDirectory.toPath().toAbsolutePath()
        : ManagedEnvironment.defaultCacheDirectory();
  }

  String inputsHash() throws MojoExecutionException {
    return EnvLock.inputsHash(requirements, requirementsText(), pipOptions);
  }

  private @Nullable String requirementsText() throws MojoExecutionException {
    if (requirementsFile == null) {
      return null;
    }
    try {
      return Files.readString(requirementsFile.toPath(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MojoExecutionException("cannot read requirementsFile " + requirementsFile, e);
    }
  }

  /** Resolves the requirements now and writes the lock file (only if its text changes). */
  EnvLock lockNow() throws MojoExecutionException {
    if (requirements.isEmpty() && requirementsFile == null) {
      throw new MojoExecutionException(
          "configure <requirements> or <requirementsFile> for the snakebridge plugin");
    }
    String inputs = inputsHash();
    getLog().info("Resolving " + describeInputs() + " with " + basePython());
    EnvLock lock;
    try {
      lock =
          EnvResolver.resolve(
              basePython(),
              requirements,
              requirementsFile == null ? null : requirementsFile.toPath(),
              pipOptions,
              inputs,
              "snakebridge " + pluginVersion,
              line -> getLog().info("[pip] " + line));
    } catch (SnakeBridgeException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    writeIfChanged(lockFile.toPath(), lock.format());
    getLog().info("Locked " + lock.packages().size() + " distributions in " + lockFile);
    return lock;
  }

  /**
   * Returns the lock for the configured requirements: read from the file, or made now when there is
   * none and {@code create} is set.
   *
   * @throws MojoFailureException when the requirements changed since the lock was made
   */
  EnvLock currentLock(boolean create) throws MojoExecutionException, MojoFailureException {
    Path path = lockFile.toPath();
    if (!Files.exists(path)) {
      if (!create) {
        throw new MojoFailureException(path + " does not exist; create it with: " + RELOCK);
      }
      getLog().info(path + " does not exist yet; creating it");
      return lockNow();
    }
    EnvLock lock;
    try {
      lock = EnvLock.parse(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new MojoExecutionException("cannot read " + path, e);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(path + " is not a valid lock: " + e.getMessage());
    }
    if (!requirements.isEmpty() || requirementsFile != null) {
      String inputs = inputsHash();
      if (!inputs.equals(lock.inputs())) {
        throw new MojoFailureException(
            "The Python requirements changed since "
                + path
                + " was written (locked "
                + lock.requirements()
                + (lock.pipOptions().isEmpty() ? "" : " with " + lock.pipOptions())
                + ", configured "
                + describeInputs()
                + "). Re-lock with: "
                + RELOCK);
      }
    }
    return lock;
  }

  private String describeInputs() {
    String text = requirements.toString();
    if (requirementsFile != null) {
      text += " and " + requirementsFile;
    }
    if (!pipOptions.isEmpty()) {
      text += " with pip options " + pipOptions;
    }
    return text;
  }

  static boolean writeIfChanged(Path path, String text) throws MojoExecutionException {
    try {
      if (Files.exists(path) && Files.readString(path, StandardCharsets.UTF_8).equals(text)) {
        return false;
      }
      Files.createDirectories(path.toAbsolutePath().getParent());
      Path temp = path.resolveSibling(path.getFileName() + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      throw new MojoExecutionException("cannot write " + path, e);
    }
  }
}
