package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.WorkerCrashedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing a worker writes can hang the JVM or cost more than its own call: output from user code
 * never reaches the protocol, and a worker that breaks the framing is stopped with a clear message.
 */
@ExtendWith(NoLeakedWorkers.class)
class ProtocolRobustnessIT {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static SnakeBridgeRuntime fake;
  private static SnakeBridgeRuntime real;

  @BeforeAll
  static void start() throws IOException {
    Path helpers = ItEnvironment.helpers();
    Path wrapper = helpers.resolve("fake-python.sh");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nexec "
            + ItEnvironment.python()
            + " "
            + helpers.resolve("fake_worker.py")
            + " \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    fake =
        ItEnvironment.runtime("fake")
            .python(wrapper.toString())
            .environmentVariable("FAKE_WORKER_EXECUTABLE", wrapper.toString())
            .poolSize(1)
            .build();
    real = ItEnvironment.runtime("noisy").poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    fake.close();
    real.close();
  }

  @Test
  void printAndWritesToFd1InPythonDoNotCorruptTheProtocol() {
    assertEquals("the protocol is intact", real.call("sbtest_helpers", "noisy"));
    assertEquals(4.0, real.call("math", "sqrt", 16));
  }

  @Test
  void theFakeWorkerAnswersNormallyWhenAskedTo() {
    assertEquals("hello", fake.call("fake", "echo", "hello"));
  }

  @Test
  void bytesThatAreNotAFrame() {
    assertBroken("garbage", "exceeds the limit");
  }

  @Test
  void aFrameCutShortByTheWorkersExit() {
    WorkerCrashedException e = assertBroken("truncated", "truncated frame");
    assertTrue(e.getMessage().contains("after 10 of 1000 body bytes"), e.getMessage());
    assertTrue(e.stderrTail().contains("exiting in the middle of a frame"), e.stderrTail());
  }

  @Test
  void aLengthAboveTheLimit() {
    assertBroken("oversized", "frame length 4294967280 exceeds the limit of 536870912");
  }

  @Test
  void anUnknownFrameKind() {
    assertBroken("badkind", "unknown frame kind 99");
  }

  @Test
  void aMalformedValueSection() {
    assertBroken("badvalue", "malformed value section");
  }

  private static WorkerCrashedException assertBroken(String function, String expected) {
    return assertTimeoutPreemptively(
        LIMIT,
        () -> {
          WorkerCrashedException e =
              assertThrows(WorkerCrashedException.class, () -> fake.call("fake", function));
          assertTrue(
              e.getMessage()
                  .contains("broke the wire protocol during the call to fake." + function),
              e.getMessage());
          assertTrue(e.getMessage().contains(expected), e.getMessage());
          assertEquals(
              "still serving",
              fake.call("fake", "echo", "still serving"),
              "a replacement worker serves the next call");
          return e;
        });
  }
}
