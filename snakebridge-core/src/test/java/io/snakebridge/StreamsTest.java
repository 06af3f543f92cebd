package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.internal.codec.WireRef;
import io.snakebridge.internal.wire.FrameKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** stream, streamDynamic, streamNext, streamLen, closeStream and PyStream over fake streams. */
@Timeout(20)
class StreamsTest {
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

  private List<String> log() {
    return fixture.streams.log();
  }

  /** The RELEASE frames of stream references: [session, {ref: handouts}]. */
  private boolean released(String refId) {
    return fixture.worker().releases().stream()
        .anyMatch(
            release ->
                release.get(1) instanceof Map && ((Map<?, ?>) release.get(1)).containsKey(refId));
  }

  @Test
  void streamDeliversEveryItemInOrderBatchByBatchAndReleasesTheExhaustedStream() throws Exception {
    start(3);
    List<Object> items = new ArrayList<>();
    python.stream("m", "gen", List.of(10), DEFAULTS, items::add);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), items);
    assertEquals(
        List.of("stream gen 1", "stream_batch s1 3", "stream_batch s1 3", "stream_batch s1 3"),
        log(),
        "a first item at once, then full batches");
    Await.until("the exhausted stream's reference was released", () -> released("s1"));
    assertEquals(
        List.of(python.currentSession(), Map.of("s1", 1L)),
        fixture.worker().releases().get(0),
        "with its one handout, and no stream_close call");
  }

  @Test
  void theNextBatchIsAskedForBeforeTheCurrentOneIsConsumedAndNeverTwoAhead() {
    start(2);
    List<CountDownLatch> asked = new ArrayList<>();
    for (int i = 0; i <= 10; i++) {
      asked.add(new CountDownLatch(1));
    }
    AtomicInteger consumed = new AtomicInteger();
    List<String> violations = new CopyOnWriteArrayList<>();
    fixture.streams.onBatch(
        (call, number) -> {
          // Batch `number` is asked for when batch number-1 arrived, so only after the consumer
          // finished batch number-2 (batch 0, the stream op's, has one item, the others two).
          int before = number < 2 ? 0 : 1 + 2 * (number - 2);
          if (consumed.get() < before) {
            violations.add("batch " + number + " asked for after only " + consumed + " items");
          }
          asked.get(number).countDown();
          return true;
        });
    List<Object> items = new ArrayList<>();
    python.stream(
        "m",
        "gen",
        List.of(21),
        DEFAULTS,
        item -> {
          int index = ((Long) item).intValue();
          int batch = (index + 1) / 2;
          if ((index == 0 || index % 2 == 1) && batch < 10) {
            // The next batch is in flight before this one is consumed: wait until Python has it,
            // giving an implementation that asks further ahead every chance to do so.
            try {
              assertTrue(
                  asked.get(batch + 1).await(5, TimeUnit.SECONDS),
                  "batch " + (batch + 1) + " asked for before batch " + batch + " is consumed");
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
          items.add(item);
          consumed.incrementAndGet();
        });
    assertEquals(21, items.size());
    assertEquals(List.of(), violations);
    assertEquals(11, log().size(), "the stream op and ten batches");
  }

  @Test
  void aConsumerExceptionCancelsTheBatchInFlightClosesTheIteratorAndIsRethrownUnchanged()
      throws Exception {
    start(2);
    CountDownLatch asked = new CountDownLatch(1);
    fixture.streams.onBatch(
        (call, number) -> {
          asked.countDown();
          call.awaitCancel(); // the real worker interrupts the generator here (§6.3)
          call.cancelled();
          return false;
        });
    IllegalStateException enough = new IllegalStateException("enough");
    List<Object> seen = new ArrayList<>();
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                python.stream(
                    "m",
                    "gen",
                    List.of(100),
                    DEFAULTS,
                    item -> {
                      seen.add(item);
                      try {
                        asked.await();
                      } catch (InterruptedException e) {
                        throw new AssertionError(e);
                      }
                      throw enough;
                    }));
    assertSame(enough, thrown);
    assertEquals(0, thrown.getSuppressed().length);
    assertEquals(List.of(0L), seen);
    assertEquals(
        List.of("stream gen 1", "stream_batch s1 2", "stream_close s1"),
        log(),
        "closed before stream() returned");
    assertTrue(fixture.worker().received().contains(FrameKind.CANCEL));
    assertEquals(List.of(), fixture.streams.open());
    assertEquals(List.of(7L), python.call("m", "echo", 7L), "the worker serves the next call");
  }

  @Test
  void aPythonErrorMidStreamComesAfterEveryItemProducedBeforeIt() throws Exception {
    start(2);
    List<Object> items = new ArrayList<>();
    PythonException e =
        assertThrows(
            PythonException.class,
            () -> python.stream("m", "fails", List.of(), DEFAULTS, items::add));
    assertEquals("builtins.ValueError", e.pythonType());
    assertEquals(List.of(1L, 2L, 3L), items);
    assertEquals(
        List.of("stream fails 1", "stream_batch s1 2", "stream_batch s1 2"),
        log(),
        "a finished generator needs no stream_close");
    Await.until("the release of stream s1", () -> released("s1"));
  }

  @Test
  void aResultThatIsNotIterableIsDeliveredOnce() {
    start(4);
    List<Object> items = new ArrayList<>();
    python.stream("math", "single", List.of(16), DEFAULTS, items::add);
    assertEquals(List.of(4.0), items);
    python.streamDynamic("math", "single", List.of(16), DEFAULTS, items::add);
    assertEquals(List.of(4.0, 4.0), items);
    assertEquals(List.of("stream single 1", "stream single 0"), log());
  }

  @Test
  void itemsHeldByReferenceAreUsableInsideOnItemWhileTheStreamIsOpen() {
    start(1);
    List<Object> results = new ArrayList<>();
    python.stream(
        "m",
        "refs",
        List.of(),
        DEFAULTS,
        item -> {
          PyRef ref = assertInstanceOf(PyRef.class, item);
          assertEquals(python.currentSession(), ref.sessionId());
          results.add(python.callMethod(ref, "sum"));
        });
    assertEquals(List.of("call_method r1", "call_method r2"), results);
  }

  @Test
  void streamDynamicTakesOneItemPerCallAndClosesOnAConsumerException() throws Exception {
    start(100);
    List<Object> items = new ArrayList<>();
    python.streamDynamic("m", "gen", List.of(3), DEFAULTS, items::add);
    assertEquals(List.of(0L, 1L, 2L), items);
    assertEquals(
        List.of(
            "stream gen 0", "stream_next s1", "stream_next s1", "stream_next s1", "stream_next s1"),
        log());
    Await.until("the release of stream s1", () -> released("s1"));

    log().clear();
    RuntimeException stop = new RuntimeException("stop");
    assertSame(
        stop,
        assertThrows(
            RuntimeException.class,
            () ->
                python.streamDynamic(
                    "m",
                    "gen",
                    List.of(50),
                    DEFAULTS,
                    item -> {
                      throw stop;
                    })));
    assertEquals(List.of("stream gen 0", "stream_next s2", "stream_close s2"), log());
  }

  @Test
  void perItemTimeoutsMustBePositiveAndAreCheckedBeforeAnyCall() {
    start(8);
    StreamRef stream = assertInstanceOf(StreamRef.class, python.call("m", "nones"));
    List<String> before = List.copyOf(log());
    for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
      IllegalArgumentException next =
          assertThrows(IllegalArgumentException.class, () -> python.streamNext(stream, bad));
      assertTrue(next.getMessage().contains("timeout must be positive"), next.getMessage());
      assertThrows(IllegalArgumentException.class, () -> python.openStream(stream, bad));
    }
    assertThrows(NullPointerException.class, () -> python.streamNext(stream, null));
    assertThrows(NullPointerException.class, () -> python.openStream(stream, null));
    assertEquals(before, log(), "nothing reached the worker");
    assertEquals(Optional.of(PyNone.NONE), python.streamNext(stream, Duration.ofSeconds(5)));
    try (PyStream view = python.openStream(stream, Duration.ofSeconds(5))) {
      assertEquals(Arrays.asList(1L, null), view.stream().toList());
    }
  }

  @Test
  void streamNextTellsANoneItemFromTheEnd() {
    start(8);
    StreamRef stream = assertInstanceOf(StreamRef.class, python.call("m", "nones"));
    assertEquals(Optional.of(PyNone.NONE), python.streamNext(stream));
    assertEquals(Optional.of(1L), python.streamNext(stream));
    assertEquals(Optional.of(PyNone.NONE), python.streamNext(stream));
    assertEquals(Optional.empty(), python.streamNext(stream));
    assertEquals(Optional.empty(), python.streamNext(stream), "exhausted stays exhausted");
    assertEquals(OptionalLong.empty(), python.streamLen(stream), "a generator has no len()");
    assertEquals(
        Arrays.asList(null, "x"),
        python.call("m", "echo", PyNone.NONE, "x"),
        "PyNone.NONE goes back to Python as None");
  }

  @Test
  void streamLenAndAnIdempotentCloseStream() {
    start(8);
    StreamRef range = (StreamRef) python.call("m", "gen", 5L);
    assertEquals(OptionalLong.of(5), python.streamLen(range));
    assertEquals(Optional.of(0L), python.streamNext(range));
    python.closeStream(range);
    python.closeStream(range);
    assertEquals(
        List.of("call gen", "stream_len s1", "stream_next s1", "stream_close s1"),
        log(),
        "the second close sends nothing");
    assertThrows(ReferenceNotFoundException.class, () -> python.streamNext(range));
  }

  @Test
  void aViewOfAStreamRefTakesOnlyWhatIsAskedForAndLeavesTheReferenceOpen() {
    start(100);
    StreamRef counter = (StreamRef) python.call("m", "gen", 1000L);
    assertEquals(Optional.of(0L), python.streamNext(counter));
    try (PyStream view = python.openStream(counter)) {
      assertEquals(List.of(1L, 2L, 3L), view.stream().limit(3).toList());
    }
    assertEquals(Optional.of(4L), python.streamNext(counter), "the view took exactly three");
    try (PyStream view = python.openStream(counter)) {
      assertEquals(5L, view.next());
    }
    assertEquals(
        List.of(
            "call gen",
            "stream_next s1",
            "stream_next s1",
            "stream_next s1",
            "stream_next s1",
            "stream_next s1",
            "stream_next s1"),
        log(),
        "no stream_close");
  }

  @Test
  void aPyStreamOverACallClosesPythonWhenClosedEarlyAndNotWhenExhausted() throws Exception {
    start(4);
    PyStream early = python.openStream("m", "gen", List.of(100), DEFAULTS);
    assertEquals(0L, early.next());
    assertEquals(1L, early.next());
    early.close();
    early.close();
    assertThrows(IllegalStateException.class, early::hasNext);
    assertEquals(
        List.of("stream gen 1", "stream_batch s1 4", "stream_batch s1 4", "stream_close s1"),
        log(),
        "a batch in flight when closed, cancelled then closed");

    log().clear();
    List<Object> all;
    try (java.util.stream.Stream<Object> items =
        python.openStream("m", "gen", List.of(6), DEFAULTS).stream()) {
      all = items.toList();
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), all);
    assertEquals(
        List.of("stream gen 1", "stream_batch s2 4", "stream_batch s2 4"),
        log(),
        "an exhausted stream is released, not closed");
    Await.until("the release of stream s2", () -> released("s2"));
  }

  @Test
  void insideACallbackBatchesRunOnTheCallbacksThreadWithNothingInFlight() {
    start(2);
    Supplier<Object> body =
        () -> {
          List<Object> items = new ArrayList<>();
          python.stream("m", "gen", List.of(5), DEFAULTS, items::add);
          return items;
        };
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), python.call("m", "with_callback", body));
    assertEquals(List.of("stream gen 1", "stream_batch s1 2", "stream_batch s1 2"), log());
  }

  @Test
  void aStreamRefGoesBackToPythonAsAPlainReferenceAndIsInterned() {
    start(8);
    StreamRef stream = (StreamRef) python.call("m", "gen", 3L);
    assertEquals("received", python.call("builtins", "list", stream));
    assertEquals(List.of(WireRef.of("s1", stream.sessionId())), fixture.lastArgs);
    StreamRef other = (StreamRef) python.call("m", "gen", 3L);
    assertFalse(stream.equals(other));
    assertEquals(
        "StreamRef[builtins.generator s1]",
        FakeRuntimes.refsWithoutRuntime()
            .create("s1", "x", "builtins.generator", "builtins", true)
            .toString());
  }
}
