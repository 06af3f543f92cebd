package io.snakebridge.internal.worker;

import java.io.IOException;

/**
 * Thrown when the worker cache, or a folder in it or above it, could hold code that another user
 * put there, so the workers are not started from it. The message names the path, what is wrong and
 * how to fix it.
 *
 * <p>Immutable and thread-safe.
 */
public final class UntrustedCacheException extends IOException {
  private static final long serialVersionUID = 1L;

  UntrustedCacheException(String message) {
    super(message);
  }
}
