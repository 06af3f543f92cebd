package io.snakebridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.cli.CommandLine.Command;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandLineTest {
  private static CommandLine parse(String... argv) throws UsageException {
    return CommandLine.parse(List.of(argv));
  }

  private static String usageError(String... argv) {
    return assertThrows(UsageException.class, () -> parse(argv)).getMessage();
  }

  @Test
  void callWithJsonArguments() throws UsageException {
    CommandLine line = parse("call", "math", "sqrt", "16");
    assertEquals(Command.CALL, line.command());
    assertEquals("math", line.module());
    assertEquals("sqrt", line.member());
    assertEquals(List.of(16L), line.args());
    assertEquals(Map.of(), line.kwargs());
    assertFalse(line.json());
    assertNull(line.timeout());
    assertNull(line.python());
  }

  @Test
  void eachArgumentIsJsonWhereItParsesElseAString() throws UsageException {
    CommandLine line =
        parse(
            "call",
            "m",
            "f",
            "2.675",
            "-5",
            "hello",
            "\"16\"",
            "[1,\"a\"]",
            "{\"k\":true}",
            "null",
            "99999999999999999999",
            "",
            "1,2");
    assertEquals(
        Arrays.asList(
            2.675,
            -5L,
            "hello",
            "16",
            List.of(1L, "a"),
            Map.of("k", true),
            null,
            new BigInteger("99999999999999999999"),
            "",
            "1,2"),
        line.args());
  }

  @Test
  void keywordsInOrderAndOptionsAnywhere() throws UsageException {
    CommandLine line =
        parse(
            "call",
            "--json",
            "builtins",
            "round",
            "--kw",
            "ndigits=2",
            "2.675",
            "--kw=label=a=b",
            "--timeout",
            "5s",
            "--python=/usr/bin/python3",
            "--path",
            "lib");
    assertEquals(List.of(2.675), line.args());
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("ndigits", 2L);
    kwargs.put("label", "a=b");
    assertEquals(kwargs, line.kwargs());
    assertEquals(List.of("ndigits", "label"), List.copyOf(line.kwargs().keySet()));
    assertTrue(line.json());
    assertEquals(Duration.ofSeconds(5), line.timeout());
    assertEquals("/usr/bin/python3", line.python());
    assertEquals(List.of(Path.of("lib")), line.pythonPath());
  }

  @Test
  void doubleDashMakesEverythingAfterItAnArgument() throws UsageException {
    CommandLine line = parse("call", "m", "f", "--", "--json", "--kw");
    assertEquals(List.of("--json", "--kw"), line.args());
    assertFalse(line.json());
  }

  @Test
  void attrAndDoctor() throws UsageException {
    CommandLine attr = parse("attr", "sys", "version_info.major", "--json");
    assertEquals(Command.ATTR, attr.command());
    assertEquals("sys", attr.module());
    assertEquals("version_info.major", attr.member());
    assertTrue(attr.json());

    CommandLine doctor = parse("doctor", "--python", "python3.12");
    assertEquals(Command.DOCTOR, doctor.command());
    assertEquals("python3.12", doctor.python());
  }

  @Test
  void stats() throws UsageException {
    CommandLine stats = parse("stats", "--size", "3", "--json");
    assertEquals(Command.STATS, stats.command());
    assertEquals(3, stats.size());
    assertTrue(stats.json());
    assertEquals(1, parse("stats").size());
    assertEquals(
        "--size must be a whole number from 1 to 64, got '0'", usageError("stats", "--size", "0"));
    assertEquals(
        "--size must be a whole number from 1 to 64, got 'many'",
        usageError("stats", "--size=many"));
    assertEquals("stats takes no arguments, got 'x'", usageError("stats", "x"));
    assertEquals("unknown option '--size' for 'call'", usageError("call", "m", "f", "--size", "2"));
  }

  @Test
  void helpAndVersionSpellings() throws UsageException {
    for (String word : List.of("help", "--help", "-h")) {
      assertEquals(Command.HELP, parse(word).command());
    }
    for (String word : List.of("version", "--version", "-V")) {
      assertEquals(Command.VERSION, parse(word).command());
    }
    assertEquals(Command.HELP, parse("call", "math", "--help").command());
  }

  @Test
  void usageErrors() {
    assertEquals("no command given", usageError());
    assertEquals("unknown command 'run'", usageError("run", "x"));
    assertEquals("call needs <module> <function> [args...]", usageError("call", "math"));
    assertEquals("attr needs exactly <module> <attr>", usageError("attr", "sys"));
    assertEquals("attr needs exactly <module> <attr>", usageError("attr", "sys", "path", "extra"));
    assertEquals("doctor takes no arguments, got 'x'", usageError("doctor", "x"));
    assertEquals(
        "unknown option '--kw' for 'attr'", usageError("attr", "sys", "path", "--kw", "a=1"));
    assertEquals("unknown option '--jsn' for 'call'", usageError("call", "m", "f", "--jsn"));
    assertEquals("--kw needs a value", usageError("call", "m", "f", "--kw"));
    assertEquals(
        "--kw needs name=value, got 'ndigits'", usageError("call", "m", "f", "--kw", "ndigits"));
    assertEquals("--kw needs name=value, got '=2'", usageError("call", "m", "f", "--kw", "=2"));
    assertEquals("--kw a given twice", usageError("call", "m", "f", "--kw", "a=1", "--kw", "a=2"));
    assertEquals("--json takes no value", usageError("call", "m", "f", "--json=yes"));
    assertEquals("--python needs a non-empty value", usageError("doctor", "--python="));
    assertEquals("module and function names must not be empty", usageError("call", "", "f"));
  }

  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "5s, PT5S",
    "1.5s, PT1.5S",
    "2m, PT2M",
    "1h, PT1H",
    "250us, PT0.00025S",
    "10ns, PT0.00000001S",
    "PT3S, PT3S",
  })
  void durations(String text, String iso) throws UsageException {
    assertEquals(Duration.parse(iso), CommandLine.duration(text));
  }

  @Test
  void badDurations() {
    assertEquals(
        "--timeout must be positive, got '0s'", usageError("call", "m", "f", "--timeout", "0s"));
    assertEquals(
        "--timeout '5' is not a duration like 500ms, 5s, 2m or PT5S",
        usageError("call", "m", "f", "--timeout", "5"));
    assertEquals(
        "--timeout 'soon' is not a duration like 500ms, 5s, 2m or PT5S",
        usageError("call", "m", "f", "--timeout=soon"));
    assertEquals(
        "--timeout must be positive, got 'PT-1S'", usageError("call", "m", "f", "--timeout=PT-1S"));
  }
}
