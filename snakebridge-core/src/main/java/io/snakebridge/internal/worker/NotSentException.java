package io.snakebridge.internal.worker;

import java.io.IOException;

/**
 * Thrown by {@link WorkerConnection#request} when the request could not be written at all: the
 * worker never received it (its input is closed: the process is gone), so it certainly did not run
 * it.
 *
 * <p>Immutable and thread-safe.
 */
public final class NotSentException extends IOException {
  private static final long serialVersionUID = 1L;

  NotSentException(IOException cause) {
    super("the request could not be written: " + cause.getMessage(), cause);
  }
}
