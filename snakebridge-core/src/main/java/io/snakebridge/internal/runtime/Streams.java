package io.snakebridge.internal.runtime;

import io.snakebridge.Affinity;
import io.snakebridge.CallOptions;
import io.snakebridge.PyNone;
import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionLostException;
import io.snakebridge.internal.session.SessionScopes;
import io.snakebridge.internal.session.SessionTable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Streams (WIRE-PROTOCOL.md §6) as a runtime runs them: the stream ops as calls, and the ways to
 * take a stream's items built on them (a pushed, batched stream with one batch in flight; a
 * per-item one; publishers).
 *
 * <p>Thread-safe: no state of its own beyond settings; each stream's state is in its cursor or
 * subscription.
 */
final class Streams {
  /*
   * Every op on a stream reference is an ordinary call targeting it, so it runs in the reference's
   * session on the worker holding it, with the usual deadline (the stream's timeout, which thus
   * bounds the wait for each batch, not the whole stream) and the usual failure handling.
   * Affinity is always STRICT_QUEUE for those: the stream's objects live on that worker, and a
   * consumer that calls a method on an item while the next batch runs must wait for the batch,
   * not fail.
   *
   * The batch ahead runs on the async threads, like an *Async call: its plan is made on the
   * thread that asks (no callback scope on the async thread), and an explicit session is kept
   * alive while it runs. Inside a Java callback the stream's worker is waiting for that very
   * callback, and a call from another thread would wait for the worker forever: there the batch
   * runs on the consumer's thread when taken, with nothing in flight.
   *
   * The stream op asks for a first batch of one item (FIRST_BATCH). Python can only see that a
   * producer is slow once a next() has returned, so a first batch of many items from a generator
   * that pauses after each yield would hold its first item back for a pause or two (§6.3 ends a
   * batch after a slow next(), not before one). One item comes back as soon as it exists, the
   * full-size batch after it is asked for at once, and from then on every batch starts with the
   * producer's pause, so a slow producer's items each arrive when produced. A fast stream pays
   * one extra round trip in all.
   */

  /** The size of the stream op's own batch on the batched paths: see above. */
  static final int FIRST_BATCH = 1;

  private final RealRuntime runtime;
  private final CallRequests requests;
  private final SessionTable sessions;
  private final Executor async;
  private final Duration defaultTimeout;
  private final int batchSize;

  Streams(
      RealRuntime runtime,
      CallRequests requests,
      SessionTable sessions,
      Executor async,
      Duration defaultTimeout,
      int batchSize) {
    this.runtime = runtime;
    this.requests = requests;
    this.sessions = sessions;
    this.async = async;
    this.defaultTimeout = defaultTimeout;
    this.batchSize = batchSize;
  }

  /** The most items one batch asks for. */
  int batchSize() {
    return batchSize;
  }

  /**
   * The default pool's default timeout, for ops on a user's stream reference that name no timeout;
   * the reference's own pool may have another default, which these ops do not read.
   */
  Duration defaultTimeout() {
    return defaultTimeout;
  }

  Duration timeout(CallOptions options) {
    return options.timeout().orElse(defaultTimeout);
  }

  // ---- the public operations ---------------------------------------------------------------

  /** {@code stream}: the pushed path, one batch in flight, {@code onItem} on this thread. */
  void stream(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    Objects.requireNonNull(onItem, "onItem");
    consume(open(module, function, args, options), onItem);
  }

  /** {@code streamDynamic}: the per-item path, {@code onItem} on this thread. */
  void streamDynamic(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    Objects.requireNonNull(onItem, "onItem");
    StreamBatch first = start(module, function, args, options, 0);
    consume(
        new ItemCursor(
            this,
            first.stream(),
            first.items(),
            first.done(),
            true,
            module + "." + function,
            timeout(options)),
        onItem);
  }

  /** Opens the pushed, batched stream of {@code module.function}'s result. */
  StreamCursor open(String module, String function, List<?> args, CallOptions options) {
    StreamBatch first = start(module, function, args, options, FIRST_BATCH);
    return new BatchedCursor(this, first, module + "." + function, timeout(options));
  }

  /**
   * A per-item view of a user's stream reference: takes nothing it is not asked for. Each item
   * waits at most {@code timeout}, the runtime's default when null.
   */
  StreamCursor view(PyRef stream, @Nullable Duration timeout) {
    Objects.requireNonNull(stream, "stream");
    return new ItemCursor(
        this,
        stream,
        List.of(),
        false,
        false,
        stream.typeName(),
        timeout == null ? defaultTimeout : timeout);
  }

  /**
   * {@code streamNext}: the next item (None as {@link PyNone#NONE}), empty once exhausted, waiting
   * at most {@code timeout} (the runtime's default when null).
   */
  Optional<Object> streamNext(PyRef stream, @Nullable Duration timeout) {
    Object[] next = next(stream, timeout == null ? defaultTimeout : timeout, stream.typeName());
    if (next == null) {
      return Optional.empty();
    }
    return Optional.of(next[0] == null ? PyNone.NONE : next[0]);
  }

  /** {@code streamLen}: Python's {@code len()} of the stream, empty when it has none. */
  OptionalLong streamLen(PyRef stream) {
    Object reply =
        run(
            requests.streamOp("stream_len", stream, null, true),
            defaultTimeout,
            stream.typeName(),
            "stream_len");
    if (reply == null) {
      return OptionalLong.empty();
    }
    if (reply instanceof Long) {
      return OptionalLong.of((Long) reply);
    }
    throw StreamBatch.malformed("stream_len", "an int or None", reply, stream.typeName());
  }

