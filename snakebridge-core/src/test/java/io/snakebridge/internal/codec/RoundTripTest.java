package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Sections.decode;
import static io.snakebridge.internal.codec.Sections.encode;
import static io.snakebridge.internal.codec.Sections.roundTrip;
import static io.snakebridge.internal.codec.ValueAssertions.assertValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyDateTime;
import io.snakebridge.PyFrozenSet;
import io.snakebridge.PyNonFiniteDecimal;
import io.snakebridge.PyTime;
import io.snakebridge.PyTuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Java → value section → Java for every row of the Values table, with the exact result types. */
class RoundTripTest {

  @Test
  void noneAndBooleans() {
    assertValue(null, roundTrip(null));
    assertValue(true, roundTrip(true));
    assertValue(false, roundTrip(Boolean.FALSE));
  }

  @Test
  void integersBecomeLongs() {
    assertValue(7L, roundTrip((byte) 7));
    assertValue(-128L, roundTrip(Byte.MIN_VALUE));
    assertValue(-32768L, roundTrip(Short.MIN_VALUE));
    assertValue(2147483647L, roundTrip(Integer.MAX_VALUE));
    assertValue(-2147483648L, roundTrip(Integer.MIN_VALUE));
    for (long value :
        new long[] {
          0,
          1,
          255,
          256,
          65535,
          65536,
          -1,
          -255,
          -256,
          1L << 31,
          -(1L << 31) - 1,
          1L << 39,
          -(1L << 39),
          1L << 55,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          Long.MAX_VALUE - 1,
          Long.MIN_VALUE + 1
        }) {
      assertValue(value, roundTrip(value));
    }
  }

  @Test
  void bigIntegersBeyond64BitsStayBig() {
    BigInteger twoTo64 = BigInteger.ONE.shiftLeft(64);
    for (BigInteger value :
        List.of(
            twoTo64,
            twoTo64.negate(),
            BigInteger.ONE.shiftLeft(63),
            BigInteger.ONE.shiftLeft(63).negate().subtract(BigInteger.ONE),
            new BigInteger("123456789012345678901234567890"),
            new BigInteger("-123456789012345678901234567890"),
            BigInteger.ONE.shiftLeft(2100).subtract(BigInteger.ONE),
            BigInteger.ONE.shiftLeft(2100).negate())) {
      assertValue(value, roundTrip(value));
    }
  }

  @Test
  void bigIntegersWithin64BitsComeBackAsLong() {
    assertValue(Long.MIN_VALUE, roundTrip(BigInteger.valueOf(Long.MIN_VALUE)));
    assertValue(42L, roundTrip(BigInteger.valueOf(42)));
  }

  @Test
  void floatsKeepTheirBits() {
    double payloadNan = Double.longBitsToDouble(0x7ff8_0000_0000_0001L);
    double negativeNan = Double.longBitsToDouble(0xfff8_0000_0000_0000L);
    for (double value :
        new double[] {
          0.0,
          -0.0,
          1.5,
          Double.NaN,
          payloadNan,
          negativeNan,
          Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY,
          Double.MIN_VALUE,
          Double.MAX_VALUE,
          Math.PI
        }) {
      assertValue(value, roundTrip(value));
    }
    assertValue(0.1f + 0.0, roundTrip(0.1f));
    assertValue(-0.0, roundTrip(-0.0f));
  }

  @Test
  void complexNumbers() {
    assertValue(new PyComplex(1.0, -2.5), roundTrip(new PyComplex(1.0, -2.5)));
    PyComplex odd = new PyComplex(-0.0, Double.longBitsToDouble(0x7ff8_0000_0000_0002L));
    PyComplex back = (PyComplex) roundTrip(odd);
    assertEquals(Double.doubleToRawLongBits(odd.real()), Double.doubleToRawLongBits(back.real()));
    assertEquals(Double.doubleToRawLongBits(odd.imag()), Double.doubleToRawLongBits(back.imag()));
  }

  @Test
  void strings() {
    for (String value :
        List.of(
            "",
            "a",
            "héllo",
            "€ and 😀",
            "x".repeat(85),
            "é".repeat(85),
            "€".repeat(85),
            "x".repeat(86),
            "€".repeat(10_000),
            "ascii".repeat(20_000),
            "nul\0inside",
            "\uFFFF\uFFFE")) {
      assertValue(value, roundTrip(value));
    }
    assertValue("c", roundTrip('c'));
    assertValue("😀", roundTrip("😀"));
  }

