package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** numpy and pandas times reach Java with their nanoseconds (WIRE-PROTOCOL.md §3.3). */
@ExtendWith(NoLeakedWorkers.class)
class NanoTimesIT {
  @Test
  void numpyTimesKeepTheirNanoseconds() {
    Optional<Path> numpy = ItEnvironment.numpyPython();
    assumeTrue(numpy.isPresent(), "no Python with numpy (snakebridge.test.numpyPython)");
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("nanos").python(numpy.get().toString()).poolSize(1).build()) {
      assertEquals(
          LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_789),
          python.call("numpy", "datetime64", "2024-01-02T03:04:05.123456789"));
      assertEquals(
          Duration.ofSeconds(1, 234_567_891),
          python.call("numpy", "timedelta64", 1_234_567_891L, "ns"));
      assertEquals(Duration.ofNanos(-1), python.call("numpy", "timedelta64", -1, "ns"));
      assertNull(python.call("numpy", "datetime64", "NaT"));
    }
  }

  @Test
  void pandasTimesKeepTheirNanoseconds() {
    Optional<Path> science = ItEnvironment.sciencePython();
    assumeTrue(science.isPresent(), "no Python with pandas (snakebridge.test.sciencePython)");
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("nanos").python(science.get().toString()).poolSize(1).build()) {
      assertEquals(
          OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_789, ZoneOffset.ofHours(1)),
          python.call("pandas", "Timestamp", "2024-01-02T03:04:05.123456789+01:00"));
      assertEquals(
          Duration.ofSeconds(86_402, 3_004),
          python.call("pandas", "Timedelta", "1 days 00:00:02.000003004"));
      // A column's values, as Java sees them from a list.
      assertEquals(
          LocalDateTime.of(2024, 1, 2, 0, 0, 0, 1),
          python.call(
              "operator",
              "getitem",
              python.call(
                  "pandas", "to_datetime", java.util.List.of("2024-01-02T00:00:00.000000001")),
              0));
    }
  }
}
