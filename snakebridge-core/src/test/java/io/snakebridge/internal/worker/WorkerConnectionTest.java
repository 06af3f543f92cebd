package io.snakebridge.internal.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.fakes.FakeProcess;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameFormatException;
import io.snakebridge.internal.wire.FrameKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leader/follower connection against a scripted worker over in-memory pipes. */
class WorkerConnectionTest {
  private static final Duration LIMIT = Await.CEILING;

  private final FakeProcess process = new FakeProcess();
  private final ScriptedWorker worker = new ScriptedWorker(process);
  private final WorkerConnection connection =
      new WorkerConnection(
          process.getInputStream(), process.getOutputStream(), CodecLimits.DEFAULT.maxFrameBytes());
  private final ValueWriter values = new ValueWriter(CodecLimits.DEFAULT);
  private final ValueReader reader = new ValueReader(CodecLimits.DEFAULT);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    process.destroyForcibly();
    threads.shutdownNow();
  }

  private EncodedValue call(Object... args) {
    return values.encodeTuple(new Object[] {"call", null, "m", "f", List.of(args), Map.of()}, null);
  }

  private Object value(Frame frame) {
    return reader.decode(frame.body(), 0, frame.bodyLength());
  }

  @Test
  void aSingleCallerReadsItsOwnReply() throws IOException {
    worker.start();
    Frame hello = connection.request(FrameKind.HELLO, 0, values.encode(Map.of(), "hello"));
    assertEquals(FrameKind.HELLO, hello.kind());
    for (int i = 1; i <= 100; i++) {
      Frame reply = connection.request(FrameKind.CALL, connection.nextRequestId(), call(i));
      assertEquals(FrameKind.RESULT, reply.kind());
      assertEquals(List.of((long) i), value(reply));
    }
  }

  @Test
  void repliesOutOfOrderReachTheirOwnCallers() {
    // The worker holds each call until it has them all, then answers in reverse order, so the
    // thread that reads the pipe must hand every other reply to its waiter.
    int callers = 8;
    List<ScriptedWorker.Call> held = Collections.synchronizedList(new ArrayList<>());
    worker
        .onCall(
            call -> {
              held.add(call);
              if (held.size() == callers) {
                for (int i = callers - 1; i >= 0; i--) {
                  held.get(i).reply(held.get(i).args());
                }
              }
            })
        .start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          List<Future<Object>> replies = new ArrayList<>();
          for (int i = 0; i < callers; i++) {
            long n = i;
            replies.add(
                threads.submit(
                    () ->
                        value(
                            connection.request(
                                FrameKind.CALL, connection.nextRequestId(), call(n)))));
          }
          for (int i = 0; i < callers; i++) {
            assertEquals(List.of((long) i), replies.get(i).get());
          }
        });
  }

  @Test
  void aFollowerBecomesLeaderWhenTheLeaderLeaves() {
    // Call A is answered at once; call B only after A's caller has returned. B's caller must
    // then read the pipe itself: nobody else is left to do it.
    CountDownLatch aReturned = new CountDownLatch(1);
    worker
        .onCall(
            call -> {
              if (call.args().equals(List.of("A"))) {
                call.reply("a");
              } else {
                CompletableFuture.runAsync(
                    () -> {
                      try {
                        aReturned.await();
                        call.reply("b");
                      } catch (InterruptedException | IOException e) {
                        throw new RuntimeException(e);
                      }
                    },
                    threads);
              }
            })
        .start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Future<Object> b =
              threads.submit(
                  () ->
                      value(
                          connection.request(
                              FrameKind.CALL, connection.nextRequestId(), call("B"))));
          Object a =
              value(connection.request(FrameKind.CALL, connection.nextRequestId(), call("A")));
          aReturned.countDown();
          assertEquals("a", a);
          assertEquals("b", b.get());
        });
  }

  @Test
  void endOfFileFailsEveryWaiterAndEveryLaterRequest() {
    CountDownLatch bothSent = new CountDownLatch(2);
    worker
        .onCall(
            call -> {
              bothSent.countDown();
              if (bothSent.getCount() == 0) {
                worker.crash(3, "boom");
              }
            })
        .start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Future<Frame> first =
              threads.submit(
                  () -> connection.request(FrameKind.CALL, connection.nextRequestId(), call(1)));
          Future<Frame> second =
              threads.submit(
                  () -> connection.request(FrameKind.CALL, connection.nextRequestId(), call(2)));
          for (Future<Frame> waiter : List.of(first, second)) {
            Exception e = assertThrows(Exception.class, waiter::get);
            assertInstanceOf(IOException.class, e.getCause());
          }
          assertThrows(
              IOException.class,
              () -> connection.request(FrameKind.CALL, connection.nextRequestId(), call(3)));
          assertTrue(connection.failure() != null);
        });
  }

  @Test
  void aReplyNobodyWaitsForIsAProtocolViolation() {
    worker.onCall(call -> worker.send(FrameKind.RESULT, call.id() + 1000, "stray")).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          FrameFormatException e =
              assertThrows(
                  FrameFormatException.class,
                  () -> connection.request(FrameKind.CALL, connection.nextRequestId(), call(1)));
          assertTrue(e.getMessage().contains("nobody is waiting"), e.getMessage());
        });
  }

  @Test
  void frameKindsOnlyTheJvmSendsAreAProtocolViolation() {
    worker.onCall(call -> worker.send(FrameKind.CALL, call.id(), "backwards")).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          FrameFormatException e =
              assertThrows(
                  FrameFormatException.class,
                  () -> connection.request(FrameKind.CALL, connection.nextRequestId(), call(1)));
          assertTrue(e.getMessage().contains("never sends CALL"), e.getMessage());
        });
  }

  @Test
  void interruptedCallersStillGetTheirRepliesAndKeepTheInterrupt() {
    int callers = 4;
    List<ScriptedWorker.Call> held = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allHeld = new CountDownLatch(callers);
    CountDownLatch release = new CountDownLatch(1);
    worker
        .onCall(
            call -> {
              held.add(call);
              allHeld.countDown();
              if (held.size() == callers) {
                CompletableFuture.runAsync(
                    () -> {
                      try {
                        release.await();
                        for (ScriptedWorker.Call each : held) {
                          each.reply(each.args());
                        }
                      } catch (InterruptedException | IOException e) {
                        throw new RuntimeException(e);
                      }
                    },
                    threads);
              }
            })
        .start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          List<Thread> threadsWaiting = new ArrayList<>();
          List<Object[]> outcomes = Collections.synchronizedList(new ArrayList<>());
          for (int i = 0; i < callers; i++) {
            long n = i;
            Thread thread =
                new Thread(
                    () -> {
                      try {
                        Object value =
                            value(
                                connection.request(
                                    FrameKind.CALL, connection.nextRequestId(), call(n)));
                        outcomes.add(
                            new Object[] {n, value, Thread.currentThread().isInterrupted()});
                      } catch (IOException e) {
                        outcomes.add(new Object[] {n, e, false});
                      }
                    });
            threadsWaiting.add(thread);
            thread.start();
          }
          allHeld.await();
          threadsWaiting.forEach(Thread::interrupt);
          TimeUnit.MILLISECONDS.sleep(
              20); // parked followers see the interrupt and must not spin off
          release.countDown();
          for (Thread thread : threadsWaiting) {
            thread.join();
          }
          assertEquals(callers, outcomes.size());
          for (Object[] outcome : outcomes) {
            assertEquals(List.of(outcome[0]), outcome[1], "caller " + outcome[0] + "'s own reply");
            assertEquals(true, outcome[2], "caller " + outcome[0] + " kept its interrupt");
          }
        });
  }

  @Test
  void aPongDuringACallIsHandedToThePinger() {
    CountDownLatch callReceived = new CountDownLatch(1);
    CountDownLatch pongSeen = new CountDownLatch(1);
    worker
        .onCall(
            call -> {
              callReceived.countDown();
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      pongSeen.await();
                      call.reply("done");
                    } catch (InterruptedException | IOException e) {
                      throw new RuntimeException(e);
                    }
                  },
                  threads);
            })
        .start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Future<Object> running =
              threads.submit(
                  () ->
                      value(
                          connection.request(
                              FrameKind.CALL, connection.nextRequestId(), call("long"))));
          callReceived.await();
          long pingId = connection.nextRequestId();
          Frame pong = connection.request(FrameKind.PING, pingId, null);
          assertEquals(FrameKind.PONG, pong.kind());
          assertEquals(pingId, pong.id());
          pongSeen.countDown();
          assertEquals("done", running.get());
        });
  }

  /** Takes a reply nobody waits for. */
  private static final WorkerConnection.ReplyHandler DROP =
      new WorkerConnection.ReplyHandler() {
        @Override
        public void reply(Frame frame) {}

        @Override
        public void failed(IOException cause) {}
      };

  /** Ceiling for waits that only a real hang reaches. */
  private static final long CEILING_SECONDS = 60;

  @Test
  void aCallerWhoseWorkerSendsNothingStopsWaitingWhenItsRequestIsAbandoned() throws Exception {
    // A worker holding the GIL in C sends no frame at all: not even the PONG that wakes a
    // caller blocked in a read. With reader tasks, the caller parks instead of blocking there.
    connection.readDetachedWith(threads);
    CountDownLatch callReceived = new CountDownLatch(1);
    worker.onCall(call -> callReceived.countDown()).start();
    long id = connection.nextRequestId();
    Future<Frame> waiting = threads.submit(() -> connection.request(FrameKind.CALL, id, call()));
    assertTrue(callReceived.await(CEILING_SECONDS, TimeUnit.SECONDS));
    assertTrue(connection.abandon(id, DROP));
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> waiting.get(CEILING_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(AbandonedRequestException.class, e.getCause());
  }

  @Test
  void anInterruptedCallerTellsTheHandlerAndKeepsItsFlag() throws Exception {
    connection.readDetachedWith(threads);
    List<Long> told = Collections.synchronizedList(new ArrayList<>());
    connection.onInterrupt(
        id -> {
          told.add(id);
          return connection.abandon(id, DROP);
        });
    CountDownLatch callReceived = new CountDownLatch(1);
    worker.onCall(call -> callReceived.countDown()).start();
    long id = connection.nextRequestId();
    boolean[] flag = new boolean[1];
    AtomicReference<Thread> caller = new AtomicReference<>();
    Future<Frame> waiting =
        threads.submit(
            () -> {
              caller.set(Thread.currentThread());
              try {
                return connection.request(FrameKind.CALL, id, call());
              } finally {
                flag[0] = Thread.interrupted();
              }
            });
    assertTrue(callReceived.await(CEILING_SECONDS, TimeUnit.SECONDS));
    caller.get().interrupt();
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> waiting.get(CEILING_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(AbandonedRequestException.class, e.getCause());
    assertEquals(List.of(id), told);
    assertTrue(flag[0], "the interrupt flag is restored");
  }

  @Test
  void theLeaderHandsCallbackFramesToTheHandlerAndKeepsReading() throws IOException {
    List<Frame> handed = Collections.synchronizedList(new ArrayList<>());
    connection.onCallback(handed::add);
    worker
        .onCall(
            call -> {
              call.worker().send(FrameKind.CALLBACK, Long.MIN_VALUE + 1, List.of(1L));
              call.worker().send(FrameKind.CALLBACK, Long.MIN_VALUE + 2, List.of(2L));
              call.reply("done");
            })
        .start();
    connection.request(FrameKind.HELLO, 0, values.encode(Map.of(), "hello"));
    Frame reply = connection.request(FrameKind.CALL, connection.nextRequestId(), call());
    assertEquals("done", value(reply));
    assertEquals(2, handed.size());
    assertEquals(Long.MIN_VALUE + 2, handed.get(1).id());
    assertTrue(connection.trySend(FrameKind.PING, connection.nextRequestId(), null));
  }

  @Test
  void aCallbackFrameWithoutAHandlerBreaksTheProtocol() throws IOException {
    worker
        .onCall(call -> call.worker().send(FrameKind.CALLBACK, Long.MIN_VALUE + 1, List.of()))
        .start();
    connection.request(FrameKind.HELLO, 0, values.encode(Map.of(), "hello"));
    FrameFormatException e =
        assertThrows(
            FrameFormatException.class,
            () -> connection.request(FrameKind.CALL, connection.nextRequestId(), call()));
    assertTrue(e.getMessage().contains("takes none"), e.getMessage());
  }

  /** Records what a handler receives. */
  private static final class Recording implements WorkerConnection.ReplyHandler {
    final CompletableFuture<Frame> reply = new CompletableFuture<>();
    final CompletableFuture<IOException> failure = new CompletableFuture<>();

    @Override
    public void reply(Frame frame) {
      reply.complete(frame);
    }

    @Override
    public void failed(IOException cause) {
      failure.complete(cause);
    }
  }

  @Test
  void aDetachedPingIsAnsweredToItsHandlerByAReaderTaskWhenNobodyReads() {
    worker.start();
    connection.readDetachedWith(threads);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Recording pong = new Recording();
          long id = connection.nextRequestId();
          assertTrue(connection.tryRequest(FrameKind.PING, id, null, pong));
          Frame frame = pong.reply.get();
          assertEquals(FrameKind.PONG, frame.kind());
          assertEquals(id, frame.id());
          // The connection still serves ordinary calls afterwards.
          assertEquals(
              List.of(1L),
              value(connection.request(FrameKind.CALL, connection.nextRequestId(), call(1))));
        });
  }

  @Test
  void anAbandonedReaderLeavesAtTheNextFrameAndItsReplyGoesToTheHandler() {
    CountDownLatch received = new CountDownLatch(1);
    List<ScriptedWorker.Call> held = Collections.synchronizedList(new ArrayList<>());
    worker
        .onCall(
            call -> {
              if (!call.args().equals(List.of("slow"))) {
                call.reply(call.args());
                return;
              }
              held.add(call);
              received.countDown();
            })
        .start();
    connection.readDetachedWith(threads);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          long id = connection.nextRequestId();
          Future<Object> caller =
              threads.submit(() -> connection.request(FrameKind.CALL, id, call("slow")));
          received.await();
          Recording late = new Recording();
          assertTrue(connection.abandon(id, late));
          // The PONG wakes the caller, who is reading. The caller may still hold the write lock for
          // a moment after the worker got its CALL, and tryRequest never waits for it: try again.
          Await.until(
              "a PING written past the caller",
              () -> {
                try {
                  return connection.tryRequest(
                      FrameKind.PING, connection.nextRequestId(), null, new Recording());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
          java.util.concurrent.ExecutionException e =
              assertThrows(java.util.concurrent.ExecutionException.class, caller::get);
          assertInstanceOf(AbandonedRequestException.class, e.getCause());
          held.get(0).reply("late");
          assertEquals("late", value(late.reply.get()), "read by a reader task, for the handler");
          assertEquals(
              List.of(2L),
              value(connection.request(FrameKind.CALL, connection.nextRequestId(), call(2))));
        });
  }

  @Test
  void anAbandonedFollowerLeavesAtOnce() {
    CountDownLatch bothReceived = new CountDownLatch(2);
    List<ScriptedWorker.Call> held = Collections.synchronizedList(new ArrayList<>());
    worker
        .onCall(
            call -> {
              held.add(call);
              bothReceived.countDown();
            })
        .start();
    connection.readDetachedWith(threads);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          long first = connection.nextRequestId();
          long second = connection.nextRequestId();
          Future<Object> a =
              threads.submit(() -> value(connection.request(FrameKind.CALL, first, call("a"))));
          Future<Object> b =
              threads.submit(() -> connection.request(FrameKind.CALL, second, call("b")));
          bothReceived.await();
          Recording late = new Recording();
          // Whichever of the two leads, abandoning `second` ends its wait once a frame arrives:
          assertTrue(connection.abandon(second, late));
          ScriptedWorker.Call callA = held.get(0).id() == first ? held.get(0) : held.get(1);
          ScriptedWorker.Call callB = callA == held.get(0) ? held.get(1) : held.get(0);
          callA.reply("a done"); // wakes the leader if it is `second`'s caller
          assertEquals("a done", a.get());
          assertInstanceOf(
              AbandonedRequestException.class,
              assertThrows(java.util.concurrent.ExecutionException.class, b::get).getCause());
          callB.reply("b done");
          assertEquals("b done", value(late.reply.get()));
        });
  }

  @Test
  void aConnectionThatBreaksTellsTheHandlersOfDetachedRequests() {
    worker.ignorePings().start();
    connection.readDetachedWith(threads);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Recording ping = new Recording();
          assertTrue(connection.tryRequest(FrameKind.PING, connection.nextRequestId(), null, ping));
          TimeUnit.MILLISECONDS.sleep(20);
          process.destroyForcibly();
          assertTrue(ping.failure.get() != null);
          assertTrue(!ping.reply.isDone());
        });
  }

  @Test
  void abandoningARequestWhoseReplyCameAlreadyChangesNothing() throws IOException {
    worker.start();
    long id = connection.nextRequestId();
    connection.request(FrameKind.CALL, id, call("done"));
    assertTrue(!connection.abandon(id, new Recording()));
  }
}
