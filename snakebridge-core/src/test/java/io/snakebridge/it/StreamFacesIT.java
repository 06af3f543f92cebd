package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.PyStream;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.StreamRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Java faces of streams through real workers: PyStream, java.util.stream, Flow. */
@ExtendWith(NoLeakedWorkers.class)
class StreamFacesIT {
  private static final CallOptions DEFAULTS = CallOptions.defaults();
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("stream-faces").poolSize(2).streamBatchSize(8).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static Path marker() throws Exception {
    Path marker = Files.createTempFile(ItEnvironment.workDir(), "finally-", ".txt");
    Files.delete(marker);
    return marker;
  }

  private static boolean appears(Path file) {
    Await.until("the file " + file, () -> Files.exists(file));
    return true;
  }

  @Test
  void aPyStreamIsAnIteratorAndAStreamAndClosingItEndsTheGenerator() throws Exception {
    Path marker = marker();
    List<Object> firstThree;
    try (Stream<Object> numbers =
        python
            .openStream("sbtest_streams", "guarded", List.of(marker.toString()), DEFAULTS)
            .stream()) {
      firstThree = numbers.limit(3).collect(Collectors.toList());
    }
    assertEquals(List.of(0L, 1L, 2L), firstThree);
    assertTrue(Files.exists(marker), "closing the Stream closed the generator at once");

    try (PyStream range = python.openStream("builtins", "range", List.of(20), DEFAULTS)) {
      long sum = 0;
      while (range.hasNext()) {
        sum += (Long) range.next();
      }
      assertEquals(190, sum);
      assertTrue(!range.hasNext());
    }
    try (PyStream failing =
        python.openStream("sbtest_streams", "fails_after", List.of(2), DEFAULTS)) {
      assertEquals(0L, failing.next());
      assertEquals(1L, failing.next());
      assertEquals(
          "builtins.ValueError",
          assertThrows(PythonException.class, failing::hasNext).pythonType());
    }
  }

  @Test
  void aViewOfAStreamRefLeavesItOpen() throws Exception {
    Path marker = marker();
    StreamRef counter = (StreamRef) python.call("sbtest_streams", "guarded", marker.toString());
    try (PyStream view = python.openStream(counter)) {
      assertEquals(0L, view.next());
    }
    assertEquals(Optional.of(1L), python.streamNext(counter));
    assertTrue(!Files.exists(marker), "the view did not close the generator");
    python.closeStream(counter);
    assertTrue(Files.exists(marker), "closeStream ran its finally block");
  }

  /** Requests one item at a time, cancels after `limit` items. */
  private static final class OneByOne implements Flow.Subscriber<Object> {
    final List<Object> items = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch ended = new CountDownLatch(1);
    final int limit;
    volatile Flow.Subscription subscription;
    volatile Throwable error;
    volatile boolean completed;

    OneByOne(int limit) {
      this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(Object item) {
      items.add(item);
      threads.add(Thread.currentThread().getName());
      if (items.size() == limit) {
        subscription.cancel();
        ended.countDown();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      error = throwable;
      ended.countDown();
    }

    @Override
    public void onComplete() {
      completed = true;
      ended.countDown();
    }
  }

  @Test
  void aPublisherDeliversOnDemandOnTheAsyncThreadsAndCancelEndsTheGenerator() throws Exception {
    OneByOne all = new OneByOne(Integer.MAX_VALUE);
    python.publisher("builtins", "range", List.of(25), DEFAULTS).subscribe(all);
    assertTrue(all.ended.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
    assertTrue(all.completed);
    assertNull(all.error);
    assertEquals(25, all.items.size());
    assertEquals(24L, all.items.get(24));
    all.threads.forEach(
        name -> assertTrue(name.startsWith("snakebridge-stream-faces-async-"), name));

    Path marker = marker();
    OneByOne three = new OneByOne(3);
    python
        .publisher("sbtest_streams", "guarded", List.of(marker.toString(), 0.01), DEFAULTS)
        .subscribe(three);
    assertTrue(three.ended.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
    assertEquals(List.of(0L, 1L, 2L), three.items);
    assertTrue(appears(marker), "cancel closed the Python generator");

    OneByOne failing = new OneByOne(Integer.MAX_VALUE);
    python.publisher("sbtest_streams", "fails_after", List.of(3), DEFAULTS).subscribe(failing);
    assertTrue(failing.ended.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
    assertEquals(List.of(0L, 1L, 2L), failing.items);
    assertInstanceOf(PythonException.class, failing.error);
  }

  @Test
  void aStreamRefPublisherTakesOnlyWhatWasRequested() throws Exception {
    StreamRef counter = (StreamRef) python.call("itertools", "count");
    OneByOne four = new OneByOne(4);
    python.publisher(counter).subscribe(four);
    assertTrue(four.ended.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
    assertEquals(List.of(0L, 1L, 2L, 3L), four.items);
    assertEquals(Optional.of(4L), python.streamNext(counter));
    python.closeStream(counter);
  }
}
