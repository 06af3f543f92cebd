package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Sections.encode;
import static io.snakebridge.internal.codec.Sections.hex;
import static io.snakebridge.internal.codec.Sections.pickleOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.ConversionException;
import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyFrozenSet;
import io.snakebridge.PyNonFiniteDecimal;
import io.snakebridge.PyNone;
import io.snakebridge.PyTuple;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The writer's exact bytes for the simple cases, and every way it refuses a value. */
class ValueWriterTest {
  private static final String[] CALL_NAMES = {null, null, null, null, "args", "kwargs"};

  @Test
  void integersUseTheSameOpcodesAsCPython() {
    // Bytes from CPython 3.11: pickle.dumps(x, protocol=5) for each value.
    assertEquals("80054b002e", hex(pickleOf(encode(0L))));
    assertEquals("80054bff2e", hex(pickleOf(encode(255L))));
    assertEquals("80054d00012e", hex(pickleOf(encode(256L))));
    assertEquals("80054dffff2e", hex(pickleOf(encode(65535L))));
    assertEquals("80054a000001002e", hex(pickleOf(encode(65536L))));
    assertEquals("80054affffffff2e", hex(pickleOf(encode(-1L))));
    assertEquals("80058a050000008000" + "2e", hex(pickleOf(encode(1L << 31))));
    assertEquals("80058a050000000080" + "2e", hex(pickleOf(encode(-(1L << 39)))));
    assertEquals("80058a080000000000000080" + "2e", hex(pickleOf(encode(Long.MIN_VALUE))));
    assertEquals(
        "80058a09000000000000000001" + "2e", hex(pickleOf(encode(BigInteger.ONE.shiftLeft(64)))));
  }

  @Test
  void scalarsAndContainers() {
    assertEquals("80054e2e", hex(pickleOf(encode(null))));
    assertEquals("8005882e", hex(pickleOf(encode(true))));
    assertEquals("800547bff80000000000002e", hex(pickleOf(encode(-1.5))));
    assertEquals("80058c02c3a92e", hex(pickleOf(encode("é"))));
    assertEquals("80058c03eda0802e", hex(pickleOf(encode("\uD800"))), "surrogatepass");
    assertEquals("80058c04f09f98802e", hex(pickleOf(encode("😀"))));
    assertEquals("8005430200ff2e", hex(pickleOf(encode(new byte[] {0, -1}))));
    assertEquals("80055d2e", hex(pickleOf(encode(List.of()))));
    assertEquals("80055d284b01652e", hex(pickleOf(encode(List.of(1)))));
    assertEquals("8005292e", hex(pickleOf(encode(PyTuple.of()))));
    assertEquals("80054b014b02862e", hex(pickleOf(encode(PyTuple.of(1, 2)))));
    assertEquals("8005284b014b024b034b04742e", hex(pickleOf(encode(PyTuple.of(1, 2, 3, 4)))));
    assertEquals("80057d288c01614b01752e", hex(pickleOf(encode(Map.of("a", 1)))));
    assertEquals("80058f284b0190" + "2e", hex(pickleOf(encode(Set.of(1)))));
  }

  @Test
  void callTupleBytes() {
    EncodedValue encoded =
        Sections.WRITER.encodeTuple(
            new Object[] {"call", null, "math", "sqrt", List.of(16), Map.of()}, CALL_NAMES);
    byte[] body = Sections.bytes(encoded);
    assertEquals(64, body.length);
    assertEquals("0000001e" + "00000000", hex(body).substring(0, 16), "pickleLength, bufferCount");
    assertEquals(
        "8005288c0463616c6c4e8c046d6174688c0473717274" + "5d284b1065" + "7d" + "74" + "2e",
        hex(pickleOf(body)));
  }

