package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.runtime.RealRuntime;
import io.snakebridge.internal.runtime.RuntimeSettings;
import io.snakebridge.internal.session.SessionTable;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which session each call runs in, and when sessions end: automatic sessions per thread (their end
 * found by housekeeping on a fake clock), explicit sessions with several owners.
 */
@Timeout(20)
class SessionsTest {
  private final FakeTicker ticker = new FakeTicker();

  /** The session element of each CALL, in order. */
  private final List<List<?>> sessions = new CopyOnWriteArrayList<>();

  private FakeSpawner spawner;
  private SnakeBridgeRuntime python;
  private RealRuntime real;

  @BeforeEach
  void start() {
    spawner = new FakeSpawner(worker -> worker.onCall(this::handle));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("sessions");
    settings.poolSize(1);
    python = FakeRuntimes.build(settings, spawner, ticker);
    real = FakeRuntimes.delegate(python);
  }

  @AfterEach
  void close() {
    python.close();
  }

  /** Records the session; "make" returns a reference, anything else the session id. */
  private void handle(ScriptedWorker.Call call) throws IOException {
    sessions.add(call.session());
    if (call.op().equals("call_class")
        || (call.op().equals("call") && call.target().equals("make"))) {
      call.reply(call.newRef("r" + sessions.size(), "mod.Thing"));
    } else {
      call.reply(call.sessionId());
    }
  }

  private ScriptedWorker worker() {
    return spawner.spawned().get(0);
  }

  private String sessionOfCall() {
    return (String) python.call("m", "f");
  }

  @Test
  void eachThreadHasItsOwnAutomaticSessionUntilItIsReleased() throws Exception {
    String mine = sessionOfCall();
    assertEquals(mine, sessionOfCall(), "later calls reuse it");
    assertEquals(mine, python.currentSession());
    assertTrue(mine.startsWith("auto_"), mine);
    AtomicReference<String> other = new AtomicReference<>();
    Thread thread = new Thread(() -> other.set(sessionOfCall()));
    thread.start();
    thread.join();
    assertNotEquals(mine, other.get());

    python.clearAutoSession();
    python.clearAutoSession(); // idempotent
    String next = sessionOfCall();
    assertNotEquals(mine, next);
    python.releaseAutoSession();
    python.releaseAutoSession();
    assertNotEquals(next, sessionOfCall());
    assertEquals(
        List.of(Arrays.asList(next, null)),
        worker().releases(),
        "released at once, once; the cleared one was not");
  }

  @Test
  void callsCarryTheSessionsLimits() {
    SessionOptions options =
        SessionOptions.defaults()
            .sessionId("limited")
            .maxRefs(3)
            .ttl(Duration.ofMillis(1500))
            .tags(Map.of("team", "ml"));
    SessionContext.withSession(
        options,
        () -> {
          SessionContext context = SessionContext.current().orElseThrow();
          assertEquals("limited", context.sessionId());
          assertEquals(Map.of("team", "ml"), context.tags());
          assertEquals(Thread.currentThread(), context.owner());
          assertEquals("limited", sessionOfCall());
        });
    assertEquals(List.of("limited", 3L, 1.5), sessions.get(0));
    sessionOfCall();
    assertEquals(Arrays.asList(python.currentSession(), 10_000L, 3600.0), sessions.get(1));
  }

