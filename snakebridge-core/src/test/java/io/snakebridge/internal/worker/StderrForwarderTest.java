package io.snakebridge.internal.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.System.Logger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StderrForwarderTest {
  /** Records what would be logged. */
  private static final class RecordingLogger implements Logger {
    final List<String> lines = new ArrayList<>();

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
      lines.add(message);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(format);
    }

    @Override
    public void log(Level level, Supplier<String> supplier) {
      lines.add(supplier.get());
    }
  }

  private static StderrForwarder drain(String text, RecordingLogger logger) {
    StderrForwarder forwarder =
        new StderrForwarder(
            "w-1", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), logger);
    forwarder.start();
    assertTrue(forwarder.awaitDrained(TimeUnit.SECONDS.toNanos(5)));
    return forwarder;
  }

  @Test
  void forwardsEachLineTaggedWithTheWorkerId() {
    RecordingLogger logger = new RecordingLogger();
    StderrForwarder forwarder = drain("hello\r\nwörld\nno newline at end", logger);
    assertEquals(List.of("[w-1] hello", "[w-1] wörld", "[w-1] no newline at end"), logger.lines);
    assertEquals("hello\nwörld\nno newline at end", forwarder.tail());
  }

  @Test
  void keepsOnlyTheLastLines() {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 200; i++) {
      text.append("line ").append(i).append('\n');
    }
    String tail = drain(text.toString(), new RecordingLogger()).tail();
    String[] lines = tail.split("\n");
    assertEquals(StderrForwarder.TAIL_LINES, lines.length);
    assertEquals("line 200", lines[lines.length - 1]);
    assertEquals("line 151", lines[0]);
  }

  @Test
  void boundsTheTailBySizeAndSplitsHugeLines() {
    String huge = "x".repeat(20_000);
    RecordingLogger logger = new RecordingLogger();
    String tail = drain(huge + "\nlast\n", logger).tail();
    assertTrue(tail.length() <= StderrForwarder.TAIL_CHARS, "tail length " + tail.length());
    assertTrue(tail.endsWith("last"));
    assertEquals(4, logger.lines.size(), "20,000 bytes in pieces of 8 KiB, then 'last'");
  }
}