  @Test
  void refusesAnUnmappableObjectWithItsPath() {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("ok", 1);
    dict.put("key", new Object());
    ConversionException e =
        assertThrows(
            ConversionException.class,
            () ->
                Sections.WRITER.encodeTuple(
                    new Object[] {"call", null, "m", "f", List.of("first", dict), Map.of()},
                    CALL_NAMES));
    assertEquals("args[1][\"key\"]", e.path());
    assertEquals("java.lang.Object", e.javaType());
    assertEquals(null, e.pythonType());
    assertTrue(
        e.getMessage().contains("java.lang.Object") && e.getMessage().contains("args[1][\"key\"]"),
        e.getMessage());
  }

  @Test
  void refusesTypesWithoutAMapping() {
    enum Color {
      RED
    }
    Iterable<Integer> iterable = List.of(1)::iterator;
    for (Object value :
        List.of(
            Optional.empty(),
            Color.RED,
            new AtomicInteger(),
            new ArrayDeque<>(),
            iterable,
            new StringBuilder("x"),
            TimeUnit.SECONDS,
            new Thread())) {
      ConversionException e = assertThrows(ConversionException.class, () -> encode(value));
      assertEquals(value.getClass().getTypeName(), e.javaType());
      assertEquals("value", e.path());
    }
  }

  @Test
  void internalTupleItemsAreNamedByIndex() {
    ConversionException e =
        assertThrows(
            ConversionException.class,
            () -> Sections.WRITER.encodeTuple(new Object[] {"call", new Object()}, null));
    assertEquals("[1]", e.path());
  }

