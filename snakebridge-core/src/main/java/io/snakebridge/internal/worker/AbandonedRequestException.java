package io.snakebridge.internal.worker;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown to a thread waiting for a reply after {@link WorkerConnection#abandon} gave that reply to
 * a handler: the thread stops waiting, the worker may still be running the request.
 *
 * <p>Immutable and thread-safe.
 */
public final class AbandonedRequestException extends IOException {
  private static final long serialVersionUID = 1L;

  AbandonedRequestException(long id, @Nullable Throwable cause) {
    super("request " + Long.toUnsignedString(id) + " was abandoned by its caller", cause);
  }
}
