package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyTuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.junit.jupiter.api.Test;

/** Expected texts are what CPython 3.11 prints for the same values. */
class PythonTextTest {
  @Test
  void aStringResultPrintsAsIsButIsQuotedInsideContainers() {
    assertEquals("hello world", PythonText.str("hello world"));
    assertEquals("['hello', \"it's\"]", PythonText.str(List.of("hello", "it's")));
  }

  @Test
  void scalars() {
    assertEquals("4.0", PythonText.str(4.0));
    assertEquals("None", PythonText.str(null));
    assertEquals("True", PythonText.str(true));
    assertEquals("False", PythonText.str(false));
    assertEquals("-7", PythonText.str(-7L));
    assertEquals(
        "123456789012345678901234567890",
        PythonText.str(new BigInteger("123456789012345678901234567890")));
    assertEquals("nan", PythonText.str(Double.NaN));
    assertEquals("1e+16", PythonText.str(1e16));
  }

  @Test
  void stringQuotingAndEscapes() {
    assertEquals("\"it's\"", PythonText.repr("it's"));
    assertEquals("'say \"hi\"'", PythonText.repr("say \"hi\""));
    assertEquals("'both \\' \"'", PythonText.repr("both ' \""));
    assertEquals(
        "'tab\\tnl\\n\\x00\\x7f\\xa0é\\u2028😀\\ud800'",
        PythonText.repr("tab\tnl\n\u0000\u007f\u00a0é\u2028😀\ud800"));
    assertEquals("'back\\\\slash'", PythonText.repr("back\\slash"));
  }

