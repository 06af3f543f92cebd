package io.snakebridge.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Resolves the configured requirements with the base interpreter and writes {@code
 * snakebridge.lock} at the project root: every distribution with its exact version, URL and sha256,
 * the interpreter's version and platform, and the hash of the inputs.
 */
@Mojo(name = "lock", threadSafe = true)
public final class LockMojo extends AbstractEnvMojo {
  @Override
  public void execute() throws MojoExecutionException {
    if (skip) {
      getLog().info("Skipped (snakebridge.skip)");
      return;
    }
    lockNow();
  }
}
