package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.ConversionException;
import io.snakebridge.PyComplex;
import io.snakebridge.PyDateTime;
import io.snakebridge.PyFrozenSet;
import io.snakebridge.PyNonFiniteDecimal;
import io.snakebridge.PyRef;
import io.snakebridge.PyTime;
import io.snakebridge.PyTuple;
import io.snakebridge.SnakeBridgeRuntime;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every value of the API contract's table, through a real worker in both directions. */
@ExtendWith(NoLeakedWorkers.class)
class ValuesIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("values").poolSize(1).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static Object echo(Object value) {
    return python.call("sbtest_helpers", "echo", Arrays.asList(value), CallOptions.defaults());
  }

  private static String typeInPython(Object value) {
    return (String)
        python.call("sbtest_helpers", "type_name", Arrays.asList(value), CallOptions.defaults());
  }

  private static Object evaluate(String expression) {
    return python.call("sbtest_helpers", "evaluate", expression);
  }

  @Test
  void scalarsCrossBothWays() {
    assertEquals(null, echo(null));
    assertEquals(true, echo(true));
    assertEquals(false, echo(false));
    assertEquals(7L, echo((byte) 7));
    assertEquals(-300L, echo((short) -300));
    assertEquals(123_456L, echo(123_456));
    assertEquals(Long.MIN_VALUE, echo(Long.MIN_VALUE));
    BigInteger big = BigInteger.TWO.pow(100).negate();
    assertEquals(big, echo(big));
    assertEquals(1.5, echo(1.5f));
    assertEquals(0.1, echo(0.1));
    assertTrue(Double.isNaN((Double) echo(Double.NaN)));
    assertEquals(Double.POSITIVE_INFINITY, echo(Double.POSITIVE_INFINITY));
    assertEquals(Double.NEGATIVE_INFINITY, echo(Double.NEGATIVE_INFINITY));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) echo(-0.0)));
    assertEquals(new PyComplex(1.0, -2.5), echo(new PyComplex(1.0, -2.5)));
    assertEquals("héllo wörld \uD83D\uDE00", echo("héllo wörld \uD83D\uDE00"));
    assertEquals("lone \uD800 surrogate", echo("lone \uD800 surrogate"));
    assertEquals("x", echo('x'));
    assertArrayEquals(new byte[] {0, 1, -1, 127}, (byte[]) echo(new byte[] {0, 1, -1, 127}));
  }

  @Test
  void javaValuesArriveAsTheMatchingPythonTypes() {
    assertEquals("builtins.NoneType", typeInPython(null));
    assertEquals("builtins.bool", typeInPython(true));
    assertEquals("builtins.int", typeInPython(3));
    assertEquals("builtins.int", typeInPython(BigInteger.TEN.pow(30)));
    assertEquals("builtins.float", typeInPython(2.5f));
    assertEquals("builtins.complex", typeInPython(new PyComplex(0, 1)));
    assertEquals("builtins.str", typeInPython('c'));
    assertEquals("builtins.bytes", typeInPython(new byte[] {1}));
    assertEquals("builtins.list", typeInPython(List.of(1)));
    assertEquals("builtins.list", typeInPython(new int[] {1, 2}));
    assertEquals("builtins.list", typeInPython(new String[] {"a"}));
    assertEquals("builtins.tuple", typeInPython(PyTuple.of(1, 2)));
    assertEquals("builtins.dict", typeInPython(Map.of("a", 1)));
    assertEquals("builtins.set", typeInPython(Set.of(1)));
    assertEquals("datetime.date", typeInPython(LocalDate.of(2024, 2, 29)));
    assertEquals("datetime.time", typeInPython(LocalTime.NOON));
    assertEquals("datetime.datetime", typeInPython(LocalDateTime.of(2024, 1, 1, 0, 0)));
    assertEquals("datetime.timedelta", typeInPython(Duration.ofSeconds(90)));
    assertEquals("decimal.Decimal", typeInPython(new BigDecimal("1.50")));
    assertEquals("uuid.UUID", typeInPython(UUID.randomUUID()));
  }

  @Test
  void containersKeepTheirShapeAndOrder() {
    assertEquals(List.of(1L, "two", List.of(3.0)), echo(List.of(1, "two", List.of(3.0))));
    assertEquals(List.of(1L, 2L, 3L), echo(new int[] {1, 2, 3}));
    assertEquals(List.of(true, false), echo(new boolean[] {true, false}));
    Object tuple = echo(PyTuple.of(1, "a", PyTuple.of()));
    assertInstanceOf(PyTuple.class, tuple);
    assertEquals(List.of(1L, "a", List.of()), tuple);

    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("z", 1);
    map.put(PyTuple.of(1, 2), "tuple key");
    map.put(7L, null);
    map.put("a", Map.of("nested", List.of()));
    Map<?, ?> back = (Map<?, ?>) echo(map);
    assertEquals(List.of("z", PyTuple.of(1L, 2L), 7L, "a"), new ArrayList<>(back.keySet()));
    assertEquals("tuple key", back.get(PyTuple.of(1L, 2L)));

    Set<Object> set = new LinkedHashSet<>(List.of(1, "b", PyTuple.of(2)));
    assertEquals(Set.of(1L, "b", PyTuple.of(2L)), echo(set));
  }

  @Test
  void timesDecimalsAndUuidsCrossExactly() {
    LocalDate date = LocalDate.of(2024, 2, 29);
    LocalTime time = LocalTime.of(23, 59, 59, 123_456_000);
    OffsetTime offsetTime = OffsetTime.of(time, ZoneOffset.ofHoursMinutes(5, 30));
    LocalDateTime local = LocalDateTime.of(date, time);
    OffsetDateTime aware = OffsetDateTime.of(local, ZoneOffset.ofHours(-7));
    Duration duration = Duration.ofDays(-3).plusSeconds(5).plusNanos(7_000);
    BigDecimal decimal = new BigDecimal("-12345678901234567890.000100");
    UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertEquals(date, echo(date));
    assertEquals(time, echo(time));
    assertEquals(offsetTime, echo(offsetTime));
    assertEquals(local, echo(local));
    assertEquals(aware, echo(aware));
    assertEquals(duration, echo(duration));
    assertEquals(decimal, echo(decimal));
    assertEquals(uuid, echo(uuid));
    assertEquals(
        OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 0, ZoneOffset.UTC),
        echo(Instant.parse("2024-05-06T07:08:09Z")));
  }

  @Test
  void valuesOnlyPythonMakesHaveAJavaForm() {
    assertArrayEquals(new byte[] {1, 2}, (byte[]) evaluate("bytearray(b'\\x01\\x02')"));
    Set<?> frozen = (Set<?>) evaluate("frozenset({1, 2})");
    assertEquals(Set.of(1L, 2L), frozen);
    assertThrows(UnsupportedOperationException.class, () -> frozen.clear());
    assertEquals(PyTuple.of(1L, 2L), evaluate("Point(1, 2)"));
    assertEquals(Map.of("a", 2L), evaluate("collections.Counter('aa')"));
    assertEquals(BigInteger.TWO.pow(64), evaluate("2 ** 64"));
    assertEquals(Long.MAX_VALUE, evaluate("2 ** 63 - 1"));
    assertEquals(
        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)),
        evaluate(
            "datetime.datetime(2024, 1, 2, 3, 4, 5,"
                + " tzinfo=datetime.timezone(datetime.timedelta(hours=2)))"));
  }

  @Test
  void frozenSetsFoldsAndNonFiniteDecimalsGoBackAsTheyCame() {
    Map<?, ?> keyed = (Map<?, ?>) evaluate("{frozenset({1, 2}): {frozenset({3}), frozenset()}}");
    Object key = keyed.keySet().iterator().next();
    assertInstanceOf(PyFrozenSet.class, key);
    assertEquals(Set.of(PyFrozenSet.of(3L), PyFrozenSet.of()), keyed.get(key));
    assertEquals(keyed, echo(keyed));
    assertEquals("builtins.frozenset", typeInPython(PyFrozenSet.of(1)));
    assertEquals("builtins.set", typeInPython(Set.of(1)));
    assertEquals(
        true,
        python.call(
            "sbtest_helpers",
            "evaluate_with",
            "value == {frozenset({1, 2}): {frozenset({3}), frozenset()}}",
            keyed));

    // The second 01:30 of the night New York leaves daylight saving time.
    String later = "datetime.datetime(2021, 11, 7, 1, 30, fold=1)";
    PyDateTime folded = (PyDateTime) evaluate(later);
    assertEquals(PyDateTime.of(LocalDateTime.of(2021, 11, 7, 1, 30), 1), folded);
    assertEquals(1L, python.call("sbtest_helpers", "evaluate_with", "value.fold", folded));
    PyDateTime awareFolded =
        (PyDateTime)
            evaluate(
                later.replace(
                    "fold=1", "tzinfo=datetime.timezone(datetime.timedelta(hours=-5)), fold=1"));
    assertEquals(ZoneOffset.ofHours(-5), awareFolded.offset());
    assertEquals(awareFolded, echo(awareFolded));
    assertEquals(PyTime.of(LocalTime.of(1, 30), 1), echo(evaluate("datetime.time(1, 30, fold=1)")));
    assertEquals(LocalDateTime.of(2021, 11, 7, 1, 30), evaluate(later.replace("fold=1", "fold=0")));

    for (String text : List.of("Infinity", "-Infinity", "NaN", "-sNaN12")) {
      PyNonFiniteDecimal special = (PyNonFiniteDecimal) evaluate("decimal.Decimal('" + text + "')");
      assertEquals(text, special.toString());
      assertEquals(special, echo(special));
      assertEquals(text, python.call("sbtest_helpers", "evaluate_with", "str(value)", special));
    }
  }

  @Test
  void aResultWithNoMappingComesBackAsAReferenceAndTheWorkerStays() {
    long before = (Long) python.call("sbtest_helpers", "pid");
    PyRef object = (PyRef) python.call("builtins", "object");
    assertEquals("builtins.object", object.typeName());
    assertEquals("builtins", object.module());
    assertEquals(before, python.call("sbtest_helpers", "pid"), "the same worker serves on");
  }

  @Test
  void argumentsWithNoMappingFailBeforeAnythingIsSent() {
    ConversionException e =
        assertThrows(
            ConversionException.class,
            () ->
                python.call(
                    "sbtest_helpers",
                    "echo",
                    List.of(Map.of("key", new Object())),
                    CallOptions.defaults()));
    assertEquals("java.lang.Object", e.javaType());
    assertEquals("args[0][\"key\"]", e.path());
  }

  @Test
  void largeResultsOfChangingSizesArriveWholeOneAfterAnother() {
    // Replies of 1 MiB and more are read into a recycled array (FrameReader): a shorter reply in
    // a longer array, then a longer one, must each arrive exactly.
    int[] sizes = {3 << 20, (1 << 20) + 1, 2 << 20, 5 << 20, 3 << 20};
    for (int n = 0; n < sizes.length; n++) {
      byte[] sent = new byte[sizes[n]];
      for (int i = 0; i < sent.length; i++) {
        sent[i] = (byte) (i * 7 + n);
      }
      assertArrayEquals(
          sent,
          (byte[]) python.call("sbtest_helpers", "echo", sent),
          "reply " + n + " of " + sizes[n] + " bytes");
    }
  }

  @Test
  void limitsAreEnforcedOnBothSides() {
    try (SnakeBridgeRuntime small =
        ItEnvironment.runtime("small-limits")
            .poolSize(1)
            .maxFrameBytes(64 * 1024)
            .maxNestingDepth(20)
            .build()) {
      long pid = (Long) small.call("sbtest_helpers", "pid");
      ConversionException tooLarge =
          assertThrows(
              ConversionException.class, () -> small.call("sbtest_helpers", "big_bytes", 100_000));
      assertTrue(tooLarge.getMessage().contains("too large"), tooLarge.getMessage());
      assertThrows(
          ConversionException.class,
          () -> small.call("sbtest_helpers", "echo", (Object) new byte[100_000]));
      Object deep = List.of();
      for (int i = 0; i < 30; i++) {
        deep = List.of(deep);
      }
      Object tooDeep = deep;
      assertThrows(ConversionException.class, () -> small.call("sbtest_helpers", "echo", tooDeep));
      assertEquals(pid, small.call("sbtest_helpers", "pid"), "no worker was lost");
    }
  }

  @Test
  void aCyclicResultIsAConversionErrorAndTheWorkerStays() {
    try (SnakeBridgeRuntime one = ItEnvironment.runtime("cyclic").poolSize(1).build()) {
      long pid = (Long) one.call("sbtest_helpers", "pid");
      ConversionException e =
          assertThrows(ConversionException.class, () -> one.call("sbtest_helpers", "cyclic_list"));
      assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
      assertEquals(pid, one.call("sbtest_helpers", "pid"), "no worker was lost");
    }
  }

  @Test
  void aResultNestedDeeperThanTheLimitIsRefusedByTheWorker() {
    // WIRE-PROTOCOL.md 3.5: refused either by the worker's encoder or by the Java reader; in both
    // cases only this call fails.
    try (SnakeBridgeRuntime small =
        ItEnvironment.runtime("shallow").poolSize(1).maxNestingDepth(20).build()) {
      long pid = (Long) small.call("sbtest_helpers", "pid");
      assertThrows(
          ConversionException.class,
          () -> small.call("sbtest_helpers", "evaluate", "[".repeat(30) + "]".repeat(30)));
      assertEquals(pid, small.call("sbtest_helpers", "pid"), "no worker was lost");
    }
  }
}
