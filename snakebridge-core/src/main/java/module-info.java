/**
 * SnakeBridge for Java: call Python from Java through a supervised pool of CPython worker
 * processes.
 *
 * <p>Start with {@link io.snakebridge.SnakeBridge} (a shared default runtime) or {@link
 * io.snakebridge.SnakeBridgeRuntime#builder()}. Only {@code io.snakebridge} is exported; the {@code
 * internal} packages may change in any release.
 *
 * @since 0.1
 */
// "module": the CLI module is compiled after this one, so javac cannot see it yet
@SuppressWarnings("module")
module io.snakebridge {
  requires static transitive org.jspecify;

  exports io.snakebridge;
  // the CLI's env commands and doctor read the managed environment as the build plugin does
  exports io.snakebridge.internal.env to
      io.snakebridge.cli;
}