  /** Runs {@code onItem} on every item, closing the stream if anything throws. */
  private static void consume(StreamCursor cursor, Consumer<Object> onItem) {
    try {
      while (cursor.hasNext()) {
        onItem.accept(cursor.next());
      }
    } catch (RuntimeException | Error failure) {
      try {
        cursor.close(); // nothing to do when the stream itself failed
      } catch (RuntimeException closing) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
  }

  // ---- the ops ------------------------------------------------------------------------------

  /** The {@code stream} op on this thread. */
  StreamBatch start(String module, String function, List<?> args, CallOptions options, int batch) {
    CallPlan plan = requests.stream(module, function, args, options, batch, true);
    return start(plan, options, module, function);
  }

  /** Prepares the {@code stream} op on this thread, to run on another (a publisher's). */
  CallPlan prepareStart(String module, String function, List<?> args, CallOptions options) {
    return requests.stream(module, function, args, options, FIRST_BATCH, false);
  }

  /** Runs a prepared {@code stream} op on the async threads. */
  InFlight startAsync(CallPlan plan, CallOptions options, String module, String function) {
    return async(plan, () -> start(plan, options, module, function));
  }

  private StreamBatch start(CallPlan plan, CallOptions options, String module, String function) {
    Object reply =
        runtime.runStreamOp(plan, options, timeout(options), options.affinity(), module, function);
    return StreamBatch.started(reply, module + "." + function);
  }

  /**
   * Asks for the next batch of {@code stream} (at most {@code size} items) ahead of its taking: on
   * an async thread, or, inside a callback, when taken. Never throws: a batch that cannot be asked
   * for fails when taken.
   */
  InFlight batchAhead(PyRef stream, int size, Duration timeout, String call) {
    if (CallbackScope.current(runtime) != null) {
      return InFlight.deferred(() -> batch(stream, size, timeout, call, true));
    }
    CallPlan plan;
    try {
      plan = requests.streamOp("stream_batch", stream, (long) size, false);
    } catch (RuntimeException e) {
      return InFlight.failed(e);
    }
    return async(plan, () -> StreamBatch.next(run(plan, timeout, call, "stream_batch"), call));
  }

  private StreamBatch batch(PyRef stream, int size, Duration timeout, String call, boolean nested) {
    CallPlan plan = requests.streamOp("stream_batch", stream, (long) size, nested);
    return StreamBatch.next(run(plan, timeout, call, "stream_batch"), call);
  }

  /** {@code stream_next} on this thread: {@code {item}}, or null once exhausted. */
  Object @Nullable [] next(PyRef stream, Duration timeout, String call) {
    Object reply =
        run(requests.streamOp("stream_next", stream, null, true), timeout, call, "stream_next");
    if (reply instanceof List && ((List<?>) reply).size() == 2) {
      List<?> pair = (List<?>) reply;
      if (Boolean.TRUE.equals(pair.get(0))) {
        return new Object[] {pair.get(1)};
      }
      if (Boolean.FALSE.equals(pair.get(0)) && pair.get(1) == null) {
        return null;
      }
    }
    throw StreamBatch.malformed("stream_next", "(True, item) or (False, None)", reply, call);
  }

  /**
   * {@code stream_close} on this thread, so the iterator's {@code finally} blocks have run when
   * this returns; the reference is then released in Java too, so using it again fails at once and
   * closing it again sends nothing. A reference already released, or whose worker is gone, has
   * nothing left to close; so has every stream of a closed runtime.
   */
  void close(PyRef stream, Duration timeout, String call) {
    try {
      run(requests.streamOp("stream_close", stream, null, true), timeout, call, "stream_close");
    } catch (ReferenceNotFoundException | SessionLostException gone) {
      // Released, expired, or its worker died: the iterator is gone already.
    } catch (IllegalStateException closed) {
      if (!runtime.isClosed()) {
        throw closed;
      }
      return;
    } catch (RuntimeException | Error failed) {
      sessions.release(stream); // a finally block raised: the worker unregistered it anyway
      throw failed;
    }
    // The worker unregistered it; this RELEASE of an unknown id is ignored there (§5.6).
    sessions.release(stream);
  }

  /** Releases an exhausted (or failed) stream's reference without a call (a RELEASE frame). */
  void release(PyRef stream) {
    sessions.release(stream);
  }

  private Object run(CallPlan plan, Duration timeout, String call, String op) {
    return runtime.runStreamOp(
        plan, CallOptions.defaults(), timeout, Affinity.STRICT_QUEUE, call, op);
  }

  /** Runs {@code work} (the call {@code plan}) on the async threads, as RealRuntime.async does. */
  private InFlight async(CallPlan plan, Supplier<StreamBatch> work) {
    String sessionId = plan.session().id();
    boolean retained = SessionScopes.retainAsync(sessionId);
    CompletableFuture<StreamBatch> future;
    try {
      future = CompletableFuture.supplyAsync(work, async);
    } catch (RejectedExecutionException e) {
      future =
          CompletableFuture.failedFuture(
              new IllegalStateException("runtime '" + runtime.name() + "' is closed", e));
    }
    if (retained) {
      var unused = future.whenComplete((batch, failure) -> SessionScopes.releaseAsync(sessionId));
    }
    return InFlight.running(future, plan);
  }
}