  @Test
  void loneSurrogatesSurvive() {
    for (String value :
        List.of(
            "\uD800",
            "\uDFFF",
            "a\uD83Db",
            "\uDE00\uD83D",
            "x\uDC00",
            "\uD800".repeat(100) + "tail",
            "😀\uD800😀".repeat(50),
            "\uD83D")) {
      assertValue(value, roundTrip(value));
    }
    assertValue("\uDC00", roundTrip('\uDC00'));
  }

  @Test
  void bytes() {
    for (int length : new int[] {0, 1, 255, 256, 70_000}) {
      byte[] value = new byte[length];
      Arrays.fill(value, (byte) 0xA5);
      assertValue(value, roundTrip(value));
    }
  }

  @Test
  void listsOfEveryKindBecomeArrayLists() {
    List<Object> expected = new ArrayList<>(List.of(1L, "two", 3.0));
    assertValue(expected, roundTrip(List.of(1, "two", 3.0)));
    assertValue(expected, roundTrip(new LinkedList<>(List.of(1L, "two", 3.0))));
    assertValue(expected, roundTrip(Collections.unmodifiableList(expected)));
    assertValue(new ArrayList<>(), roundTrip(List.of()));
    assertValue(list(null, null), roundTrip(Arrays.asList(null, null)));
  }

  @Test
  void javaArraysBecomeLists() {
    assertValue(list("a", null), roundTrip(new String[] {"a", null}));
    assertValue(list(1L, -2L, 300L), roundTrip(new int[] {1, -2, 300}));
    assertValue(list(Long.MIN_VALUE), roundTrip(new long[] {Long.MIN_VALUE}));
    assertValue(list(-3L), roundTrip(new short[] {-3}));
    assertValue(list(1.5, -0.0), roundTrip(new double[] {1.5, -0.0}));
    assertValue(list(0.5), roundTrip(new float[] {0.5f}));
    assertValue(list(true, false), roundTrip(new boolean[] {true, false}));
    assertValue(list("a", "\uD800"), roundTrip(new char[] {'a', '\uD800'}));
    assertValue(list(list(1L), list()), roundTrip(new int[][] {{1}, {}}));
    assertValue(list(), roundTrip(new double[0]));
  }

  @Test
  void tuples() {
    assertValue(PyTuple.of(), roundTrip(PyTuple.of()));
    assertValue(PyTuple.of(1L), roundTrip(PyTuple.of(1)));
    assertValue(PyTuple.of(1L, 2L, 3L), roundTrip(PyTuple.of(1, 2, 3)));
    assertValue(PyTuple.of(1L, 2L, 3L, 4L, null), roundTrip(PyTuple.of(1, 2, 3, 4, null)));
    assertValue(
        PyTuple.of(PyTuple.of(), list(PyTuple.of("x"))),
        roundTrip(PyTuple.of(PyTuple.of(), List.of(PyTuple.of("x")))));
  }

