package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Flow.Publisher}s of Python streams (see {@link StreamSubscription} for the protocol): over
 * a call, cold (each subscriber runs the call anew, prepared on the subscribing thread, so in that
 * thread's session); over a user's stream reference, for one subscriber only, since two would share
 * one iterator.
 *
 * <p>Thread-safe.
 */
final class StreamPublisher {
  private StreamPublisher() {}

  /** A cold publisher of {@code module.function(*args, **kwargs)}'s items. */
  static Flow.Publisher<Object> ofCall(
      Streams streams,
      Executor executor,
      String module,
      String function,
      List<?> args,
      CallOptions options) {
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
      CallPlan plan;
      try {
        plan = streams.prepareStart(module, function, args, options);
      } catch (RuntimeException e) {
        refuse(subscriber, e); // arguments that cannot cross, a closed runtime
        return;
      }
      new StreamSubscription(streams, subscriber, executor, plan, options, module, function)
          .begin();
    };
  }

  /** A publisher of the items of {@code stream}, for one subscriber. */
  static Flow.Publisher<Object> ofRef(Streams streams, Executor executor, PyRef stream) {
    AtomicBoolean subscribed = new AtomicBoolean();
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      if (!subscribed.compareAndSet(false, true)) {
        refuse(
            subscriber,
            new IllegalStateException(
                "the publisher of stream "
                    + stream.refId()
                    + " has a subscriber already; a Python iterator can be consumed only once"));
        return;
      }
      new StreamSubscription(streams, subscriber, executor, stream).begin();
    };
  }

  /** Rule 1.9: onSubscribe first, even for a subscription that fails at once. */
  private static void refuse(Flow.Subscriber<? super Object> subscriber, Throwable error) {
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    subscriber.onError(error);
  }
}
