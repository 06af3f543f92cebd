package io.snakebridge.internal.runtime;

import io.snakebridge.internal.pool.CallControl;
import java.util.concurrent.CompletableFuture;

/**
 * The future of an {@code *Async} call: cancelling it cancels the call itself. A call not yet
 * started never starts; a call waiting for a worker leaves the line and never runs; with {@code
 * mayInterruptIfRunning} a running call is interrupted in Python (see LIFECYCLE.md), otherwise it
 * finishes and its result is dropped. The future completes with {@link
 * java.util.concurrent.CancellationException} at once in every case.
 *
 * <p>Thread-safe, like any {@link CompletableFuture}. Dependent futures ({@code thenApply} ...) are
 * plain ones: cancelling them does not reach the call.
 */
final class CallFuture<T> extends CompletableFuture<T> {
  private final CallControl control;

  CallFuture(CallControl control) {
    this.control = control;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      control.cancel(mayInterruptIfRunning);
    }
    return cancelled;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
