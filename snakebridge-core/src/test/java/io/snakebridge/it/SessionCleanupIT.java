package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session cleanup that cannot run is reported, naming the session and the worker, and is bounded
 * by the runtime's timeout (inventory §10 row 40; there it is a telemetry event, here a log record
 * on {@code io.snakebridge.session}).
 */
@ExtendWith(NoLeakedWorkers.class)
class SessionCleanupIT {
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler recorder =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @Test
  void aReleaseThatCannotReachItsBusyWorkerInTimeIsReported() throws Exception {
    Logger log = Logger.getLogger("io.snakebridge.session");
    log.addHandler(recorder);
    ExecutorService owner = Executors.newSingleThreadExecutor();
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("cleanup")
            .poolSize(1)
            .defaultTimeout(Duration.ofMillis(400))
            .build()) {
      // Start the worker first: its lazy start alone may take most of 400 ms on a busy machine.
      python.call(
          "math", "sqrt", List.of(1), CallOptions.defaults().timeout(Duration.ofSeconds(30)));
      SessionOptions session = SessionOptions.defaults().sessionId("cleanup-row-40");
      Path gate = ItEnvironment.workDir().resolve("cleanup-gate-" + System.nanoTime());
      Future<Object> longCall =
          owner.submit(
              () ->
                  SessionContext.withSession(
                      session,
                      () -> {
                        python.callClass(
                            "builtins", "object", List.of(), CallOptions.defaults()); // a live ref
                        // Keeps the session's only worker busy until the release has given up.
                        return python.call(
                            "sbtest_helpers",
                            "wait_for_gate",
                            List.of(gate.toString()),
                            CallOptions.defaults().timeout(Await.CEILING.multipliedBy(2)));
                      }));
      Await.value(
          "the session's call running",
          python::poolStats,
          s ->
              s.busy() == 1
                  && s.calls() >= 2); // after the warm-up call and the one making the object

      // Returns while the worker stays busy: bounded by the runtime's timeout.
      python.releaseSession("cleanup-row-40");

      assertTrue(
          records.stream()
              .anyMatch(
                  r ->
                      r.getLevel().intValue() >= Level.WARNING.intValue()
                          && r.getMessage().contains("cleanup-row-40")
                          && r.getMessage().contains("could not release")
                          && r.getMessage().contains("cleanup-1")),
          "a warning naming the session and the worker: " + messages());
      Files.createFile(gate);
      assertTrue(
          longCall.get(Await.CEILING.toSeconds(), TimeUnit.SECONDS) instanceof Long,
          "the running call was not disturbed");
    } finally {
      owner.shutdownNow();
      log.removeHandler(recorder);
    }
  }

  private List<String> messages() {
    return records.stream()
        .map(LogRecord::getMessage)
        .collect(java.util.stream.Collectors.toList());
  }
}
