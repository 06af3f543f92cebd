package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Flow.Publisher faces over fake streams: demand, cancellation, the signal rules. */
@Timeout(20)
class StreamPublisherTest {
  private static final CallOptions DEFAULTS = CallOptions.defaults();

  private StreamFixture fixture;
  private SnakeBridgeRuntime python;

  private void start(int batchSize) {
    fixture = new StreamFixture(batchSize);
    python = fixture.python;
  }

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /**
   * Records every signal and checks the rules a publisher owes it: onSubscribe first, signals never
   * overlapping, no onNext beyond what it requested, nothing after a terminal signal.
   */
  static final class Recorder implements Flow.Subscriber<Object> {
    final List<Object> items = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch terminated = new CountDownLatch(1);
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean inSignal = new AtomicBoolean();
    volatile Flow.Subscription subscription;
    volatile Throwable error;
    final java.util.concurrent.atomic.AtomicInteger completions =
        new java.util.concurrent.atomic.AtomicInteger();
    private final long initial;
    private final Consumer<Recorder> onItem;

    Recorder(long initial, Consumer<Recorder> onItem) {
      this.initial = initial;
      this.onItem = onItem;
    }

    Recorder(long initial) {
      this(initial, recorder -> {});
    }

    void request(long n) {
      requested.addAndGet(n);
      subscription.request(n);
    }

    private void enter(String signal) {
      if (!inSignal.compareAndSet(false, true)) {
        violations.add(signal + " overlapped another signal");
      }
      if (terminated.getCount() == 0) {
        violations.add(signal + " after the terminal signal");
      }
      threads.add(Thread.currentThread().getName());
    }

    private void leave() {
      inSignal.set(false);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      enter("onSubscribe");
      this.subscription = subscription;
      if (initial > 0) {
        request(initial);
      }
      leave();
    }

    @Override
    public void onNext(Object item) {
      enter("onNext");
      try {
        if (item == null) {
          violations.add("onNext(null)");
        }
        items.add(item);
        if (items.size() > requested.get()) {
          violations.add("onNext number " + items.size() + " beyond demand " + requested);
        }
        onItem.accept(this);
      } finally {
        leave();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      enter("onError");
      error = throwable;
      leave();
      terminated.countDown();
    }

    @Override
    public void onComplete() {
      enter("onComplete");
      completions.incrementAndGet();
      leave();
      terminated.countDown();
    }

    void awaitEnd() throws InterruptedException {
      assertTrue(terminated.await(10, TimeUnit.SECONDS), "terminal signal");
    }
  }

