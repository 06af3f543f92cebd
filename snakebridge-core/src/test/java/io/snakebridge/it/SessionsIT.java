package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Automatic and explicit sessions against a real worker, and that ending them leaves no reference
 * behind (inventory §10 rows 33-39).
 */
@ExtendWith(NoLeakedWorkers.class)
class SessionsIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("sessions").poolSize(2).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  /** Waits for the workers' counts to satisfy {@code done}, collecting garbage meanwhile. */
  private static Map<String, Long> awaitStats(Predicate<Map<String, Long>> done) {
    return Await.value(
        "session counts",
        () -> {
          System.gc();
          return python.sessionStats();
        },
        done);
  }

  @Test
  void theFirstCallStartsAnAutomaticSessionThatLaterCallsReuse() throws Exception {
    Thread thread =
        new Thread(
            () -> {
              PyRef first = (PyRef) python.call("re", "compile", "a");
              String id = python.currentSession();
              assertTrue(id.startsWith("auto_"), id);
              assertEquals(id, first.sessionId());
              assertEquals(id, ((PyRef) python.call("re", "compile", "b")).sessionId());
              assertEquals(Map.of(id, 2L), filter(python.sessionStats(), id));

              python.clearAutoSession();
              python.clearAutoSession();
              String next = python.currentSession();
              assertNotEquals(id, next);
              assertEquals("a", python.getAttr(first, "pattern"), "cleared, not released");

              python.releaseAutoSession();
              python.releaseAutoSession();
              assertNotEquals(next, python.currentSession());
            });
    thread.start();
    thread.join();
  }

  @Test
  void parallelThreadsGetTheirOwnAutomaticSessions() throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(
          new Thread(() -> ids.add(((PyRef) python.call("re", "compile", "x")).sessionId())));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(8, ids.size());
  }

  @Test
  void aHundredThreadsEachWithItsOwnSessionLeaveNothingBehind() throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      threads.add(
          new Thread(
              () -> {
                PyRef pattern = (PyRef) python.call("re", "compile", "t" + n);
                python.callMethod(pattern, "match", "t" + n);
                ids.add(pattern.sessionId());
              },
              "session-user-" + i));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(100, ids.size());
    Map<String, Long> stats = awaitStats(s -> s.keySet().stream().noneMatch(ids::contains));
    assertEquals(
        Map.of(),
        filter(stats, ids.toArray(String[]::new)),
        "every ended thread's session was released");
  }

  @Test
  void withSessionScopesCallsRestoresTheContextAndReleasesAtTheEnd() {
    String auto = python.currentSession();
    SessionOptions options =
        SessionOptions.defaults().sessionId("scoped").maxRefs(50).tags(Map.of("purpose", "test"));
    PyRef kept =
        SessionContext.withSession(
            options,
            () -> {
              assertEquals("scoped", python.currentSession());
              PyRef inner =
                  SessionContext.withSession(
                      () -> {
                        assertTrue(python.currentSession().startsWith("session_"));
                        return (PyRef) python.call("re", "compile", "inner");
                      });
              assertEquals("scoped", python.currentSession());
              assertThrows(
                  ReferenceNotFoundException.class, () -> python.getAttr(inner, "pattern"));
              PyRef made = (PyRef) python.call("re", "compile", "scoped");
              assertEquals(Map.of("scoped", 1L), filter(python.sessionStats(), "scoped"));
              return made;
            });
    assertEquals("scoped", kept.sessionId());
    assertEquals(auto, python.currentSession());
    assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(kept, "pattern"));
    assertEquals(
        Map.of(),
        filter(awaitStats(s -> !s.containsKey("scoped")), "scoped"),
        "counts back to zero (the release runs in the background)");
    assertThrows(
        IllegalStateException.class,
        () ->
            SessionContext.withSession(
                options,
                () -> {
                  throw new IllegalStateException("body failed");
                }));
    assertEquals(auto, python.currentSession(), "restored after a throwing body");
  }

  @Test
  void threadsSharingAnExplicitSessionPassReferencesUntilTheLastOneLeaves() throws Exception {
    SessionOptions shared = SessionOptions.defaults().sessionId("shared-it");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch created = new CountDownLatch(1);
    CountDownLatch creatorLeft = new CountDownLatch(1);
    PyRef[] pattern = new PyRef[1];
    Object[] seenByUser = new Object[1];
    Thread user =
        new Thread(
            () ->
                SessionContext.withSession(
                    shared,
                    () -> {
                      entered.countDown();
                      await(created);
                      await(creatorLeft);
                      seenByUser[0] = python.getAttr(pattern[0], "pattern");
                    }));
    user.start();
    SessionContext.withSession(
        shared,
        () -> {
          pattern[0] = (PyRef) python.call("re", "compile", "shared");
          created.countDown();
          await(entered); // the user is in before this owner leaves
        });
    creatorLeft.countDown();
    user.join();
    assertEquals("shared", seenByUser[0]);
    assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(pattern[0], "pattern"));
    assertEquals(Map.of(), filter(awaitStats(s -> !s.containsKey("shared-it")), "shared-it"));
  }

  @Test
  void releaseSessionReleasesEverythingAtOnce() {
    PyRef a = (PyRef) python.call("re", "compile", "a");
    String session = a.sessionId();
    python.call("re", "compile", "b");
    python.releaseSession(session);
    python.releaseSession(session);
    assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(a, "pattern"));
    assertEquals(Map.of(), filter(python.sessionStats(), session));
  }

  @Test
  void anUnreachableReferenceIsReleasedInPythonAfterGarbageCollection() {
    String session =
        SessionContext.withSession(
            SessionOptions.defaults().sessionId("gc-it"),
            () -> {
              PyRef kept = (PyRef) python.call("re", "compile", "kept");
              dropOne();
              assertEquals(2L, python.sessionStats().get("gc-it"));
              Map<String, Long> stats = awaitStats(s -> s.getOrDefault("gc-it", 0L) < 2);
              assertEquals(
                  1L, stats.get("gc-it"), "the dropped one was released, not the kept one");
              assertEquals("kept", python.getAttr(kept, "pattern"));
              return kept.sessionId();
            });
    assertFalse(awaitStats(s -> !s.containsKey(session)).containsKey(session));
  }

  @Test
  void theReferencesOfAResultThatCameAfterItsCallerGaveUpAreReleased() throws Exception {
    String session = "late-result-it";
    CallOptions inSession = CallOptions.defaults().sessionId(session);
    PyRef kept = (PyRef) python.call("re", "compile", List.of("kept"), inSession);
    Path started = ItEnvironment.workDir().resolve("late-started-" + System.nanoTime());
    Path finished = ItEnvironment.workDir().resolve("late-finished-" + System.nanoTime());
    CompletableFuture<Object> call =
        python.callAsync(
            "sbtest_helpers",
            "finish_despite_cancel",
            List.of(30, started.toString(), finished.toString()),
            inSession);
    awaitFile(started);
    assertTrue(call.cancel(true));
    // The worker swallows the CANCEL and returns a new object: a RESULT nobody waits for.
    awaitFile(finished);
    Map<String, Long> stats = awaitStats(s -> s.getOrDefault(session, 0L) == 1L);
    assertEquals(1L, stats.get(session), "only the kept reference is left: " + stats);
    assertEquals("kept", python.getAttr(kept, "pattern"));
    python.releaseSession(session);
  }

  private static void awaitFile(Path path) {
    Await.until("the file " + path, () -> Files.exists(path));
  }

  private static void dropOne() {
    PyRef dropped = (PyRef) python.call("re", "compile", "dropped");
    assertEquals("dropped", python.getAttr(dropped, "pattern"));
  }

  private static Map<String, Long> filter(Map<String, Long> stats, String... ids) {
    Set<String> wanted = new HashSet<>(List.of(ids));
    Map<String, Long> found = new java.util.TreeMap<>();
    stats.forEach(
        (id, count) -> {
          if (wanted.contains(id) && count > 0) {
            found.put(id, count);
          }
        });
    return found;
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
