package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {
  @Test
  void integersAreLongsUntilTheyOverflow() {
    assertEquals(16L, JsonReader.parse("16"));
    assertEquals(-5L, JsonReader.parse("-5"));
    assertEquals(0L, JsonReader.parse("0"));
    assertEquals(Long.MAX_VALUE, JsonReader.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, JsonReader.parse("-9223372036854775808"));
    assertEquals(new BigInteger("9223372036854775808"), JsonReader.parse("9223372036854775808"));
    assertEquals(
        new BigInteger("-123456789012345678901234567890"),
        JsonReader.parse("-123456789012345678901234567890"));
  }

  @Test
  void fractionsAndExponentsAreDoubles() {
    assertEquals(2.675, JsonReader.parse("2.675"));
    assertEquals(-0.5, JsonReader.parse("-0.5"));
    assertEquals(1e16, JsonReader.parse("1e16"));
    assertEquals(1.5e-5, JsonReader.parse("1.5E-05"));
    assertEquals(100.0, JsonReader.parse("1e+2"));
  }

  @Test
  void literalsAndWhitespace() {
    assertEquals(true, JsonReader.parse("true"));
    assertEquals(false, JsonReader.parse(" false\n"));
    assertEquals(null, JsonReader.parse("\tnull "));
  }

  @Test
  void objectsKeepTheirOrderAndArraysNest() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("z", 1L);
    expected.put("a", Arrays.asList(true, null, List.of(2.5)));
    expected.put("m", Map.of());
    Object parsed = JsonReader.parse("{\"z\": 1, \"a\": [true, null, [2.5]], \"m\": {}}");
    assertEquals(expected, parsed);
    assertEquals(List.of("z", "a", "m"), List.copyOf(((Map<?, ?>) parsed).keySet()));
    assertEquals(List.of(), JsonReader.parse("[ ]"));
  }

  @Test
  void stringEscapes() {
    assertEquals("a\"b\\c/d\b\f\n\r\t", JsonReader.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\""));
    assertEquals("é€", JsonReader.parse("\"\\u00e9\\u20AC\""));
    assertEquals("😀", JsonReader.parse("\"\\ud83d\\ude00\""));
    assertEquals("\ud800", JsonReader.parse("\"\\ud800\""));
    assertEquals("", JsonReader.parse("\"\""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "hello",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1 2",
        "[1,]",
        "[1",
        "{\"a\" 1}",
        "{a: 1}",
        "{\"a\":1,}",
        "\"abc",
        "\"\\x\"",
        "\"\\u12\"",
        "\"tab\there\"",
        "tru",
        "nul",
        "NaN",
        "Infinity",
        "'a'",
        "[1] x"
      })
  void rejectsWhatIsNotOneJsonValue(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(text));
    assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
    assertTrue(JsonReader.parse(ok) instanceof List);
    String deep = "[".repeat(JsonReader.MAX_DEPTH + 2) + "]".repeat(JsonReader.MAX_DEPTH + 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(deep));
    assertTrue(e.getMessage().contains("nested deeper than 1000"), e.getMessage());
  }
}