  @Test
  void blocksNestAndRestoreThePreviousContextAlsoWhenTheyThrow() {
    String auto = python.currentSession();
    String outer =
        SessionContext.withSession(
            () -> {
              String outerId = python.currentSession();
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      SessionContext.withSession(
                          SessionOptions.defaults().sessionId("inner"),
                          () -> {
                            assertEquals("inner", sessionOfCall());
                            throw new IllegalStateException("boom");
                          }));
              assertEquals(outerId, python.currentSession());
              assertEquals(outerId, sessionOfCall());
              return outerId;
            });
    assertTrue(outer.startsWith("session_"), outer);
    assertEquals(Optional.empty(), SessionContext.current());
    assertEquals(auto, python.currentSession());
    assertNotEquals(
        outer, SessionContext.withSession(python::currentSession), "generated ids are unique");
  }

  @Test
  void sessionPriorityIsOptionsThenReferenceThenContextThenAutomatic() {
    PyRef ref =
        SessionContext.withSession(
            SessionOptions.defaults().sessionId("owner"),
            () -> {
              PyRef made = (PyRef) python.call("m", "make");
              SessionContext.withSession(
                  SessionOptions.defaults().sessionId("ctx"),
                  () -> {
                    assertEquals("ctx", sessionOfCall());
                    assertEquals(
                        "owner", python.getAttr(made, "x"), "a reference's session outranks it");
                    assertEquals(
                        "opt",
                        python.call("m", "f", List.of(), CallOptions.defaults().sessionId("opt")),
                        "options outrank everything");
                  });
              return made;
            });
    assertThrows(
        ReferenceNotFoundException.class,
        () -> python.getAttr(ref, "x"),
        "'owner' ended with its block");
  }

  @Test
  void everyCallPathCarriesTheSessionItWillBeRoutedBy() throws Exception {
    PyRef made = (PyRef) python.call("m", "make");
    CallOptions none = CallOptions.defaults();
    SessionContext.withSession(
        SessionOptions.defaults().sessionId("paths"),
        () -> {
          List<Runnable> paths =
              List.of(
                  () -> python.call("m", "f"),
                  () -> python.call("m", "f", List.of(), none),
                  () -> python.callDynamic("m", "f", List.of(), none),
                  () -> python.getModuleAttr("m", "a"),
                  () -> python.callClass("m", "C", List.of(), none),
                  () -> python.callHelper("h.f", List.of(), none),
                  () -> python.callAsync("m", "f").join(),
                  () -> python.callDynamicAsync("m", "f", List.of(), none).join(),
                  () -> python.getModuleAttrAsync("m", "a").join(),
                  () -> python.callClassAsync("m", "C", List.of(), none).join(),
                  () -> python.callHelperAsync("h.f", List.of(), none).join());
          for (Runnable path : paths) {
            int before = sessions.size();
            path.run();
            assertEquals("paths", sessions.get(before).get(0), "call path " + paths.indexOf(path));
          }
          List<Runnable> onReference =
              List.of(
                  () -> python.callMethod(made, "m"),
                  () -> python.callMethodAsync(made, "m").join(),
                  () -> python.getAttr(made, "a"),
                  () -> python.getAttrAsync(made, "a").join(),
                  () -> python.setAttr(made, "a", 1),
                  () -> python.setAttrAsync(made, "a", 1).join());
          for (Runnable path : onReference) {
            int before = sessions.size();
            path.run();
            assertEquals(
                made.sessionId(),
                sessions.get(before).get(0),
                "reference path " + onReference.indexOf(path));
          }
        });
  }

  @Test
  void aSharedSessionLivesUntilItsLastOwnerLeaves() throws Exception {
    SessionOptions shared = SessionOptions.defaults().sessionId("shared");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch firstLeft = new CountDownLatch(1);
    AtomicReference<PyRef> made = new AtomicReference<>();
    AtomicReference<Object> usedByOther = new AtomicReference<>();
    Thread other =
        new Thread(
            () ->
                SessionContext.withSession(
                    shared,
                    () -> {
                      entered.countDown();
                      await(firstLeft);
                      usedByOther.set(python.getAttr(made.get(), "x"));
                    }));
    SessionContext.withSession(
        shared,
        () -> {
          made.set((PyRef) python.call("m", "make"));
          other.start();
          await(entered);
        });
    python.call("m", "f"); // any RELEASE written before this CALL has arrived by its reply
    assertEquals(List.of(), worker().releases(), "one owner is still inside");
    firstLeft.countDown();
    other.join();
    assertEquals("shared", usedByOther.get());
    assertEquals(
        List.of(Arrays.asList("shared", null)),
        awaitReleases(1),
        "released in the background once the last owner left");
  }

  @Test
  void theSessionOfAnEndedThreadIsReleasedByHousekeeping() throws Exception {
    AtomicReference<String> id = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              python.call("m", "make");
              id.set(python.currentSession());
            });
    thread.start();
    thread.join();
    real.housekeep(ticker.read());
    assertEquals(List.of(), worker().releases(), "not before the scan is due");
    ticker.advance(Duration.ofNanos(SessionTable.THREAD_SCAN_NANOS));
    real.housekeep(ticker.read());
    assertEquals(List.of(Arrays.asList(id.get(), null)), awaitReleases(1));
    real.housekeep(ticker.read() + SessionTable.THREAD_SCAN_NANOS);
    python.call("m", "f");
    assertEquals(1, worker().releases().size(), "once");
  }

  @Test
  void aClearedAutomaticSessionIsStillReleasedWhenItsThreadEnds() throws Exception {
    AtomicReference<PyRef> ref = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              ref.set((PyRef) python.call("m", "make"));
              python.clearAutoSession();
              assertEquals(ref.get().sessionId(), python.getAttr(ref.get(), "x"), "still usable");
              assertNotEquals(ref.get().sessionId(), sessionOfCall());
            });
    thread.start();
    thread.join();
    real.housekeep(ticker.read() + SessionTable.THREAD_SCAN_NANOS);
    List<List<?>> released = awaitReleases(2);
    assertTrue(released.contains(Arrays.asList(ref.get().sessionId(), null)), released.toString());
    assertEquals(2, released.size(), "the cleared session and the one after it");
  }

  @Test
  void releasingTheAutomaticSessionReleasesItsReferences() {
    PyRef ref = (PyRef) python.call("m", "make");
    python.releaseAutoSession();
    assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(ref, "x"));
    python.call("m", "f");
    assertEquals(List.of(Arrays.asList(ref.sessionId(), null)), worker().releases());
    assertFalse(python.currentSession().equals(ref.sessionId()));
  }

  @Test
  void anAsyncCallKeepsItsSessionAliveUntilItCompletes() throws Exception {
    CountDownLatch proceed = new CountDownLatch(1);
    python.close();
    spawner =
        new FakeSpawner(
            worker ->
                worker.onCall(
                    call -> {
                      if (call.target().equals("slow")) {
                        await(proceed);
                        call.reply(call.newRef("late", "mod.Thing"));
                      } else {
                        call.reply(call.newRef("early", "mod.Thing"));
                      }
                    }));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("async");
    settings.poolSize(2);
    python = FakeRuntimes.build(settings, spawner, ticker);
    java.util.concurrent.CompletableFuture<Object> late =
        SessionContext.withSession(
            SessionOptions.defaults().sessionId("bg"),
            () -> {
              python.call("m", "make");
              return python.callAsync("m", "slow");
            });
    proceed.countDown();
    PyRef ref = (PyRef) late.get(5, TimeUnit.SECONDS);
    assertEquals("bg", ref.sessionId());
    Await.until(
        "a release of the session",
        () -> spawner.spawned().stream().anyMatch(w -> !w.releases().isEmpty()));
    assertThrows(
        ReferenceNotFoundException.class,
        () -> python.getAttr(ref, "x"),
        "released once the async call completed");
  }

  /** Waits (bounded) until the worker has received {@code count} releases; returns them all. */
  private List<List<?>> awaitReleases(int count) {
    return Await.value(count + " releases", () -> worker().releases(), r -> r.size() >= count);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
