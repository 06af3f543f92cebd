package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The value codec's property test: Hypothesis, in a worker, generates at least 2,000 values of
 * every type in the README's values table, nested, with a fixed seed, and each one crosses Python →
 * Java → Python → Java → Python through {@link #echo}: back in Python it must be exactly what was
 * sent, changed only as documented, or refused for a documented reason (the rules are in {@code
 * it-python/sbtest_roundtrip.py}); in Java, what Python echoes must be exactly what Java sent. On
 * failure the message gives the seed and the smallest failing value.
 *
 * <p>Needs the build's test virtual environment (numpy and Hypothesis, from the package index).
 */
@ExtendWith(NoLeakedWorkers.class)
class RoundTripPropertyIT {
  /** A ceiling that only catches a hang: the run takes seconds. */
  private static final Duration CEILING = Duration.ofMinutes(10);

  private final Map<String, AtomicLong> javaTried = new ConcurrentHashMap<>();

  @Test
  void everyGeneratedValueSurvivesBothWays() {
    Optional<Path> venvPython = ItEnvironment.numpyPython();
    assumeTrue(
        venvPython.isPresent(), "no test virtual environment (snakebridge.test.numpyPython)");
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("roundtrip")
            .python(venvPython.get().toString())
            .poolSize(1)
            .build()) {
      Function<Object, Object> echo = value -> echo(python, value);
      Map<?, ?> report;
      try {
        report =
            (Map<?, ?>)
                python.call(
                    "sbtest_roundtrip",
                    "run",
                    List.of(echo),
                    CallOptions.defaults().timeout(CEILING));
      } catch (PythonException e) {
        if (e.pythonType().equals("builtins.ModuleNotFoundError")) {
          throw new AssertionError(
              venvPython.get()
                  + " lacks a package the test needs; a build "
                  + "without -Dexec.skip=true remakes the virtual environment",
              e);
        }
        throw e;
      }
      print(report);
      assertNull(
          report.get("failure"),
          "the property test failed (seed "
              + report.get("seed")
              + "); the counts are printed above");
      assertTrue((Long) report.get("examples") >= 2_000, "examples run: " + report.get("examples"));
    }
  }

  /** Java → Python → Java, checked here; then the value goes back to Python unchanged. */
  private Object echo(SnakeBridgeRuntime python, Object value) {
    javaTried
        .computeIfAbsent(
            value == null ? "null" : value.getClass().getSimpleName(), name -> new AtomicLong())
        .incrementAndGet();
    Object back =
        python.call(
            "sbtest_roundtrip",
            "echo",
            Arrays.asList(value),
            CallOptions.defaults().timeout(CEILING));
    String difference = ExactValues.difference(value, back);
    if (difference != null) {
      throw new IllegalStateException("Java -> Python -> Java changed " + difference);
    }
    return value;
  }

  private void print(Map<?, ?> report) {
    StringBuilder out =
        new StringBuilder("RoundTripPropertyIT: ")
            .append(report.get("examples"))
            .append(" examples, seed ")
            .append(report.get("seed"))
            .append('\n')
            .append(
                String.format(
                    "  %-34s %7s %7s %7s %8s%n",
                    "Python kind", "tried", "refused", "changed", "excluded"));
    for (Map.Entry<?, ?> row : ((Map<?, ?>) report.get("counts")).entrySet()) {
      List<?> counts = (List<?>) row.getValue();
      out.append(
          String.format(
              "  %-34s %7s %7s %7s %8s%n",
              row.getKey(), counts.get(0), counts.get(1), counts.get(2), counts.get(3)));
    }
    out.append("  Java -> Python -> Java, by the top-level Java class: ")
        .append(new TreeMap<>(javaTried))
        .append('\n');
    if (report.get("failure") != null) {
      out.append("  FAILED: ").append(report.get("failure")).append('\n');
    }
    System.out.print(out);
  }
}
