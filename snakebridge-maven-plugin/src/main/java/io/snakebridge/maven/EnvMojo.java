package io.snakebridge.maven;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.ManagedEnvironment;
import io.snakebridge.internal.env.Venvs;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Creates or reuses the venv for {@code snakebridge.lock} in the cache ({@code
 * <cache>/venvs/<hash>}, kept by {@code mvn clean}), making the lock first when there is none, and
 * embeds the lock in the project's classes so the runtime finds the venv by itself.
 */
@Mojo(name = "env", defaultPhase = LifecyclePhase.PROCESS_RESOURCES, threadSafe = true)
public final class EnvMojo extends AbstractEnvMojo {
  @Parameter(defaultValue = "${project.build.outputDirectory}", readonly = true)
  File outputDirectory;

  /** Sets {@code snakebridge.python} to the venv's interpreter for later plugins (exec, tests). */
  @Parameter(property = "snakebridge.exportProperty", defaultValue = "true")
  boolean exportProperty;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipped (snakebridge.skip)");
      return;
    }
    EnvLock lock = currentLock(true);
    Path venv;
    try {
      BaseInterpreter base = BaseInterpreter.probe(basePython());
      venv = Venvs.ensure(cache(), lock, base, pipOptions, line -> getLog().info(line));
    } catch (SnakeBridgeException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    getLog().info("Python environment: " + venv);
    embed(outputDirectory.toPath(), lock, basePython());
  }

  /** Writes the lock and the base interpreter into the classes, where the runtime looks. */
  static void embed(Path classes, EnvLock lock, String basePython) throws MojoExecutionException {
    writeIfChanged(classes.resolve(ManagedEnvironment.LOCK_RESOURCE), lock.format());
    writeIfChanged(
        classes.resolve(ManagedEnvironment.PROPERTIES_RESOURCE),
        "# base interpreter the managed venv is made from\npython=" + escape(basePython) + "\n");
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\");
  }
}
