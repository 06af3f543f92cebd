package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PyStream;
import io.snakebridge.SessionContext;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.StreamRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ending a stream early from each Java face (a closed {@link PyStream} or {@link Stream}, a
 * cancelled {@link Flow.Subscription}, a timeout on every path), for generators and async
 * generators: the Python generator's {@code finally} block runs, the session keeps no reference,
 * and the same worker serves the next call. A consumer that throws is in {@link StreamIT}, a stuck
 * generator past its timeout in {@link StreamFlowIT}.
 */
@ExtendWith(NoLeakedWorkers.class)
class StreamCancelIT {
  private static final CallOptions DEFAULTS = CallOptions.defaults();
  private static final List<String> PRODUCERS = List.of("guarded", "aguarded");
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("stream-cancel").poolSize(1).streamBatchSize(4).build();
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

  private static long pid() {
    return (Long) python.call("sbtest_streams", "pid");
  }

  /** Runs {@code body} in a fresh session, then checks the session holds no reference. */
  private static void inSession(ThrowingRunnable body) {
    SessionContext.withSession(
        () -> {
          try {
            body.run();
            String session = python.currentSession();
            // A cancelled publisher cleans up asynchronously.
            Await.value(
                "the session's references released",
                () -> python.sessionStats().get(session),
                left -> left == null);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return null;
        });
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void closingAPyStreamOrItsJavaStreamEarlyRunsTheFinallyAndTheWorkerServesOn() {
    inSession(
        () -> {
          long pid = pid();
          for (String producer : PRODUCERS) {
            Path marker = marker();
            List<Object> taken = new ArrayList<>();
            try (PyStream items =
                python.openStream(
                    "sbtest_streams", producer, List.of(marker.toString(), 0.01), DEFAULTS)) {
              for (int i = 0; i < 6; i++) { // past the first batches (1, then 4): one is in flight
                taken.add(items.next());
              }
              assertFalse(Files.exists(marker), producer + " is still running");
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), taken, producer);
            assertTrue(Files.exists(marker), producer + ": close() returned after the finally ran");

            Path streamMarker = marker();
            List<Object> firstThree;
            try (Stream<Object> numbers =
                python
                    .openStream(
                        "sbtest_streams", producer, List.of(streamMarker.toString()), DEFAULTS)
                    .stream()) {
              firstThree = numbers.limit(3).collect(Collectors.toList());
            }
            assertEquals(List.of(0L, 1L, 2L), firstThree, producer);
            assertTrue(Files.exists(streamMarker), producer + ": Stream.close() ran the finally");
            assertEquals(pid, pid(), producer + ": the same worker serves on");
          }
        });
  }

  /** Requests two items at a time and cancels once it has {@code limit}. */
  private static final class Canceller implements Flow.Subscriber<Object> {
    final List<Object> items = new CopyOnWriteArrayList<>();
    final List<String> after = new CopyOnWriteArrayList<>();
    final CountDownLatch cancelled = new CountDownLatch(1);
    final int limit;
    volatile Flow.Subscription subscription;
    volatile boolean done;

    Canceller(int limit) {
      this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(2);
    }

    @Override
    public void onNext(Object item) {
      if (done) {
        after.add("onNext " + item);
        return;
      }
      items.add(item);
      if (items.size() == limit) {
        done = true;
        subscription.cancel();
        cancelled.countDown();
      } else if (items.size() % 2 == 0) {
        subscription.request(2);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      after.add("onError " + throwable);
      cancelled.countDown();
    }

    @Override
    public void onComplete() {
      after.add("onComplete");
      cancelled.countDown();
    }
  }

  @Test
  void cancellingAFlowSubscriptionRunsTheFinallyAndTheWorkerServesOn() {
    inSession(
        () -> {
          long pid = pid();
          for (String producer : PRODUCERS) {
            Path marker = marker();
            Canceller subscriber = new Canceller(7);
            python
                .publisher("sbtest_streams", producer, List.of(marker.toString(), 0.01), DEFAULTS)
                .subscribe(subscriber);
            assertTrue(
                subscriber.cancelled.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS), producer);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), subscriber.items, producer);
            assertTrue(appears(marker), producer + ": cancel() closed the generator");
            assertEquals(pid, pid(), producer + ": the same worker serves on");
            TimeUnit.MILLISECONDS.sleep(100);
            assertEquals(List.of(), subscriber.after, producer + ": no signal after cancel()");
          }
        });
  }

  /** A stream of {@code patient} that waits for its second item longer than its timeout. */
  private static void timesOut(String face, BiConsumer<CallOptions, List<Object>> run)
      throws Exception {
    Path marker = marker();
    long pid = pid();
    List<Object> items = new CopyOnWriteArrayList<>();
    CallOptions patience =
        DEFAULTS
            .timeout(Duration.ofSeconds(1))
            .kwarg("marker", marker.toString())
            .kwarg("pause", 30);
    long start = System.nanoTime();
    CallTimeoutException e =
        assertThrows(CallTimeoutException.class, () -> run.accept(patience, items), face);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(List.of(0L), items, face + ": the item before the pause was delivered");
    assertEquals(Duration.ofSeconds(1), e.timeout(), face);
    assertTrue(e.workerId().isPresent(), face + ": it timed out in the worker");
    assertTrue(millis >= 950, face + ": failed after " + millis + " ms, before its timeout");
    assertTrue(appears(marker), face + ": the cancelled generator's finally ran");
    assertEquals(pid, pid(), face + ": the generator heeded the cancel, the worker serves on");
  }

  @Test
  void aTimeoutBetweenItemsCancelsTheGeneratorOnEveryFaceAndTheWorkerServesOn() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            inSession(
                () -> {
                  timesOut(
                      "stream",
                      (options, items) ->
                          python.stream(
                              "sbtest_streams", "patient", List.of(), options, items::add));
                  timesOut(
                      "streamDynamic",
                      (options, items) ->
                          python.streamDynamic(
                              "sbtest_streams", "patient", List.of(), options, items::add));
                  timesOut(
                      "streamNext(StreamRef, Duration)",
                      (options, items) -> {
                        StreamRef stream =
                            (StreamRef)
                                python.call("sbtest_streams", "patient", List.of(), options);
                        try {
                          Duration timeout = options.timeout().orElseThrow();
                          for (Optional<Object> item = python.streamNext(stream, timeout);
                              item.isPresent();
                              item = python.streamNext(stream, timeout)) {
                            items.add(item.get());
                          }
                        } finally {
                          python.closeStream(stream);
                        }
                      });
                  timesOut(
                      "openStream(StreamRef, Duration)",
                      (options, items) -> {
                        StreamRef stream =
                            (StreamRef)
                                python.call("sbtest_streams", "patient", List.of(), options);
                        try (PyStream view =
                            python.openStream(stream, options.timeout().orElseThrow())) {
                          view.forEachRemaining(items::add);
                        } finally {
                          python.closeStream(stream);
                        }
                      });
                  timesOut(
                      "PyStream",
                      (options, items) -> {
                        try (PyStream stream =
                            python.openStream("sbtest_streams", "patient", List.of(), options)) {
                          stream.forEachRemaining(items::add);
                        }
                      });
                  timesOut(
                      "Flow.Publisher",
                      (options, items) -> {
                        CountDownLatch ended = new CountDownLatch(1);
                        Throwable[] error = new Throwable[1];
                        python
                            .publisher("sbtest_streams", "patient", List.of(), options)
                            .subscribe(
                                new Flow.Subscriber<Object>() {
                                  @Override
                                  public void onSubscribe(Flow.Subscription subscription) {
                                    subscription.request(Long.MAX_VALUE);
                                  }

                                  @Override
                                  public void onNext(Object item) {
                                    items.add(item);
                                  }

                                  @Override
                                  public void onError(Throwable throwable) {
                                    error[0] = throwable;
                                    ended.countDown();
                                  }

                                  @Override
                                  public void onComplete() {
                                    ended.countDown();
                                  }
                                });
                        try {
                          assertTrue(
                              ended.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS),
                              "the publisher ended");
                        } catch (InterruptedException interrupted) {
                          throw new AssertionError(interrupted);
                        }
                        throw assertInstanceOf(CallTimeoutException.class, error[0], "onError");
                      });
                }));
  }
}
