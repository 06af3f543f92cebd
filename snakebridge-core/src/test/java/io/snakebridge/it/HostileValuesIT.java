package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.ConversionException;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SessionContext;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Errors and values a careless or hostile user produces (deep tracebacks, values Java cannot hold,
 * lying subclasses, colliding keys): each fails or crosses for its own call only, and the worker,
 * with the session's objects on it, serves on.
 */
@ExtendWith(NoLeakedWorkers.class)
class HostileValuesIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python =
        ItEnvironment.runtime("hostile")
            .pythonPath(ItEnvironment.helpers(), hostileHelpers())
            .poolSize(1)
            .build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static Path hostileHelpers() {
    Path dir = ItEnvironment.workDir().resolve("hostile");
    try (InputStream in =
        HostileValuesIT.class.getResourceAsStream("/it-python/hostile/sbtest_hostile.py")) {
      Files.createDirectories(dir);
      Files.copy(in, dir.resolve("sbtest_hostile.py"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private static Object evaluate(String expression) {
    return python.call("sbtest_helpers", "evaluate", expression);
  }

  private static long pid() {
    return (Long) python.call("sbtest_helpers", "pid");
  }

  /**
   * Runs {@code failing} in a session holding an object on the only worker, then checks the worker
   * is the same process and the object still answers.
   */
  private static <T extends Throwable> T failsAlone(Class<T> expected, Runnable failing) {
    return SessionContext.withSession(
        () -> {
          long pid = pid();
          PyRef kept =
              python.callClass(
                  "collections", "Counter", List.of("abracadabra"), CallOptions.defaults());
          T thrown = assertThrows(expected, failing::run);
          assertEquals(pid, pid(), "the worker serves on");
          assertEquals(
              5L, python.callMethod(kept, "__getitem__", "a"), "the session's object lives");
          return thrown;
        });
  }

  @Test
  void aTracebackOf200kFramesArrivesCutWithTheCount() {
    String[] version = python.pythonInfo().version().split("\\.");
    assumeTrue(
        Integer.parseInt(version[0]) > 3 || Integer.parseInt(version[1]) >= 11,
        "before 3.11 a Python recursion this deep overflows the C stack by itself");
    PythonException e =
        failsAlone(
            PythonException.class,
            () -> python.call("sbtest_hostile", "deep_recursion_error", 200_000L));
    assertEquals("builtins.RecursionError", e.pythonType());
    assertTrue(
        e.pythonMessage()
            .matches(
                "maximum recursion depth exceeded.*\\[traceback cut: "
                    + "\\d{6} frames omitted between the outermost 100 and the innermost 900]"),
        e.pythonMessage());
    long python =
        Arrays.stream(e.getStackTrace())
            .filter(frame -> frame.getClassName().equals("sbtest_hostile"))
            .count();
    assertEquals(1_000, python, "the 100 outermost and 900 innermost frames");
    assertEquals("down", e.getStackTrace()[0].getMethodName());
    assertTrue(e.pythonTraceback().contains("frames omitted"), e.pythonTraceback());
  }

  @Test
  void aMillionDigitDecimalFailsTheCallInsteadOfStallingIt() {
    // Parsing a million digits into a BigDecimal would take about half a minute: the reader
    // refuses more than CodecLimits' maxDecimalDigits.
    SnakeBridgeException e =
        failsAlone(
            SnakeBridgeException.class,
            () ->
                python.call(
                    "sbtest_helpers",
                    "evaluate",
                    List.of("decimal.Decimal('1' * 1_000_000)"),
                    CallOptions.defaults().timeout(Duration.ofSeconds(5))));
    if (!(e instanceof ConversionException) && !(e instanceof CallTimeoutException)) {
      fail("expected a ConversionException or CallTimeoutException", e);
    }
    assertTrue(e.getMessage().contains("digits"), e.getMessage());
  }

  @Test
  void valuesBeyondJavasRangeAreConversionErrors() {
    for (String expression :
        List.of(
            "decimal.Decimal('1E+999999999999')",
            "decimal.Decimal('1E-3000000000')",
            "datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=23)))",
            "datetime.time(1, tzinfo=datetime.timezone(-datetime.timedelta(hours=18, minutes=30)))")) {
      ConversionException e = failsAlone(ConversionException.class, () -> evaluate(expression));
      assertTrue(e.getMessage().contains("Java's"), e.getMessage());
    }
    assertEquals(
        OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-18)),
        evaluate(
            "datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-18)))"));
    assertEquals(new BigDecimal("1E+2147483647"), evaluate("decimal.Decimal('1E+2147483647')"));
  }

  @Test
  void subclassesCrossWithTheValueTheyHold() {
    assertEquals(
        List.of(7L, 5L, 1.5, "ok"),
        withBytesAsText((List<?>) python.call("sbtest_hostile", "subclasses")));
  }

  private static List<Object> withBytesAsText(List<?> values) {
    List<Object> out = new ArrayList<>();
    for (Object value : values) {
      out.add(value instanceof byte[] ? new String((byte[]) value) : value);
    }
    return out;
  }

  @Test
  void javaKeysThatCollideInPythonAreRefusedWithTheirPlace() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(1, "int");
    map.put(1L, "long");
    ConversionException e =
        failsAlone(
            ConversionException.class, () -> python.call("sbtest_hostile", "describe_keys", map));
    assertEquals("args[0]", e.path());
    assertTrue(e.getMessage().contains("1 (Integer) and 1 (Long)"), e.getMessage());
    Map<Object, Object> distinct = new LinkedHashMap<>();
    distinct.put(1L, "one");
    distinct.put(1.5, "one and a half");
    assertEquals(List.of("1", "1.5"), python.call("sbtest_hostile", "describe_keys", distinct));
  }

  @Test
  void pythonKeysThatCollideInJavaAreAConversionError() {
    ConversionException e =
        failsAlone(ConversionException.class, () -> evaluate("{float('nan'): 1, float('nan'): 2}"));
    assertTrue(e.getMessage().contains("distinct in Python but equal in Java"), e.getMessage());
    failsAlone(
        ConversionException.class, () -> evaluate("frozenset([float('nan'), float('nan')])"));
  }

  @Test
  void aClassWhoseModuleIsNoneCrossesAsAReference() {
    long pid = pid();
    PyRef ref = (PyRef) python.call("sbtest_hostile", "nameless");
    assertEquals("None.Nameless", ref.typeName());
    assertInstanceOf(PyRef.class, python.call("sbtest_hostile", "nameless_class"));
    assertEquals(pid, pid(), "the worker serves on");
  }

  @Test
  void aResultNestedTooDeeplyAfterTheRecursionLimitWasRaisedIsAConversionError() {
    ConversionException e =
        failsAlone(
            ConversionException.class,
            () -> python.call("sbtest_hostile", "deeply_nested", 200_000L, 1_000_000L));
    assertTrue(e.getMessage().contains("nests"), e.getMessage());
  }

  @Test
  void aMapChangedWhileItIsEncodedIsAConversionException() throws InterruptedException {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (long i = 0; i < 200_000; i++) {
      map.put("k" + i, i);
    }
    AtomicBoolean done = new AtomicBoolean();
    Thread changer =
        new Thread(
            () -> {
              while (!done.get()) {
                map.put("extra", 0L);
                map.remove("extra");
              }
            });
    changer.start();
    try {
      ConversionException seen =
          Await.value(
              "a call that sees the map change",
              () -> {
                try {
                  python.call("builtins", "len", map);
                  return null;
                } catch (ConversionException e) {
                  return e;
                }
              },
              e -> e != null,
              Duration.ofSeconds(120));
      assertTrue(
          seen.getMessage().contains("modified while it was being encoded"), seen.getMessage());
      assertEquals("args[0]", seen.path());
    } finally {
      done.set(true);
      changer.join();
    }
    assertEquals(200_000L, python.call("builtins", "len", map));
  }
}
