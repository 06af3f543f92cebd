package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.PyNone;
import io.snakebridge.PyRef;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One subscriber's subscription to a Python stream (see {@link StreamPublisher}). Every signal to
 * the subscriber comes from one drain loop, which runs on the runtime's async threads and never on
 * two threads at once, so signals are serial and a {@code request} made inside {@code onNext} only
 * adds to the demand the running loop sees (no recursion).
 *
 * <p>Over a call (owned): the {@code stream} op runs at the first request; from then on the next
 * batch is asked for as soon as one arrives (one in flight, as {@link BatchedCursor}), but no item
 * is signalled beyond demand. Cancelling cancels the batch in flight and closes the stream in
 * Python. Over a user's stream reference: a batch of at most the outstanding demand is asked for
 * only when the buffer is empty, so nothing is taken that was not requested; cancelling waits for a
 * batch in flight (its items are dropped) and leaves the reference open.
 *
 * <p>A Python {@code None} item is signalled as {@link PyNone#NONE}: Reactive Streams forbids null
 * elements (rule 2.13).
 *
 * <p>Thread-safe, as {@link Flow.Subscription} requires.
 */
final class StreamSubscription implements Flow.Subscription, Runnable {
  /*
   * `wip` counts the reasons to drain (requests, cancel, a batch arriving). Whoever raises it from
   * zero dispatches the loop to the executor; the loop drains until it has seen every reason.
   * While onSubscribe runs, `wip` is held at one, so a request made inside onSubscribe cannot
   * start a loop that would signal onNext before onSubscribe has returned.
   *
   * Fields below `cancelled` are touched by the drain loop only (the atomic `wip` orders its
   * successive runs on different threads).
   */

  private static final Logger LOG = System.getLogger("io.snakebridge.stream");

  private final Streams streams;
  private final Flow.Subscriber<? super Object> subscriber;
  private final Executor executor;
  private final boolean owned;
  private final String call;
  private final Duration timeout;
  private @Nullable CallPlan startPlan;
  private final @Nullable CallOptions options;
  private final @Nullable String module;
  private final @Nullable String function;

  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicLong requested = new AtomicLong();
  private volatile boolean cancelled;
  private volatile @Nullable Throwable misuse;

  private @Nullable PyRef stream;
  private List<Object> items = List.of();
  private int index;
  private boolean done;
  private @Nullable RuntimeException failure;
  private @Nullable InFlight pending;
  private boolean watching;
  private boolean terminated;

  /** A subscription to a call's stream: {@code startPlan} is its prepared {@code stream} op. */
  StreamSubscription(
      Streams streams,
      Flow.Subscriber<? super Object> subscriber,
      Executor executor,
      CallPlan startPlan,
      CallOptions options,
      String module,
      String function) {
    this.streams = streams;
    this.subscriber = subscriber;
    this.executor = executor;
    this.owned = true;
    this.startPlan = startPlan;
    this.options = options;
    this.module = module;
    this.function = function;
    this.call = module + "." + function;
    this.timeout = streams.timeout(options);
  }

  /** A subscription to a user's stream reference. */
  StreamSubscription(
      Streams streams,
      Flow.Subscriber<? super Object> subscriber,
      Executor executor,
      PyRef stream) {
    this.streams = streams;
    this.subscriber = subscriber;
    this.executor = executor;
    this.owned = false;
    this.stream = stream;
    this.options = null;
    this.module = null;
    this.function = null;
    this.call = stream.typeName();
    this.timeout = streams.defaultTimeout();
  }

  /** Calls {@code onSubscribe}, then starts draining if it requested or cancelled. */
  void begin() {
    wip.set(1);
    try {
      subscriber.onSubscribe(this);
    } catch (Throwable e) {
      cancelled = true; // rule 2.13: the subscriber broke the protocol
      LOG.log(Level.WARNING, "onSubscribe of " + subscriber + " threw; subscription cancelled", e);
    }
    if (wip.decrementAndGet() != 0) {
      dispatch();
    }
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      if (misuse == null) {
        misuse =
            new IllegalArgumentException(
                "request("
                    + n
                    + "): a subscriber must request a positive number of items (rule 3.9)");
      }
    } else {
      for (; ; ) {
        long current = requested.get();
        long next = current + n < 0 ? Long.MAX_VALUE : current + n;
        if (current == Long.MAX_VALUE || requested.compareAndSet(current, next)) {
          break;
        }
      }
    }
    schedule();
  }

  @Override
  public void cancel() {
    cancelled = true;
    schedule();
  }

  private void schedule() {
    if (wip.getAndIncrement() == 0) {
      dispatch();
    }
  }

  private void dispatch() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException closed) {
      if (misuse == null) {
        misuse = new IllegalStateException("the runtime is closed", closed);
      }
      run(); // once, to signal that error: the loop ends at once
    }
  }

  @Override
  public void run() {
    int missed = 1;
    for (; ; ) {
      try {
        drain();
      } catch (RuntimeException | Error unexpected) {
        if (!terminated) {
          stop(unexpected); // never leave the subscriber waiting for a signal that cannot come
        }
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void drain() {
    while (!terminated) {
      if (cancelled) {
        stop(null);
        return;
      }
      if (misuse != null) {
        stop(misuse);
        return;
      }
      if (!emit()) {
        return; // out of demand, or the subscriber broke the protocol
      }
      if (failure != null) {
        stop(failure);
        return;
      }
      if (done && pending == null) {
        terminated = true;
        signal(null);
        return;
      }
      if (pending == null) {
        long demand = requested.get();
        if (demand == 0) {
          return;
        }
        pending = fetch(demand);
      }
      if (!pending.isDone()) {
        if (!watching) {
          watching = true;
          pending.whenDone(this::schedule);
        }
        return;
      }
      InFlight arrived = pending;
      pending = null;
      watching = false;
      try {
        take(arrived.await());
      } catch (RuntimeException e) {
        done = true;
        failure = e;
        end();
      }
    }
  }

  /** Signals buffered items while there is demand; false when the loop must wait or stop. */
  private boolean emit() {
    long demand = requested.get();
    long emitted = 0;
    while (emitted != demand && index < items.size() && !cancelled) {
      Object item = items.get(index++);
      try {
        subscriber.onNext(item == null ? PyNone.NONE : item); // rule 2.13: never null
      } catch (Throwable e) {
        stop(e); // rule 2.13; like SubmissionPublisher: cancelled, and told why
        return false;
      }
      emitted++;
    }
    if (emitted != 0 && demand != Long.MAX_VALUE) {
      requested.addAndGet(-emitted);
    }
    return cancelled || misuse != null || index == items.size();
  }

  private InFlight fetch(long demand) {
    if (startPlan != null) {
      CallPlan plan = startPlan;
      startPlan = null;
      // Only a subscription that opens its stream has a start plan, and these with it.
      return streams.startAsync(
          plan,
          Objects.requireNonNull(options),
          Objects.requireNonNull(module),
          Objects.requireNonNull(function));
    }
    int size = owned ? streams.batchSize() : (int) Math.min(demand, streams.batchSize());
    return streams.batchAhead(Objects.requireNonNull(stream), size, timeout, call); // started
  }

  private void take(StreamBatch batch) {
    if (batch.stream() != null) {
      stream = batch.stream();
    }
    items = batch.items();
    index = 0;
    done = batch.done();
    if (done) {
      end();
    } else if (owned) {
      pending =
          streams.batchAhead(
              Objects.requireNonNull(stream), streams.batchSize(), timeout, call); // started
    }
  }

  /** An exhausted (or failed) stream of ours is released; a user's stays. */
  private void end() {
    if (owned && stream != null) {
      streams.release(stream);
    }
    stream = null;
  }

  /**
   * Ends the subscription before the stream's end: stops Python, then signals {@code
   * onError(error)}, or nothing when {@code error} is null (cancelled).
   */
  private void stop(@Nullable Throwable error) {
    terminated = true;
    items = List.of();
    index = 0;
    cleanUp();
    if (error != null) {
      signal(error);
    }
  }

  /** The terminal signal: {@code onError(error)}, or {@code onComplete()} when null. */
  private void signal(@Nullable Throwable error) {
    try {
      if (error == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(error);
      }
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "the subscriber " + subscriber + " threw from its terminal signal", e);
    }
  }

  /** Stops Python: the batch in flight is given up, and a stream of ours is closed. */
  private void cleanUp() {
    InFlight inFlight = pending;
    pending = null;
    PyRef open = stream;
    stream = null;
    if (inFlight != null) {
      StreamBatch late = inFlight.abandon(owned);
      if (owned && late != null && late.stream() != null) {
        open = late.stream(); // the stream op itself was in flight
        if (late.done()) {
          streams.release(open);
          open = null;
        }
      }
    }
    if (!owned || open == null) {
      return;
    }
    try {
      streams.close(open, timeout, call);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not close the Python stream of " + call, e);
    }
  }
}
