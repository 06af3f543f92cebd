package io.snakebridge.maven;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.Venvs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Checks that {@code snakebridge.lock} matches the configured requirements, the base interpreter
 * (version, implementation, platform, machine) and the venv's installed distributions; fails
 * listing every difference. Changes nothing.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public final class VerifyMojo extends AbstractEnvMojo {
  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipped (snakebridge.skip)");
      return;
    }
    EnvLock lock = currentLock(false);
    List<String> diff = new ArrayList<>();
    Path venv;
    try {
      BaseInterpreter base = BaseInterpreter.probe(basePython());
      for (String line : Venvs.interpreterDiff(lock, base)) {
        diff.add("interpreter " + base.executable() + ": " + line);
      }
      venv = Venvs.folder(cache(), lock, base);
      for (String line : Venvs.problems(venv, lock)) {
        diff.add("venv " + venv + ": " + line);
      }
    } catch (SnakeBridgeException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    if (!diff.isEmpty()) {
      throw new MojoFailureException(
          "The Python environment does not match "
              + lockFile
              + ":\n  "
              + String.join("\n  ", diff)
              + "\nRecreate the venv with: mvn snakebridge:env"
              + " (or re-lock with: "
              + RELOCK
              + ")");
    }
    getLog().info(lock.packages().size() + " locked distributions match " + venv);
  }
}