  @Test
  void itemsFlowOnlyAsRequestedThenCompleteOnceOnTheAsyncThreads() throws Exception {
    start(3);
    Recorder recorder = new Recorder(2);
    python.publisher("m", "gen", List.of(10), DEFAULTS).subscribe(recorder);
    Await.until("two items delivered", () -> recorder.items.size() == 2);
    // Python runs ahead by at most a batch while the subscriber has no demand.
    Await.value("three stream requests", fixture.streams::log, log -> log.size() == 3);
    assertEquals(
        List.of("stream gen 1", "stream_batch s1 3", "stream_batch s1 3"),
        fixture.streams.log(),
        "one batch buffered, one ahead");
    assertEquals(2, recorder.items.size());
    recorder.request(Long.MAX_VALUE - 2);
    recorder.awaitEnd();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), recorder.items);
    assertEquals(1, recorder.completions.get());
    assertNull(recorder.error);
    assertEquals(List.of(), recorder.violations);
    recorder
        .threads
        .subList(1, recorder.threads.size())
        .forEach(name -> assertTrue(name.startsWith("snakebridge-streams-async-"), name));
  }

  @Test
  void eachSubscriberRunsTheCallAnew() throws Exception {
    start(8);
    Flow.Publisher<Object> publisher = python.publisher("m", "gen", List.of(3), DEFAULTS);
    Recorder first = new Recorder(Long.MAX_VALUE);
    Recorder second = new Recorder(Long.MAX_VALUE);
    publisher.subscribe(first);
    first.awaitEnd();
    publisher.subscribe(second);
    second.awaitEnd();
    assertEquals(List.of(0L, 1L, 2L), first.items);
    assertEquals(List.of(0L, 1L, 2L), second.items);
    assertEquals(
        List.of("stream gen 1", "stream_batch s1 8", "stream gen 1", "stream_batch s2 8"),
        fixture.streams.log());
  }

  @Test
  void nothingRunsBeforeTheFirstRequestAndANonPositiveRequestIsAnError() throws Exception {
    start(2);
    Recorder recorder = new Recorder(0);
    python.publisher("m", "gen", List.of(100), DEFAULTS).subscribe(recorder);
    assertEquals(List.of(), fixture.streams.log(), "cold until requested");
    recorder.request(1);
    Await.until("one item delivered", () -> recorder.items.size() == 1);
    recorder.subscription.request(0);
    recorder.awaitEnd();
    assertInstanceOf(IllegalArgumentException.class, recorder.error);
    assertTrue(recorder.error.getMessage().contains("3.9"), recorder.error.getMessage());
    Await.value(
        "the Python iterator closed", fixture.streams::log, log -> log.contains("stream_close s1"));
    assertEquals(List.of(), recorder.violations);
  }

  @Test
  void cancelClosesThePythonIteratorAndEndsTheSignals() throws Exception {
    start(2);
    Recorder recorder = new Recorder(1, self -> self.subscription.cancel());
    python.publisher("m", "gen", List.of(100), DEFAULTS).subscribe(recorder);
    Await.value(
        "the Python iterator closed", fixture.streams::log, log -> log.contains("stream_close s1"));
    recorder.request(5); // a no-op after cancel (rule 3.6)
    assertEquals(List.of(0L), recorder.items);
    assertEquals(1, recorder.terminated.getCount(), "no terminal signal after cancel");
    assertEquals(List.of(), fixture.streams.open());
    assertEquals(List.of(), recorder.violations);
  }

  @Test
  void errorsNonesAndAThrowingOnNextFollowTheRules() throws Exception {
    start(2);
    Recorder failing = new Recorder(Long.MAX_VALUE);
    python.publisher("m", "fails", List.of(), DEFAULTS).subscribe(failing);
    failing.awaitEnd();
    assertEquals(List.of(1L, 2L, 3L), failing.items, "every item before the error");
    assertEquals(
        "builtins.ValueError", assertInstanceOf(PythonException.class, failing.error).pythonType());

    Recorder nones = new Recorder(Long.MAX_VALUE);
    python.publisher("m", "nones", List.of(), DEFAULTS).subscribe(nones);
    nones.awaitEnd();
    assertEquals(List.of(PyNone.NONE, 1L, PyNone.NONE), nones.items);

    IllegalStateException broken = new IllegalStateException("subscriber bug");
    Recorder throwing =
        new Recorder(
            Long.MAX_VALUE,
            self -> {
              throw broken;
            });
    python.publisher("m", "gen", List.of(100), DEFAULTS).subscribe(throwing);
    throwing.awaitEnd();
    assertSame(broken, throwing.error);
    assertEquals(1, throwing.items.size());
    Await.value(
        "the Python iterator closed", fixture.streams::log, log -> log.contains("stream_close s3"));

    Recorder unconvertible = new Recorder(1);
    python.publisher("m", "gen", List.of(new Object()), DEFAULTS).subscribe(unconvertible);
    unconvertible.awaitEnd();
    assertInstanceOf(ConversionException.class, unconvertible.error);
    for (Recorder recorder : Arrays.asList(failing, nones, throwing, unconvertible)) {
      assertEquals(List.of(), recorder.violations);
    }
  }

  @Test
  void aStreamRefPublisherTakesOnlyWhatIsRequestedAndHasOneSubscriber() throws Exception {
    start(100);
    StreamRef counter = (StreamRef) python.call("m", "gen", 1000L);
    Flow.Publisher<Object> publisher = python.publisher(counter);
    Recorder recorder = new Recorder(2);
    publisher.subscribe(recorder);
    Await.until("two items delivered", () -> recorder.items.size() == 2);
    recorder.request(3);
    Await.until("five items delivered", () -> recorder.items.size() == 5);
    recorder.subscription.cancel();
    assertEquals(
        List.of("call gen", "stream_batch s1 2", "stream_batch s1 3"), fixture.streams.log());
    Recorder second = new Recorder(1);
    publisher.subscribe(second);
    second.awaitEnd();
    assertInstanceOf(IllegalStateException.class, second.error);
    assertEquals(
        java.util.Optional.of(5L),
        python.streamNext(counter),
        "cancelling left the reference open, and nothing was taken ahead");
    List<Object> expected = new ArrayList<>(List.of(0L, 1L, 2L, 3L, 4L));
    assertEquals(expected, recorder.items);
  }
}