  @Test
  void mapsKeepInsertionOrderAndKeyTypes() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(3L, "three");
    map.put(PyTuple.of(1L, 2L), "tuple");
    map.put("b", null);
    map.put(null, 1L);
    map.put(1L, list(1L));
    map.put(PyTuple.of(PyTuple.of("nested")), 2.5);
    assertValue(map, roundTrip(map));
  }

  @Test
  void bytesKeysStayBytes() {
    Map<?, ?> back = (Map<?, ?>) roundTrip(Map.of(new byte[] {1, 2}, "b"));
    Map.Entry<?, ?> entry = back.entrySet().iterator().next();
    assertValue(new byte[] {1, 2}, entry.getKey());
    assertValue("b", entry.getValue());
  }

  @Test
  void anyMapBecomesLinkedHashMapInIterationOrder() {
    TreeMap<String, Integer> sorted = new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3));
    assertValue(linkedMap("a", 1L, "b", 2L, "c", 3L), roundTrip(sorted));
    Map<Integer, Integer> hashed = new HashMap<>(Map.of(1, 1, 2, 2));
    assertValue(linkedMap(1L, 1L, 2L, 2L), roundTrip(hashed));
    assertValue(new LinkedHashMap<>(), roundTrip(Map.of()));
  }

  @Test
  void sets() {
    assertValue(
        new LinkedHashSet<>(List.of(1L, "a", PyTuple.of(2L))),
        roundTrip(Set.of(1, "a", PyTuple.of(2))));
    assertValue(new LinkedHashSet<>(), roundTrip(Set.of()));
    LinkedHashSet<Object> ordered = new LinkedHashSet<>(List.of(5L, 1L, 3L));
    assertEquals(List.of(5L, 1L, 3L), new ArrayList<>((Set<?>) roundTrip(ordered)));
  }

  @Test
  void frozenSetsStayFrozenAndServeAsKeysAndElements() {
    PyFrozenSet pair = PyFrozenSet.of(2, "b");
    assertValue(PyFrozenSet.of(2L, "b"), roundTrip(pair));
    assertValue(PyFrozenSet.of(), roundTrip(PyFrozenSet.of()));
    Map<Object, Object> byMembers = new LinkedHashMap<>();
    byMembers.put(PyFrozenSet.of(1L, 2L), new LinkedHashSet<>(List.of(PyFrozenSet.of(3L))));
    byMembers.put(PyTuple.of(PyFrozenSet.of()), PyFrozenSet.of(PyFrozenSet.of(4L)));
    Map<?, ?> back = (Map<?, ?>) roundTrip(byMembers);
    assertValue(byMembers, back);
    assertEquals(Set.of(PyTuple.of(Set.of()), Set.of(1L, 2L)), back.keySet(), "equal as any Set");
  }

  @Test
  void aFoldOfOneIsKept() {
    LocalDateTime wall = LocalDateTime.of(2021, 11, 7, 1, 30);
    for (Object folded :
        List.of(
            PyDateTime.of(wall, 1),
            PyDateTime.of(wall.atOffset(ZoneOffset.ofHours(-5)), 1),
            PyTime.of(LocalTime.of(1, 30, 0, 5_000), 1),
            PyTime.of(OffsetTime.of(1, 30, 0, 0, ZoneOffset.UTC), 1))) {
      assertValue(folded, roundTrip(folded));
    }
    // A fold of 0 is what the java.time types mean: they come back as such.
    assertValue(wall, roundTrip(PyDateTime.of(wall, 0)));
    assertValue(LocalTime.of(1, 30), roundTrip(PyTime.of(LocalTime.of(1, 30), 0)));
  }

  @Test
  void dateTimes() {
    OffsetDateTime aware =
        OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 1_000, ZoneOffset.ofHoursMinutes(5, 30));
    assertValue(aware, roundTrip(aware));
    OffsetDateTime oddOffset =
        OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(-17, -59, -59));
    assertValue(oddOffset, roundTrip(oddOffset));
    LocalDateTime naive = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);
    assertValue(naive, roundTrip(naive));
    ZonedDateTime zoned = ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris"));
    assertValue(zoned.toOffsetDateTime(), roundTrip(zoned));
    Instant instant = Instant.ofEpochSecond(1_700_000_000L, 123_456_000);
    assertValue(instant.atOffset(ZoneOffset.UTC), roundTrip(instant));
  }

  @Test
  void datesTimesAndDurations() {
    assertValue(LocalDate.of(2024, 2, 29), roundTrip(LocalDate.of(2024, 2, 29)));
    assertValue(LocalDate.of(1, 1, 1), roundTrip(LocalDate.of(1, 1, 1)));
    assertValue(
        LocalTime.of(12, 30, 0, 500_000_000), roundTrip(LocalTime.of(12, 30, 0, 500_000_000)));
    assertValue(LocalTime.MIDNIGHT, roundTrip(LocalTime.MIDNIGHT));
    OffsetTime offsetTime = OffsetTime.of(1, 2, 3, 4_000, ZoneOffset.ofHours(-3));
    assertValue(offsetTime, roundTrip(offsetTime));
    for (Duration duration :
        List.of(
            Duration.ZERO,
            Duration.ofSeconds(-1, 1_000),
            Duration.ofDays(-3).minusNanos(1_000),
            Duration.ofDays(999_999_999).plusSeconds(86_399),
            Duration.ofDays(-999_999_999),
            Duration.ofMillis(1),
            Duration.ofSeconds(86_400))) {
      assertValue(duration, roundTrip(duration));
    }
  }

  @Test
  void decimalsAndUuids() {
    for (String text :
        List.of("-1.50", "0", "1E+3", "0E-7", "123456789012345678901234567890.5", "-0.000001")) {
      assertValue(new BigDecimal(text), roundTrip(new BigDecimal(text)));
    }
    for (String text : List.of("Infinity", "-Infinity", "NaN", "-NaN", "sNaN", "-sNaN42")) {
      assertValue(PyNonFiniteDecimal.parse(text), roundTrip(PyNonFiniteDecimal.parse(text)));
    }
    UUID uuid = UUID.fromString("12345678-9abc-def0-fedc-ba9876543210");
    assertValue(uuid, roundTrip(uuid));
    assertValue(new UUID(-1, 0), roundTrip(new UUID(-1, 0)));
  }

  @Test
  void ndArraysOfEveryDtype() {
    List<NdArray> arrays =
        List.of(
            NdArray.of(new double[] {1, -0.0, Double.NaN, 4, 5, 6}, 2, 3),
            NdArray.of(new float[] {1.5f, -2f}, 2),
            NdArray.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 2, 1),
            NdArray.of("uint64", new long[] {-1L}, 1),
            NdArray.of(new int[] {1, -1, 3}, 3),
            NdArray.of("uint32", new int[] {-1}, 1),
            NdArray.of(new short[] {1, 2, 3, 4, 5}, 1, 1, 1, 5),
            NdArray.of("uint16", new short[] {-1}, 1),
            NdArray.of(new byte[] {-128, 127}, 2),
            NdArray.of("uint8", new byte[] {0, -1}, 2),
            NdArray.of(new boolean[] {true, false, true}, 3),
            NdArray.of(new double[] {42}, new long[0]),
            NdArray.of(new int[0], 0, 5));
    for (NdArray array : arrays) {
      assertValue(array, roundTrip(array));
    }
    List<?> all = (List<?>) roundTrip(arrays);
    for (int i = 0; i < arrays.size(); i++) {
      assertValue(arrays.get(i), all.get(i), "arrays[" + i + "]");
    }
  }

  @Test
  void largeNdArrayTravelsOutOfBandAligned() {
    double[] data = new double[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.25;
    }
    NdArray array = NdArray.of(data, 600, 500);
    byte[] body = encode(List.of("x", array, array));
    assertEquals(2, ByteBuffer.wrap(body).getInt(4), "two buffers");
    int pickleEnd = 8 + 16 + ByteBuffer.wrap(body).getInt(0);
    int firstBuffer = (pickleEnd + 63) / 64 * 64;
    assertEquals(
        0.25,
        ByteBuffer.wrap(body, firstBuffer + 8, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble(),
        "element 1, little-endian");
    List<?> back = (List<?>) decode(body);
    assertValue(array, back.get(1));
    assertValue(array, back.get(2));
  }

  @Test
  void nestedContainers() {
    Object value = List.of(Map.of("k", List.of(PyTuple.of(Set.of(), Map.of()), new int[0])));
    assertValue(
        list(
            linkedMap("k", list(PyTuple.of(new LinkedHashSet<>(), new LinkedHashMap<>()), list()))),
        roundTrip(value));
  }

  @Test
  void nestingUpToTheLimitRoundTrips() {
    Object value = "leaf";
    for (int i = 0; i < CodecLimits.DEFAULT.maxDepth(); i++) {
      value = i % 2 == 0 ? List.of(value) : PyTuple.of(value);
    }
    Object back = roundTrip(value);
    for (int i = 0; i < CodecLimits.DEFAULT.maxDepth(); i++) {
      back = ((List<?>) back).get(0);
    }
    assertEquals("leaf", back);
  }

  @Test
  void callTupleDecodesToNamedParts() {
    Object[] call = {"call", null, "math", "sqrt", List.of(16), Map.of()};
    byte[] body =
        Sections.bytes(
            Sections.WRITER.encodeTuple(
                call, new String[] {null, null, null, null, "args", "kwargs"}));
    PyTuple back = assertInstanceOf(PyTuple.class, decode(body));
    assertValue(PyTuple.of("call", null, "math", "sqrt", list(16L), new LinkedHashMap<>()), back);
    assertEquals(0, body.length % 64, "the pickle is padded to 64 bytes");
  }

  @Test
  void encodedValueWritesTheSameBytesEveryTime() {
    EncodedValue encoded =
        Sections.WRITER.encode(
            List.of(new byte[100_000], "x".repeat(70_000), NdArray.of(new long[] {1, 2}, 2)),
            "value");
    byte[] first = Sections.bytes(encoded);
    assertEquals(Sections.hex(first), Sections.hex(Sections.bytes(encoded)));
    assertSame(decode(first).getClass(), ArrayList.class);
  }

  @Test
  void sharedWriterAndReaderServeManyThreads() throws Exception {
    Object value =
        List.of(
            "x",
            1,
            PyTuple.of(2.5, Map.of("k", new byte[300])),
            NdArray.of(new int[] {1, 2, 3}, 3));
    String expected = Sections.hex(encode(value));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int task = 0; task < 16; task++) {
        results.add(
            pool.submit(
                () -> {
                  String hex = null;
                  for (int i = 0; i < 50; i++) {
                    byte[] body = encode(value);
                    assertValue(decode(encode(value)), decode(body));
                    hex = Sections.hex(body);
                  }
                  return hex;
                }));
      }
      for (Future<String> result : results) {
        assertEquals(expected, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static List<Object> list(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  static Map<Object, Object> linkedMap(Object... keysAndValues) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
