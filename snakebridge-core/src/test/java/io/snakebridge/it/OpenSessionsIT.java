package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sessions that outlive a block: {@link SessionContext#open} handles and {@code run}. */
@ExtendWith(NoLeakedWorkers.class)
class OpenSessionsIT {
  private static final long CEILING_SECONDS = 60;
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("open-sessions").poolSize(2).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static PyRef fittedModel() {
    PyRef model = python.callClass("sbtest_objects", "MeanModel");
    model.callMethod("fit", List.of(1, 2, 3));
    return model;
  }

  /** Waits (ceiling 60 s) until the workers hold nothing of {@code sessionId}. */
  private static void awaitReleased(String sessionId) {
    Await.value(
        "session " + sessionId + " released",
        python::sessionStats,
        stats -> !stats.containsKey(sessionId));
  }

  @Test
  void aModelReturnedFromWithSessionIsDeadButOneFromAnOpenSessionServesEveryThread()
      throws Exception {
    PyRef dead = SessionContext.withSession(OpenSessionsIT::fittedModel);
    assertThrows(ReferenceNotFoundException.class, () -> dead.callMethod("predict", List.of(0)));

    SessionContext models = SessionContext.open(SessionOptions.defaults());
    PyRef model = models.run(OpenSessionsIT::fittedModel);
    assertEquals(models.sessionId(), model.sessionId());
    ExecutorService requests = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> predictions = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int rows = i + 1;
        predictions.add(requests.submit(() -> model.callMethod("predict", List.of(rows))));
      }
      for (Future<Object> prediction : predictions) {
        assertEquals(List.of(2.0), prediction.get(CEILING_SECONDS, TimeUnit.SECONDS));
      }
      // A thread entering and leaving a block of the session does not end it: the handle owns it.
      requests
          .submit(
              () ->
                  SessionContext.withSession(
                      SessionOptions.defaults().sessionId(models.sessionId()),
                      () -> model.getAttr("mean_")))
          .get(CEILING_SECONDS, TimeUnit.SECONDS);
      assertEquals(1L, python.sessionStats().get(models.sessionId()), "the model, still held");
      assertEquals(List.of(2.0, 2.0), model.callMethod("predict", List.of(0, 0)));
    } finally {
      requests.shutdown();
      assertTrue(requests.awaitTermination(CEILING_SECONDS, TimeUnit.SECONDS));
    }

    models.close();
    models.close();
    assertThrows(ReferenceNotFoundException.class, () -> model.callMethod("predict", List.of(0)));
    awaitReleased(models.sessionId());
    IllegalStateException closed =
        assertThrows(IllegalStateException.class, () -> models.run(() -> "late"));
    assertTrue(closed.getMessage().contains(models.sessionId()), closed.getMessage());
  }

  @Test
  void runEntersTheSessionOnTheCallingThreadFromAnyThread() throws Exception {
    try (SessionContext handle =
        SessionContext.open(SessionOptions.defaults().sessionId("open-run").maxRefs(50))) {
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        List<Object> seen =
            other
                .submit(
                    () -> {
                      List<Object> inside =
                          handle.run(
                              () ->
                                  List.of(
                                      python.currentSession(),
                                      SessionContext.current().orElseThrow(),
                                      fittedModel()));
                      return List.of(
                          inside.get(0),
                          inside.get(1),
                          inside.get(2),
                          SessionContext.current().isPresent());
                    })
                .get(CEILING_SECONDS, TimeUnit.SECONDS);
        assertEquals("open-run", seen.get(0));
        assertSame(handle, seen.get(1));
        assertEquals(false, seen.get(3), "the thread's context is restored after run");
        PyRef model = (PyRef) seen.get(2);
        assertEquals("open-run", model.sessionId());
        // The thread that ran it has left: the model lives on while the handle is open.
        assertEquals(List.of(2.0), model.callMethod("predict", List.of(0)));
        handle.run(() -> assertEquals("open-run", python.currentSession()));
        assertFalse(SessionContext.current().isPresent());
      } finally {
        other.shutdown();
        assertTrue(other.awaitTermination(CEILING_SECONDS, TimeUnit.SECONDS));
      }
    }
    awaitReleased("open-run");
  }

  @Test
  void noTtlSessionsKeepTheirReferencesWhileAShortTtlExpiresThem() {
    assertThrows(NullPointerException.class, () -> SessionOptions.defaults().ttl(null));
    NullPointerException message =
        assertThrows(NullPointerException.class, () -> SessionOptions.defaults().ttl(null));
    assertTrue(message.getMessage().contains("NO_TTL"), message.getMessage());

    try (SessionContext forever =
            SessionContext.open(SessionOptions.defaults().ttl(SessionOptions.NO_TTL));
        SessionContext brief =
            SessionContext.open(SessionOptions.defaults().ttl(Duration.ofNanos(1000)))) {
      assertEquals(SessionOptions.NO_TTL, forever.ttl());
      PyRef kept = forever.run(OpenSessionsIT::fittedModel);
      assertEquals(List.of(2.0), kept.callMethod("predict", List.of(0)));
      // A microsecond is less than any round trip to a worker: the next use finds it expired.
      PyRef expired = brief.run(() -> python.callClass("sbtest_objects", "MeanModel"));
      assertThrows(ReferenceNotFoundException.class, () -> expired.getAttr("mean_"));
      assertEquals(2.0, kept.getAttr("mean_"));
    }
  }
}
