package io.snakebridge.cli;

/**
 * The command line cannot be understood: {@link Main} prints the message and the usage line and
 * exits with status 2.
 */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
