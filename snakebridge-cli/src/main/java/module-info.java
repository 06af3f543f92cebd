/**
 * The {@code snakebridge} command line: {@code call}, {@code attr} and {@code doctor}.
 *
 * <p>Exports nothing: the command line is its interface. The entry point is
 * {@code io.snakebridge.cli.Main}.
 */
module io.snakebridge.cli {
  requires static org.jspecify;
  requires io.snakebridge;
  requires java.logging;
}