  @Test
  void refusesAListAsMapKey() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("fine", 1);
    map.put(new ArrayList<>(List.of(1)), 2);
    ConversionException e =
        assertThrows(
            ConversionException.class,
            () ->
                Sections.WRITER.encodeTuple(
                    new Object[] {List.of(), map}, new String[] {"args", "kwargs"}));
    assertEquals("kwargs<key 1>", e.path());
    assertEquals("java.util.ArrayList", e.javaType());
    assertTrue(e.getMessage().contains("unhashable"), e.getMessage());
  }

  @Test
  void refusesUnhashableKeysAndElementsAtAnyDepth() {
    assertEquals("value<key 0>[1]", refusal(Map.of(PyTuple.of(1, List.of()), 1)).path());
    assertEquals("value<key 0>", refusal(Map.of(Map.of(), 1)).path());
    assertEquals("value<key 0>", refusal(Map.of(new int[0], 1)).path());
    assertEquals("value<key 0>", refusal(Map.of(NdArray.of(new int[] {1}, 1), 1)).path());
    assertEquals("value[0]<element 0>", refusal(List.of(Set.of(Set.of()))).path());
    assertEquals("value<element 0>[0]", refusal(Set.of(PyTuple.of(List.of()))).path());
    // Hashable keys of any kind pass, and a tuple key does not make its siblings' values keys.
    encode(Map.of(PyTuple.of(1, "a", new byte[0], PyTuple.of()), List.of(List.of())));
  }

  @Test
  void aFrozenSetIsHashableButItsElementsMustBeToo() {
    // MARK, the elements, FROZENSET: as CPython writes a frozenset (Java never writes a memo).
    assertEquals(
        "8005" + "28" + "4b01" + "4b02" + "91" + "2e", hex(pickleOf(encode(PyFrozenSet.of(1, 2)))));
    assertEquals("8005" + "28" + "91" + "2e", hex(pickleOf(encode(PyFrozenSet.of()))));
    encode(Map.of(PyFrozenSet.of(PyFrozenSet.of(1)), Set.of(PyFrozenSet.of())));
    assertEquals("value<element 0>", refusal(PyFrozenSet.of(List.of())).path());
    assertEquals("value<key 0><element 0>", refusal(Map.of(PyFrozenSet.of(Set.of()), 1)).path());
    ConversionException plainSet = refusal(Map.of(Set.of(1), 1));
    assertTrue(plainSet.getMessage().contains("PyFrozenSet"), plainSet.getMessage());
  }

  @Test
  void aSignallingNanDecimalIsNoKey() {
    encode(Map.of(PyNonFiniteDecimal.NAN, 1));
    ConversionException e = refusal(Set.of(PyNonFiniteDecimal.parse("sNaN")));
    assertEquals("value<element 0>", e.path());
    assertTrue(e.getMessage().contains("signalling"), e.getMessage());
  }

  @Test
  void refusesTooDeepNesting() {
    Object value = 1;
    for (int i = 0; i < 1001; i++) {
      value = List.of(value);
    }
    ConversionException e = refusal(value);
    assertTrue(e.getMessage().contains("1000"), e.getMessage());
    assertEquals("value" + "[0]".repeat(1000), e.path());
    ValueWriter shallow = new ValueWriter(new CodecLimits(3, CodecLimits.DEFAULT.maxFrameBytes()));
    shallow.encode(List.of(PyTuple.of(Map.of("k", 1))), "v");
    assertEquals(
        "v[0][0][\"k\"]",
        assertThrows(
                ConversionException.class,
                () -> shallow.encode(List.of(PyTuple.of(Map.of("k", new int[] {1}))), "v"))
            .path());
    // Empty containers count: the reader counts them too.
    assertEquals(
        "v[0][0][0]",
        assertThrows(
                ConversionException.class,
                () -> shallow.encode(List.of(List.of((Object) new Object[] {List.of()})), "v"))
            .path());
    assertEquals(
        "v[0][0][\"k\"]",
        assertThrows(
                ConversionException.class,
                () -> shallow.encode(List.of(PyTuple.of(Map.of("k", PyTuple.of()))), "v"))
            .path());
  }

  @Test
  void refusesSubMicrosecondTimes() {
    assertTrue(refusal(List.of(LocalTime.of(1, 2, 3, 1))).getMessage().contains("sub-microsecond"));
    assertEquals("value[0]", refusal(List.of(LocalTime.of(1, 2, 3, 1))).path());
    assertEquals("java.time.Duration", refusal(Duration.ofNanos(1_500)).javaType());
    assertEquals(
        "value[\"at\"]", refusal(Map.of("at", LocalDateTime.of(2024, 1, 1, 0, 0, 0, 999))).path());
    refusal(Instant.ofEpochSecond(0, 1));
    refusal(OffsetTime.of(0, 0, 0, 10, ZoneOffset.UTC));
  }

  @Test
  void refusesValuesOutsidePythonsRanges() {
    refusal(LocalDate.of(0, 1, 1));
    refusal(LocalDate.of(10_000, 1, 1));
    refusal(Instant.MAX);
    refusal(Instant.parse("0000-12-31T23:59:59Z"));
    refusal(Duration.ofDays(1_000_000_000));
    refusal(Duration.ofDays(-1_000_000_000));
    encode(Instant.parse("0001-01-01T00:00:00Z"));
    encode(Instant.parse("9999-12-31T23:59:59.999999Z"));
  }

  @Test
  void refusesBodiesOverTheFrameLimit() {
    ValueWriter small = new ValueWriter(new CodecLimits(100, 1_024));
    String[] names = {"args", "kwargs"};
    ConversionException bytes =
        assertThrows(
            ConversionException.class,
            () -> small.encodeTuple(new Object[] {List.of(new byte[2_000]), Map.of()}, names));
    assertEquals("args[0]", bytes.path());
    assertEquals("byte[]", bytes.javaType());
    assertTrue(bytes.getMessage().contains("1012"), bytes.getMessage());
    ConversionException text =
        assertThrows(
            ConversionException.class, () -> small.encode(Map.of("k", "é".repeat(600)), "v"));
    assertEquals("v[\"k\"]", text.path());
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      many.add(i);
    }
    assertThrows(ConversionException.class, () -> small.encode(many, "v"));
    ConversionException array =
        assertThrows(
            ConversionException.class,
            () -> small.encode(List.of(NdArray.of(new double[200], 200)), "v"));
    assertEquals("v[0]", array.path());
    assertEquals("io.snakebridge.NdArray", array.javaType());
  }

  @Test
  void aBodyExactlyAtTheLimitIsAccepted() {
    ValueWriter small = new ValueWriter(new CodecLimits(100, 1_036));
    // 8 header + PROTO(2) + BINBYTES(5) + n + STOP(1) = 1,024 with n = 1,008: no padding needed.
    assertEquals(1_024, Sections.bytes(small.encode(new byte[1_008], "v")).length);
    assertThrows(ConversionException.class, () -> small.encode(new byte[1_009], "v"));
  }

  @Test
  void namesMustMatchItems() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Sections.WRITER.encodeTuple(new Object[] {1}, new String[] {"a", "b"}));
  }

  @Test
  void refusesKeysThatAreOneKeyInPython() {
    List<List<Object>> clashes =
        List.of(
            List.of(1, 1L),
            List.of(1L, 1.0),
            List.of(1.0, true),
            List.of(0.0, -0.0),
            List.of(new byte[] {1, 2}, new byte[] {1, 2}),
            List.of(new BigDecimal("1.0"), new BigDecimal("1.00")),
            List.of(new BigDecimal("0.5"), 0.5f),
            List.of(BigInteger.TWO.pow(70), new BigDecimal(BigInteger.TWO.pow(70)).setScale(3)),
            List.of(
                OffsetDateTime.of(2020, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2020, 1, 1, 13, 0, 0, 0, ZoneOffset.ofHours(1))),
            List.of(
                OffsetTime.of(12, 0, 0, 0, ZoneOffset.UTC),
                OffsetTime.of(13, 0, 0, 0, ZoneOffset.ofHours(1))),
            List.of(PyTuple.of(1, "a"), PyTuple.of(1.0, 'a')),
            List.of(new PyComplex(2, 0), 2L),
            Arrays.asList(null, PyNone.NONE));
    for (List<Object> clash : clashes) {
      Map<Object, Object> map = new LinkedHashMap<>();
      map.put("first", 0);
      map.put(clash.get(0), 1);
      map.put(clash.get(1), 2);
      ConversionException e =
          assertThrows(
              ConversionException.class,
              () ->
                  Sections.WRITER.encodeTuple(
                      new Object[] {List.of(map), Map.of()}, new String[] {"args", "kwargs"}),
              clash::toString);
      assertEquals("args[0]", e.path());
      assertTrue(e.getMessage().contains("distinct in Java but equal in Python"), e.getMessage());
      Set<Object> set = new java.util.LinkedHashSet<>(clash);
      assertEquals("value", refusal(set).path(), clash::toString);
    }
    Map<Object, Object> distinct = new LinkedHashMap<>();
    for (Object key :
        List.of(
            1L,
            1.5,
            "1",
            new byte[] {1},
            new byte[] {2},
            Double.NaN,
            Float.NaN,
            new BigDecimal("1.01"),
            LocalDateTime.of(2020, 1, 1, 12, 0),
            OffsetDateTime.of(2020, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC),
            PyTuple.of(1, 2),
            new PyComplex(1, 1))) {
      distinct.put(key, key);
    }
    encode(distinct);
  }

  @Test
  void aCollectionChangedDuringEncodingIsAConversionException() {
    for (List<Object> list :
        List.<List<Object>>of(new ArrayList<>(), new java.util.LinkedList<>())) {
      Runnable function = () -> {};
      list.add(function);
      list.add("x");
      LiveObjects growing =
          new LiveObjects() {
            @Override
            public long writeCallback(Object value) {
              list.add("added meanwhile"); // as another thread could
              return 1;
            }
          };
      ConversionException e =
          assertThrows(
              ConversionException.class,
              () ->
                  new ValueWriter(CodecLimits.DEFAULT).encode(Map.of("k", list), "args", growing));
      assertTrue(e.getMessage().contains("modified while it was being encoded"), e.getMessage());
      assertEquals(list.getClass().getTypeName(), e.javaType());
      assertEquals("args[\"k\"]", e.path());
    }
  }

  private static ConversionException refusal(Object value) {
    return assertThrows(ConversionException.class, () -> encode(value));
  }
}
