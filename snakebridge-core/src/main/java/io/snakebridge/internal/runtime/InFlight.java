package io.snakebridge.internal.runtime;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A stream batch that was asked for and not taken yet (WIRE-PROTOCOL.md §6.3: one in flight per
 * stream): a call running on one of the runtime's async threads, or, inside a Java callback (whose
 * worker waits for it and cannot take a call from another thread), a call that runs on the taker's
 * thread when it is taken.
 *
 * <p>Thread-safe for its async form; {@link #await()} and {@link #abandon(boolean)} are called
 * once, by the stream's owner.
 */
final class InFlight {
  private final @Nullable CompletableFuture<StreamBatch> future;
  private final @Nullable CallPlan plan;
  private final @Nullable Supplier<StreamBatch> deferred;

  private InFlight(
      @Nullable CompletableFuture<StreamBatch> future,
      @Nullable CallPlan plan,
      @Nullable Supplier<StreamBatch> deferred) {
    this.future = future;
    this.plan = plan;
    this.deferred = deferred;
  }

  /** A batch running on another thread; {@code plan} is its call, for {@link #abandon(boolean)}. */
  static InFlight running(CompletableFuture<StreamBatch> future, CallPlan plan) {
    return new InFlight(future, plan, null);
  }

  /** A batch that runs when it is taken. */
  static InFlight deferred(Supplier<StreamBatch> call) {
    return new InFlight(null, null, call);
  }

  /** A batch that could not even be asked for; taking it throws {@code failure}. */
  static InFlight failed(RuntimeException failure) {
    return new InFlight(CompletableFuture.failedFuture(failure), null, null);
  }

  /** Returns whether taking the batch would not wait (a deferred one always waits). */
  boolean isDone() {
    return future != null && future.isDone();
  }

  /** Runs {@code action} once the batch has arrived or failed, at once if it has (async only). */
  void whenDone(Runnable action) {
    var unused = Objects.requireNonNull(future).whenComplete((batch, failure) -> action.run());
  }

  /**
   * Takes the batch, waiting for it; throws what its call threw. The wait is not interruptible (an
   * interrupt is kept): the call's deadline bounds it.
   */
  StreamBatch await() {
    if (deferred != null) {
      return deferred.get();
    }
    try {
      return Objects.requireNonNull(future).join(); // not deferred
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  /**
   * Gives the batch up: asks Python to cancel it when {@code cancel} is set (which also closes the
   * iterator, §6.3), then waits until its call ended, so the worker is free and no reply is left
   * behind. Returns the batch if it arrived anyway, else null; never throws. A deferred batch was
   * never sent: nothing to wait for.
   */
  @Nullable StreamBatch abandon(boolean cancel) {
    if (deferred != null) {
      return null;
    }
    if (cancel && plan != null) {
      plan.cancel();
    }
    try {
      return Objects.requireNonNull(future).join(); // not deferred
    } catch (CompletionException | CancellationException gone) {
      return null;
    }
  }
}
