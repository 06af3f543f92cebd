package io.snakebridge.internal.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.Await;
import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.fakes.FakeProcess;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.wire.FrameKind;
import java.io.EOFException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The handshake of WIRE-PROTOCOL.md §4.1 and what a crash report collects. */
class WorkerProcessTest {
  private static final Duration LIMIT = Await.CEILING;

  private final FakeProcess process = new FakeProcess();
  private final ScriptedWorker worker = new ScriptedWorker(process);
  private final WorkerProcess subject =
      WorkerProcess.attach(
          "rt-1",
          "/usr/bin/python3",
          process,
          List.of("/app/src"),
          List.of("/app/helpers"),
          new CodecLimits(50, 1 << 20),
          System.getLogger("test"));

  private static Map<String, Object> hello(long protocol, long minProtocol) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("protocol", protocol);
    answer.put("min_protocol", minProtocol);
    answer.put("python_version", "3.13.1");
    answer.put("implementation", "cpython");
    answer.put("executable", "/usr/lib/python3.13/bin/python");
    answer.put("pid", 4242L);
    return answer;
  }

  @Test
  void sendsItsSettingsAndReportsTheWorkersAnswer() {
    worker.onHello(w -> w.send(FrameKind.HELLO, 0, hello(1, 1))).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PythonInfo info = subject.handshake();
          assertEquals(
              new PythonInfo("/usr/lib/python3.13/bin/python", "3.13.1", "cpython", 4242, 1), info);
          assertEquals(info, subject.info());
          Map<?, ?> sent = worker.hello();
          assertEquals(1L, sent.get("protocol"));
          assertEquals(1L, sent.get("min_protocol"));
          assertEquals("rt-1", sent.get("worker_id"));
          assertEquals(List.of("/app/src"), sent.get("paths"));
          assertEquals(List.of("/app/helpers"), sent.get("helper_paths"));
          assertEquals((long) (1 << 20), sent.get("max_frame"));
          assertEquals(50L, sent.get("max_depth"));
        });
  }

  @Test
  void aProtocolVersionMismatchNamesBothRanges() {
    worker.onHello(w -> w.send(FrameKind.HELLO, 0, hello(2, 2))).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          SnakeBridgeException e = assertThrows(SnakeBridgeException.class, subject::handshake);
          assertTrue(
              e.getMessage()
                  .contains(
                      "chose protocol version 2 (it accepts 2 and up), but"
                          + " this JVM speaks versions 1 to 1"),
              e.getMessage());
        });
  }

  @Test
  void aRefusedHandshakeCarriesTheWorkersReason() {
    Map<String, Object> error =
        ScriptedWorker.pythonError(
            "snakebridge_worker.ProtocolError", "JVM speaks 7 to 9, worker speaks 1 to 1");
    error.put("kind", "protocol");
    worker.onHello(w -> w.send(FrameKind.ERROR, 0, error)).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          SnakeBridgeException e = assertThrows(SnakeBridgeException.class, subject::handshake);
          assertEquals(
              "Python worker rt-1 (/usr/bin/python3) refused the handshake:"
                  + " snakebridge_worker.ProtocolError: JVM speaks 7 to 9, worker speaks 1 to 1",
              e.getMessage());
        });
  }

  @Test
  void aHelloWithAWrongFieldIsRefused() {
    Map<String, Object> answer = hello(1, 1);
    answer.put("pid", "not a number");
    worker.onHello(w -> w.send(FrameKind.HELLO, 0, answer)).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          SnakeBridgeException e = assertThrows(SnakeBridgeException.class, subject::handshake);
          assertTrue(
              e.getMessage().contains("'pid' is String not a number, not an int"), e.getMessage());
        });
  }

  @Test
  void asksForOneThreadByDefaultAndAcceptsAWorkerThatDoesNotSay() {
    worker.onHello(w -> w.send(FrameKind.HELLO, 0, hello(1, 1))).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          subject.handshake();
          assertEquals(1L, worker.hello().get("threads"));
          assertEquals(1, subject.threads());
        });
  }

  @Test
  void asksForSeveralThreadsAndChecksTheWorkerConfirms() {
    WorkerProcess four =
        WorkerProcess.attach(
            "rt-2",
            "/usr/bin/python3",
            process,
            List.of(),
            List.of(),
            new CodecLimits(50, 1 << 20),
            4,
            System.getLogger("test"));
    Map<String, Object> answer = hello(1, 1);
    answer.put("threads", 4L);
    worker.onHello(w -> w.send(FrameKind.HELLO, 0, answer)).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          four.handshake();
          assertEquals(4L, worker.hello().get("threads"));
          assertEquals(4, four.threads());
        });
  }

  @Test
  void aWorkerThatDoesNotConfirmItsThreadsIsRefused() {
    WorkerProcess four =
        WorkerProcess.attach(
            "rt-2",
            "/usr/bin/python3",
            process,
            List.of(),
            List.of(),
            new CodecLimits(50, 1 << 20),
            4,
            System.getLogger("test"));
    worker.onHello(w -> w.send(FrameKind.HELLO, 0, hello(1, 1))).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          SnakeBridgeException e = assertThrows(SnakeBridgeException.class, four::handshake);
          assertEquals(
              "Python worker rt-2 (/usr/bin/python3) was asked for threads = 4 (calls at"
                  + " once) but answered no threads (a worker without that key)",
              e.getMessage());
        });
  }

  @Test
  void aWorkerThatAnswersOtherThreadsIsRefused() {
    Map<String, Object> answer = hello(1, 1);
    answer.put("threads", 2L);
    worker.onHello(w -> w.send(FrameKind.HELLO, 0, answer)).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          SnakeBridgeException e = assertThrows(SnakeBridgeException.class, subject::handshake);
          assertTrue(
              e.getMessage()
                  .endsWith("was asked for threads = 1 (calls at once) but answered threads = 2"),
              e.getMessage());
        });
  }

  @Test
  void threadsBelowOneAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WorkerProcess.attach(
                    "rt-3",
                    "/usr/bin/python3",
                    new FakeProcess(),
                    List.of(),
                    List.of(),
                    new CodecLimits(50, 1 << 20),
                    0,
                    System.getLogger("test")));
    assertEquals("threads must be at least 1, got 0", e.getMessage());
  }

  @Test
  void aWorkerThatDiesBeforeAnsweringLeavesItsStatusAndStderr() {
    worker.onHello(w -> w.crash(2, "python: can't open file")).start();
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          assertThrows(EOFException.class, subject::handshake);
          ExitReport report =
              ExitReport.collect(subject, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(1));
          assertEquals(2, report.exitCode().getAsInt());
          assertEquals("exit status 2", report.status());
          assertEquals("python: can't open file", report.stderrTail());
          assertEquals(
              "x; the end of its stderr:\n  python: can't open file", report.withTail("x"));
        });
  }

  @Test
  void signalsAreNamed() {
    assertEquals(
        "killed by signal 11 (SIGSEGV)",
        new ExitReport(java.util.OptionalInt.of(139), "").status());
    assertEquals(
        "killed by signal 9 (SIGKILL)", new ExitReport(java.util.OptionalInt.of(137), "").status());
    assertEquals("no exit status yet", new ExitReport(java.util.OptionalInt.empty(), "").status());
    assertEquals(
        "x; it wrote nothing to stderr",
        new ExitReport(java.util.OptionalInt.empty(), "").withTail("x"));
  }
}
