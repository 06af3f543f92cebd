package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.PythonSpawner;
import io.snakebridge.internal.worker.WorkerFiles;
import io.snakebridge.internal.worker.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real worker asked for HELLO {@code threads} = 3 runs three calls at once. */
@ExtendWith(NoLeakedWorkers.class)
class WorkerThreadsIT {
  @Test
  void threeCallsRunAtOnceOnAWorkerWithThreeThreads() {
    PythonSpawner spawner =
        new PythonSpawner(
            ItEnvironment.python(),
            Map.of(),
            null,
            new WorkerFiles(WorkerThreadsIT.class.getClassLoader(), ItEnvironment.cacheDir()),
            List.of(ItEnvironment.helpers().toString()),
            List.of(),
            CodecLimits.DEFAULT,
            3,
            System.getLogger("snakebridge.test"));
    WorkerProcess worker = spawner.spawn("threads-1");
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try {
      assertTimeoutPreemptively(
          Await.CEILING.multipliedBy(2),
          () -> {
            worker.handshake();
            assertEquals(3, worker.threads());
            ValueWriter writer = new ValueWriter(CodecLimits.DEFAULT);
            // Three calls that wait for each other: one after the other they would never end.
            Path meeting = Files.createTempDirectory(ItEnvironment.workDir(), "threads-");
            List<Future<Frame>> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
              long id = worker.connection().nextRequestId();
              replies.add(
                  callers.submit(
                      () ->
                          worker
                              .connection()
                              .request(
                                  FrameKind.CALL,
                                  id,
                                  writer.encodeTuple(
                                      new Object[] {
                                        "call",
                                        null,
                                        "sbtest_helpers",
                                        "pid_at_rendezvous",
                                        List.of(meeting.toString(), 3),
                                        Map.of()
                                      },
                                      null))));
            }
            for (Future<Frame> reply : replies) {
              assertEquals(FrameKind.RESULT, reply.get().kind());
            }
            worker.shutdown();
            assertTrue(worker.awaitExit(Await.CEILING.toNanos()));
            assertEquals(0, worker.exitCode().getAsInt());
          });
    } finally {
      callers.shutdownNow();
      worker.kill();
    }
  }
}