  @Test
  void bytes() {
    assertEquals(
        "b'it\\'s\\x00\\xff\"'",
        PythonText.str(new byte[] {'i', 't', '\'', 's', 0, (byte) 0xff, '"'}));
    assertEquals("b\"it's\"", PythonText.repr("it's".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("b''", PythonText.repr(new byte[0]));
    assertEquals("b'\\t\\n\\r\\\\'", PythonText.repr(new byte[] {'\t', '\n', '\r', '\\'}));
  }

  @Test
  void containers() {
    Map<Object, Object> dict = new LinkedHashMap<>();
    dict.put(1L, "a");
    dict.put(PyTuple.of(1L, 2L), null);
    dict.put("k", List.of(true, false));
    assertEquals("{1: 'a', (1, 2): None, 'k': [True, False]}", PythonText.str(dict));
    assertEquals("{}", PythonText.str(Map.of()));
    assertEquals("[]", PythonText.str(List.of()));
    assertEquals("[1, [2.5, None]]", PythonText.str(List.of(1L, Arrays.asList(2.5, null))));
  }

  @Test
  void tuplesAndSets() {
    assertEquals("(1,)", PythonText.str(PyTuple.of(1L)));
    assertEquals("()", PythonText.str(PyTuple.of()));
    assertEquals("(1, 'a')", PythonText.str(PyTuple.of(1L, "a")));
    assertEquals("set()", PythonText.str(Set.of()));
    assertEquals("{1, 2}", PythonText.str(new LinkedHashSet<>(List.of(1L, 2L))));
  }

  @Test
  void complexNumbersDropDotZeroLikePython() {
    assertEquals(
        "[(1+2j), 2j, (1.5-0j), (-0+1j), 0j, (1e+16+infj)]",
        PythonText.str(
            List.of(
                new PyComplex(1, 2),
                new PyComplex(0, 2),
                new PyComplex(1.5, -0.0),
                new PyComplex(-0.0, 1),
                new PyComplex(0, 0),
                new PyComplex(1e16, Double.POSITIVE_INFINITY))));
  }

  @Test
  void datesPrintWithStrAtTopLevelAndReprInsideContainers() {
    OffsetDateTime aware =
        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6_000, ZoneOffset.ofHoursMinutes(5, 30));
    assertEquals("2024-01-02 03:04:05.000006+05:30", PythonText.str(aware));
    assertEquals("2024-01-02 00:00:00", PythonText.str(LocalDateTime.of(2024, 1, 2, 0, 0)));
    assertEquals("2024-01-02", PythonText.str(LocalDate.of(2024, 1, 2)));
    assertEquals(
        "03:04:05-08:00", PythonText.str(OffsetTime.of(3, 4, 5, 0, ZoneOffset.ofHours(-8))));
    assertEquals(
        "2 days, 1:01:01.000005",
        PythonText.str(Duration.ofDays(2).plusSeconds(3661).plusNanos(5_000)));
    assertEquals("-1 day, 23:59:59", PythonText.str(Duration.ofSeconds(-1)));
    assertEquals("1 day, 0:00:00", PythonText.str(Duration.ofDays(1)));

    List<Object> values = new ArrayList<>();
    values.add(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));
    values.add(LocalDateTime.of(2024, 1, 2, 0, 0));
    values.add(LocalDateTime.of(2024, 1, 2, 3, 4, 0, 7_000));
    values.add(LocalDate.of(2024, 1, 2));
    values.add(LocalTime.of(3, 4));
    values.add(LocalTime.of(3, 4, 5, 6_000));
    values.add(Duration.ofSeconds(-1));
    values.add(Duration.ZERO);
    values.add(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(-8)));
    assertEquals(
        "[datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), "
            + "datetime.datetime(2024, 1, 2, 0, 0), datetime.datetime(2024, 1, 2, 3, 4, 0, 7), "
            + "datetime.date(2024, 1, 2), datetime.time(3, 4), datetime.time(3, 4, 5, 6), "
            + "datetime.timedelta(days=-1, seconds=86399), datetime.timedelta(0), "
            + "datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone("
            + "datetime.timedelta(days=-1, seconds=57600)))]",
        PythonText.str(values));
  }

  @Test
  void decimalAndUuid() {
    UUID uuid = UUID.fromString("12345678-1234-5678-1234-567812345678");
    assertEquals("1E+3", PythonText.str(new BigDecimal("1E+3")));
    assertEquals("12345678-1234-5678-1234-567812345678", PythonText.str(uuid));
    assertEquals(
        "[Decimal('1.10'), UUID('12345678-1234-5678-1234-567812345678')]",
        PythonText.str(List.of(new BigDecimal("1.10"), uuid)));
  }

  @Test
  void arraysShowShapeElementsAndDtype() {
    assertEquals(
        "array([1.0, 2.5, nan], dtype=float64)",
        PythonText.str(NdArray.of(new double[] {1, 2.5, Double.NaN}, 3)));
    assertEquals(
        "array([[1, 2, 3], [4, 5, 6]], dtype=int64)",
        PythonText.str(NdArray.of(new long[] {1, 2, 3, 4, 5, 6}, 2, 3)));
    assertEquals(
        "array([True, False], dtype=bool)",
        PythonText.str(NdArray.of(new boolean[] {true, false}, 2)));
    assertEquals(
        "array([255, 1], dtype=uint8)",
        PythonText.str(NdArray.of("uint8", new byte[] {(byte) 0xff, 1}, 2)));
    assertEquals("array([0.1], dtype=float32)", PythonText.str(NdArray.of(new float[] {0.1f}, 1)));
    assertEquals("array(7, dtype=int64)", PythonText.str(NdArray.of(new long[] {7}, new long[0])));
  }

  @Test
  void largeArraysAreSummarisedPerAxis() {
    long[] data = new long[2000];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    assertEquals(
        "array([0, 1, 2, ..., 1997, 1998, 1999], dtype=int64)",
        PythonText.str(NdArray.of(data, 2000)));
    assertEquals(
        "array([[0, 1, 2, ..., 97, 98, 99], [100, 101, 102, ..., 197, 198, 199], "
            + "[200, 201, 202, ..., 297, 298, 299], ..., "
            + "[1700, 1701, 1702, ..., 1797, 1798, 1799], [1800, 1801, 1802, ..., 1897, 1898, 1899], "
            + "[1900, 1901, 1902, ..., 1997, 1998, 1999]], dtype=int64)",
        PythonText.str(NdArray.of(data, 20, 100)));
  }
}
