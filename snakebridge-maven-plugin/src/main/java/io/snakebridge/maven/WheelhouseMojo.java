package io.snakebridge.maven;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.Venvs;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Downloads every distribution of {@code snakebridge.lock}, checked against its sha256, into a
 * folder (default {@code target/wheelhouse}) for hosts without a package index: there, {@code pip
 * install --no-index --find-links <folder> --require-hashes --no-deps -r ...} installs them.
 */
@Mojo(name = "wheelhouse", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public final class WheelhouseMojo extends AbstractEnvMojo {
  /** Where the files go. */
  @Parameter(
      property = "snakebridge.wheelhouse",
      defaultValue = "${project.build.directory}/wheelhouse")
  File wheelhouse;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipped (snakebridge.skip)");
      return;
    }
    EnvLock lock = currentLock(false);
    try {
      BaseInterpreter base = BaseInterpreter.probe(basePython());
      Path venv = Venvs.ensure(cache(), lock, base, pipOptions, line -> getLog().info(line));
      Venvs.download(
          venv, lock, wheelhouse.toPath(), pipOptions, line -> getLog().info("[pip] " + line));
    } catch (SnakeBridgeException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    getLog().info("Downloaded " + lock.packages().size() + " distributions to " + wheelhouse);
  }
}
