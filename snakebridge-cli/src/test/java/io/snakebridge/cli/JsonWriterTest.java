package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyTuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
  @Test
  void scalars() {
    assertEquals("null", JsonWriter.write(null));
    assertEquals("true", JsonWriter.write(true));
    assertEquals("42", JsonWriter.write(42L));
    assertEquals(
        "123456789012345678901234567890",
        JsonWriter.write(new BigInteger("123456789012345678901234567890")));
    assertEquals("4.0", JsonWriter.write(4.0));
    assertEquals("1e+16", JsonWriter.write(1e16));
    assertEquals("\"hi\"", JsonWriter.write("hi"));
  }

  @Test
  void nonFiniteFloatsBecomeStrings() {
    assertEquals(
        "[\"NaN\",\"Infinity\",\"-Infinity\",-0.0]",
        JsonWriter.write(
            List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0)));
  }

  @Test
  void stringsAreEscapedAndStayValidUtf8() {
    assertEquals("\"q\\\"b\\\\n\\nt\\tc\\u0001é😀\"", JsonWriter.write("q\"b\\n\nt\tc\u0001é😀"));
    assertEquals("\"lone \\ud800 surrogate\"", JsonWriter.write("lone \ud800 surrogate"));
    assertEquals("\"\\udc00x\"", JsonWriter.write("\udc00x"));
  }

  @Test
  void tuplesAndSetsAreArraysAndBytesBase64() {
    assertEquals(
        "[1,[2,\"a\"],[]]",
        JsonWriter.write(Arrays.asList(1L, PyTuple.of(2L, "a"), new LinkedHashSet<>())));
    assertEquals("\"AAH/\"", JsonWriter.write(new byte[] {0, 1, (byte) 0xff}));
  }

  @Test
  void nonStringKeysBecomeTheirJsonText() {
    Map<Object, Object> dict = new LinkedHashMap<>();
    dict.put("a", 1L);
    dict.put(2L, null);
    dict.put(PyTuple.of(1L, 2L), true);
    dict.put(null, 0L);
    dict.put(Double.NaN, 0L);
    dict.put(LocalDate.of(2024, 1, 2), 0L);
    assertEquals(
        "{\"a\":1,\"2\":null,\"[1,2]\":true,\"null\":0,\"NaN\":0,\"2024-01-02\":0}",
        JsonWriter.write(dict));
  }

  @Test
  void timesAreIsoStrings() {
    assertEquals(
        "[\"2024-01-02T03:04:05.000006+05:30\",\"2024-01-02T03:04:00\",\"2024-01-02\","
            + "\"03:04:05\",\"PT25H0.5S\"]",
        JsonWriter.write(
            List.of(
                OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6_000, ZoneOffset.ofHoursMinutes(5, 30)),
                LocalDateTime.of(2024, 1, 2, 3, 4),
                LocalDate.of(2024, 1, 2),
                LocalTime.of(3, 4, 5),
                Duration.ofHours(25).plusMillis(500))));
  }

  @Test
  void decimalUuidAndComplex() {
    assertEquals(
        "[1.10,\"12345678-1234-5678-1234-567812345678\",{\"real\":1.0,\"imag\":\"NaN\"}]",
        JsonWriter.write(
            List.of(
                new BigDecimal("1.10"),
                UUID.fromString("12345678-1234-5678-1234-567812345678"),
                new PyComplex(1, Double.NaN))));
  }

  @Test
  void arraysCarryDtypeShapeAndFlatData() {
    assertEquals(
        "{\"dtype\":\"float64\",\"shape\":[2,2],\"data\":[1.0,2.5,\"NaN\",-4.0]}",
        JsonWriter.write(NdArray.of(new double[] {1, 2.5, Double.NaN, -4}, 2, 2)));
    assertEquals(
        "{\"dtype\":\"uint64\",\"shape\":[1],\"data\":[18446744073709551615]}",
        JsonWriter.write(NdArray.of("uint64", new long[] {-1}, 1)));
    assertEquals(
        "{\"dtype\":\"bool\",\"shape\":[],\"data\":[true]}",
        JsonWriter.write(NdArray.of(new boolean[] {true}, new long[0])));
    assertEquals(
        "{\"dtype\":\"float32\",\"shape\":[2],\"data\":[0.1,\"-Infinity\"]}",
        JsonWriter.write(NdArray.of(new float[] {0.1f, Float.NEGATIVE_INFINITY}, 2)));
  }

  @Test
  void outputReadsBackWithTheReader() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("list", Arrays.asList(1L, 2.5, "x", null, false));
    value.put("nested", Map.of("k", List.of()));
    assertEquals(value, JsonReader.parse(JsonWriter.write(value)));
  }
}
