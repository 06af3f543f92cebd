package io.snakebridge.internal.codec;

import static io.snakebridge.internal.codec.Opcodes.*;
import static io.snakebridge.internal.codec.Sections.decode;
import static io.snakebridge.internal.codec.Sections.unhex;
import static io.snakebridge.internal.codec.ValueAssertions.assertValue;
import static io.snakebridge.internal.codec.ValueAssertions.frozen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.NdArray;
import io.snakebridge.PyTuple;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the reader accepts beyond the Java writer's output, and everything it must refuse. */
class ValueReaderTest {

  // ---- CPython's own output (pickle.dumps(value, protocol=5), CPython 3.11) -------------------

  @Test
  void sharedObjectsDecodeToTheSameJavaObject() {
    // s = [1, 2]; [s, s, (s,)]: MEMOIZE, BINGET, FRAME
    List<?> value =
        (List<?>) decodePickle("80059513000000000000005d94285d94284b014b026568016801" + "8594652e");
    assertValue(
        RoundTripTest.list(
            RoundTripTest.list(1L, 2L),
            RoundTripTest.list(1L, 2L),
            PyTuple.of(RoundTripTest.list(1L, 2L))),
        value);
    assertSame(value.get(0), value.get(1));
    assertSame(value.get(0), ((PyTuple) value.get(2)).get(0));
  }

  @Test
  void cpythonSingleItemOpcodes() {
    assertValue(
        new byte[] {'a', 'b'},
        decodePickle("8005950d0000000000000096020000000000000061" + "62942e"));
    assertValue(frozen(Set.of(1L)), decodePickle("8005950600000000000000284b0191942e"));
    assertValue(
        RoundTripTest.linkedMap("a", 1L),
        decodePickle("8005950a000000000000007d948c0161" + "944b01732e"));
    assertValue(RoundTripTest.list(1L), decodePickle("80059506000000000000005d944b01612e"));
    List<?> strings = (List<?>) decodePickle("8005950c000000000000005d94288c027879946801652e");
    assertSame(strings.get(0), strings.get(1));
  }

  @Test
  void cpythonSbwValueWithMemoizedGlobal() {
    byte[] body =
        unhex(
            "00000038000000008005952d000000000000008c03736277948c086461746574696d6594"
                + "9394284de8074b024b1d4b174b3b4b3b4b014d584d4b00749452942e");
    assertValue(
        OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 1_000, ZoneOffset.ofHoursMinutes(5, 30)),
        decode(body));
  }

  @Test
  void cpythonArraysShareTheirMemoizedGlobalAndDtype() {
    byte[] body =
        unhex(
            "0000004a00000002000000000000001000000000000000108005953f000000000000005d94288c0373627794"
                + "8c076e6461727261799493948c07666c6f61743634944b028594978794529468038c07666c6f61743634944b"
                + "0285949787945294652e00000000000000000000000000000000000000000000000000000000000000000000"
                + "0000f83f00000000000004400000000000000000000000000000000000000000000000000000000000000000"
                + "00000000000000000000000000000000000000000000f83f0000000000000440");
    NdArray expected = NdArray.of(new double[] {1.5, 2.5}, 2);
    assertValue(RoundTripTest.list(expected, expected), decode(body));
  }

  @Test
  void readonlyBufferAndUnpaddedSections() {
    byte[] pickle =
        PickleBytes.proto()
            .global("sbw", "ndarray")
            .str("int8")
            .int1(2)
            .op(TUPLE1)
            .op(NEXT_BUFFER, READONLY_BUFFER, TUPLE3, REDUCE)
            .stop()
            .pickle();
    assertValue(
        NdArray.of(new byte[] {1, 2}, 2), decode(PickleBytes.sectionOf(pickle, new byte[] {1, 2})));
    byte[] noPadding = unhex("00000004000000008005" + "4e2e");
    assertEquals(null, decode(noPadding), "a section without buffers may end after its pickle");
  }

  @Test
  void popAndPopMark() {
    // PROTO, 2, 1, POP, MARK, 3, 4, POP_MARK, STOP
    assertValue(2L, decodePickle("80054b024b0130" + "284b034b0431" + "2e"));
  }

  @Test
  void otherLengthForms() {
    assertValue(
        "ab",
        decode(PickleBytes.proto().op(BINUNICODE8).u64(2).raw("ab".getBytes()).stop().section()));
    assertValue(
        new byte[] {7}, decode(PickleBytes.proto().op(BINBYTES8).u64(1).op(7).stop().section()));
    assertValue(
        new byte[] {7}, decode(PickleBytes.proto().op(BINBYTES).u32(1).op(7).stop().section()));
    assertValue(
        BigInteger.ONE.shiftLeft(64),
        decode(
            PickleBytes.proto().op(LONG4).u32(9).op(0, 0, 0, 0, 0, 0, 0, 0, 1).stop().section()));
    assertValue(
        5L,
        decode(PickleBytes.proto().op(LONG1, 9, 5, 0, 0, 0, 0, 0, 0, 0, 0).stop().section()),
        "a 9-byte form of a small number is still a Long");
    assertValue(0L, decode(PickleBytes.proto().op(LONG1, 0).stop().section()));
    assertValue(-1L, decode(PickleBytes.proto().op(LONG1, 1, 0xff).stop().section()));
    assertValue(
        "x", decode(PickleBytes.empty().op(PROTO, 4).op(FRAME).u64(3).str("x").stop().section()));
  }

  // ---- refusals ----------------------------------------------------------------------------

  @Test
  void unknownOpcodes() {
    assertRefused(PickleBytes.proto().op(0xff).stop(), "unknown opcode 0xff");
    assertRefused(PickleBytes.proto().op('c').raw("os\nsystem\n".getBytes()).stop(), "0x63");
    assertRefused(PickleBytes.proto().op(0x81).stop(), "not allowed"); // NEWOBJ
    assertRefused(PickleBytes.proto().op('I').raw("1\n".getBytes()).stop(), "not allowed");
  }

  @Test
  void unknownGlobals() {
    assertRefused(PickleBytes.proto().global("os", "system").stop(), "os.system");
    assertRefused(PickleBytes.proto().global("sbw", "eval").stop(), "sbw.eval");
    assertRefused(PickleBytes.proto().int1(1).str("x").op(STACK_GLOBAL).stop(), "<Long>.x");
  }

  @Test
  void reduceOfANonSbwCallable() {
    assertRefused(
        PickleBytes.proto().str("print").str("hi").op(TUPLE1, REDUCE).stop(), "REDUCE of a String");
    assertRefused(
        PickleBytes.proto().global("sbw", "date").int1(1).op(REDUCE).stop(), "not a tuple");
    assertRefused(
        PickleBytes.proto().global("sbw", "date").int1(1).op(TUPLE1, REDUCE).stop(),
        "takes 3 arguments");
    assertRefused(
        PickleBytes.proto().global("sbw", "complex").int1(1).int1(2).op(TUPLE2, REDUCE).stop(),
        "must be a Double");
  }

  @Test
  void memoIndexNeverSet() {
    assertRefused(
        PickleBytes.proto().op(NONE, MEMOIZE, BINGET, 1).stop(), "memo index 1 was never set");
    assertRefused(PickleBytes.proto().op(LONG_BINGET).u32(70_000).stop(), "never set");
    assertRefused(PickleBytes.proto().op(NONE, LONG_BINPUT).u32(1L << 31).stop(), "out of range");
  }

  @Test
  void stackUnderflow() {
    assertRefused(PickleBytes.proto().op(APPENDS).stop(), "no MARK");
    assertRefused(PickleBytes.proto().int1(1).op(TUPLE2).stop(), "underflow");
    assertRefused(PickleBytes.proto().stop(), "empty stack");
    assertRefused(PickleBytes.proto().op(POP).op(NONE).stop(), "underflow");
    assertRefused(PickleBytes.proto().op(EMPTY_LIST, MARK, APPEND).stop(), "underflow");
    assertRefused(PickleBytes.proto().op(MARK, EMPTY_LIST, APPEND).stop(), "underflow");
    assertRefused(
        PickleBytes.proto().op(MARK).int1(1).op(MEMOIZE).op(MARK, MEMOIZE).stop(),
        "nothing to memoize");
    assertRefused(PickleBytes.proto().op(NONE, NONE).stop(), "2 objects");
    assertRefused(PickleBytes.proto().op(MARK, NONE).stop(), "unclosed MARK");
  }

  @Test
  void trailingBytesAfterStop() {
    assertRefused(PickleBytes.proto().op(NONE).stop().op(NONE), "1 trailing bytes after STOP");
  }

  @Test
  void truncatedInput() {
    assertRefused(PickleBytes.proto().op(NONE), "without STOP");
    assertRefused(PickleBytes.proto().op(BINUNICODE).u32(1000).raw("abc".getBytes()), "truncated");
    assertRefused(PickleBytes.proto().op(BINFLOAT, 0, 0), "truncated");
    assertRefused(PickleBytes.proto().op(BINBYTES8).u64(1L << 62).stop(), "truncated");
    assertRefused(PickleBytes.proto().op(BINBYTES8).u64(-1L).stop(), "larger than any input");
    assertRefused(PickleBytes.proto().op(LONG4).u32(-5L).stop(), "negative");
    assertRefused(PickleBytes.proto().op(FRAME).u64(1000).op(NONE).stop(), "FRAME");
  }

  @Test
  void malformedSections() {
    assertSectionRefused(new byte[7], "shorter than its 8-byte header");
    assertSectionRefused(unhex("000000ff00000000" + "80054e2e"), "runs past the end");
    assertSectionRefused(unhex("0000000400010001" + "80054e2e"), "above the maximum");
    assertSectionRefused(unhex("0000000400000001" + "80054e2e"), "too short");
    assertSectionRefused(unhex("00000004000000000080054e2e"), "parts end");
    byte[] padded = PickleBytes.proto().op(NONE).stop().section();
    padded[20] = 1;
    assertSectionRefused(padded, "padding byte 20 is not zero");
    byte[] extra = java.util.Arrays.copyOf(PickleBytes.proto().op(NONE).stop().section(), 128);
    assertSectionRefused(extra, "parts end");
  }

  @Test
  void bufferCountAndLengthMismatches() {
    PickleBytes array =
        PickleBytes.proto()
            .global("sbw", "ndarray")
            .str("int16")
            .int1(2)
            .op(TUPLE1, NEXT_BUFFER, TUPLE3, REDUCE)
            .stop();
    assertValue(
        NdArray.of(new short[] {1, -1}, 2), decode(array.section(new byte[] {1, 0, -1, -1})));
    assertSectionRefused(
        array.section(new byte[] {1, 0, -1}), "does not match buffer 0 of 3 bytes");
    assertSectionRefused(array.section(), "NEXT_BUFFER number 1 but the section has only 0");
    assertSectionRefused(
        array.section(new byte[4], new byte[0]), "has 2 buffers but the pickle used 1");
    assertSectionRefused(
        PickleBytes.proto()
            .global("sbw", "ndarray")
            .str("complex128")
            .op(EMPTY_TUPLE, NEXT_BUFFER, TUPLE3, REDUCE)
            .stop()
            .section(new byte[16]),
        "unsupported dtype");
    assertSectionRefused(
        PickleBytes.proto().op(NEXT_BUFFER).stop().section(new byte[1]),
        "out-of-band buffer 0 cannot be the result");
    assertSectionRefused(
        PickleBytes.proto().op(EMPTY_LIST, NEXT_BUFFER, APPEND).stop().section(new byte[1]),
        "cannot be a list element");
    assertSectionRefused(
        PickleBytes.proto().op(EMPTY_LIST, NEXT_BUFFER, TUPLE1, APPEND).stop().section(new byte[1]),
        "argument tuple");
  }

  @Test
  void nestingDeeperThanTheLimit() {
    ValueReader shallow = new ValueReader(new CodecLimits(3, CodecLimits.DEFAULT.maxFrameBytes()));
    byte[] three =
        PickleBytes.proto()
            .op(EMPTY_LIST, EMPTY_LIST, EMPTY_TUPLE, APPEND, APPEND)
            .stop()
            .section();
    assertValue(
        RoundTripTest.list(RoundTripTest.list(PyTuple.of())),
        shallow.decode(three, 0, three.length));
    byte[] four =
        PickleBytes.proto()
            .op(EMPTY_LIST, EMPTY_LIST, EMPTY_LIST, EMPTY_TUPLE, TUPLE1, APPEND, APPEND)
            .stop()
            .section();
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> shallow.decode(four, 0, four.length));
    assertTrue(e.getMessage().contains("deeper than the limit of 3"), e.getMessage());
    PickleBytes deep = PickleBytes.proto();
    for (int i = 0; i < 1001; i++) {
      deep.op(EMPTY_LIST);
    }
    for (int i = 0; i < 1000; i++) {
      deep.op(APPEND);
    }
    assertRefused(deep.stop(), "deeper than the limit of 1000");
  }

  @Test
  void sharingThatHidesDepthOrMakesCycles() {
    // A list filled after it was memoized, then fetched again under more levels.
    ValueReader shallow = new ValueReader(new CodecLimits(3, CodecLimits.DEFAULT.maxFrameBytes()));
    byte[] body =
        PickleBytes.proto()
            .op(EMPTY_LIST, MEMOIZE, EMPTY_LIST, EMPTY_LIST, APPEND, APPEND)
            .op(POP, EMPTY_LIST, EMPTY_LIST, BINGET, 0, APPEND, APPEND)
            .stop()
            .section();
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> shallow.decode(body, 0, body.length));
    assertTrue(e.getMessage().contains("deeper than the limit of 3"), e.getMessage());
    // CPython: a = []; a.append(a)
    assertRefused(
        PickleBytes.empty().raw(unhex("80059506000000000000005d946800612e")), "contains itself");
    // CPython: t = ([],); t[0].append(t)
    assertRefused(
        PickleBytes.empty().raw(unhex("8005950b000000000000005d9468008594613068012e")),
        "contains itself");
  }

  @Test
  void unhashableKeysAndElements() {
    assertRefused(
        PickleBytes.proto().op(EMPTY_DICT, EMPTY_LIST, NONE, SETITEM).stop(),
        "unhashable ArrayList");
    assertRefused(
        PickleBytes.proto().op(EMPTY_SET, MARK, EMPTY_LIST, TUPLE1, ADDITEMS).stop(), "unhashable");
    assertRefused(PickleBytes.proto().op(MARK, EMPTY_DICT, FROZENSET).stop(), "unhashable");
    assertRefused(
        PickleBytes.proto().op(EMPTY_DICT, BYTEARRAY8).u64(0).op(NONE, SETITEM).stop(),
        "unhashable");
    assertValue(
        RoundTripTest.linkedMap(PyTuple.of(frozen(Set.of())), null),
        decode(
            PickleBytes.proto()
                .op(EMPTY_DICT, MARK, FROZENSET, TUPLE1, NONE, SETITEM)
                .stop()
                .section()));
  }

  @Test
  void sbwArgumentsAreCheckedStrictly() {
    assertRefused(
        sbw("date").int1(200).int1(2).int1(30).op(TUPLE3, REDUCE).stop(), "no valid value");
    assertRefused(
        sbw("timedelta").int1(0).op(BININT).u32(86_400).int1(0).op(TUPLE3, REDUCE).stop(),
        "not normalised");
    assertRefused(sbw("uuid").op(SHORT_BINBYTES, 1, 0, TUPLE1, REDUCE).stop(), "16 bytes");
    assertRefused(sbw("decimal").str("NaN?").op(TUPLE1, REDUCE).stop(), "no valid value");
    assertRefused(
        sbw("time")
            .op(MARK)
            .int1(1)
            .int1(2)
            .int1(3)
            .int1(0)
            .op(BININT)
            .u32(86_400)
            .int1(0)
            .op(TUPLE, REDUCE)
            .stop(),
        "no valid value");
    assertRefused(
        sbw("time")
            .op(MARK)
            .int1(1)
            .int1(2)
            .int1(3)
            .int1(0)
            .op(NONE)
            .int1(2)
            .op(TUPLE, REDUCE)
            .stop(),
        "fold");
    assertSectionRefused(
        sbw("ndarray")
            .str("int8")
            .op(MARK)
            .int1(1)
            .op(BININT)
            .u32(-1)
            .op(TUPLE)
            .op(NEXT_BUFFER, TUPLE3, REDUCE)
            .stop()
            .section(new byte[0]),
        "non-negative");
  }

  @Test
  void valuesPythonHoldsButJavaCannotAreUnrepresentableNotMalformed() {
    PickleBytes farEast =
        sbw("datetime")
            .op(MARK)
            .op(BININT2, 0xe4, 0x07)
            .int1(1)
            .int1(1)
            .int1(0)
            .int1(0)
            .int1(0)
            .int1(0)
            .op(BININT)
            .u32(23 * 3600)
            .int1(0)
            .op(TUPLE, REDUCE)
            .stop();
    assertUnrepresentable(farEast, "beyond ±18:00");
    assertUnrepresentable(
        sbw("decimal").str("1E+999999999999").op(TUPLE1, REDUCE).stop(),
        "beyond what Java's BigDecimal holds");
    assertUnrepresentable(
        sbw("decimal").str("1E-3000000000").op(TUPLE1, REDUCE).stop(),
        "beyond what Java's BigDecimal holds");
    String digits = "1".repeat(CodecLimits.DEFAULT_MAX_DECIMAL_DIGITS + 1);
    assertUnrepresentable(
        sbw("decimal")
            .op(BINUNICODE)
            .u32(digits.length())
            .raw(digits.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .op(TUPLE1, REDUCE)
            .stop(),
        "more than " + CodecLimits.DEFAULT_MAX_DECIMAL_DIGITS + " digits");
    assertEquals(
        new java.math.BigDecimal("1E+2147483647"),
        decode(sbw("decimal").str("1E+2147483647").op(TUPLE1, REDUCE).stop().section()));
  }

  @Test
  void keysDistinctInPythonButEqualInJavaAreUnrepresentable() {
    PickleBytes twoNaNKeys =
        PickleBytes.proto()
            .op(EMPTY_DICT, MARK, BINFLOAT)
            .op(0x7f, 0xf8, 0, 0, 0, 0, 0, 0)
            .int1(1)
            .op(BINFLOAT)
            .op(0x7f, 0xf8, 0, 0, 0, 0, 0, 1)
            .int1(2)
            .op(SETITEMS)
            .stop();
    assertUnrepresentable(twoNaNKeys, "two dict keys are distinct in Python but equal in Java");
    PickleBytes twoNaNElements =
        PickleBytes.proto()
            .op(MARK, BINFLOAT)
            .op(0x7f, 0xf8, 0, 0, 0, 0, 0, 0)
            .op(BINFLOAT)
            .op(0x7f, 0xf8, 0, 0, 0, 0, 0, 0)
            .op(FROZENSET)
            .stop();
    assertUnrepresentable(twoNaNElements, "two set elements");
  }

  @Test
  void decodingGivesUpOnceTheClockReadsTheDeadline() {
    List<Object> big = new java.util.ArrayList<>();
    for (long i = 0; i < 100_000; i++) {
      big.add(i);
    }
    byte[] section = Sections.encode(big);
    long[] now = {0};
    java.util.function.LongSupplier clock = () -> now[0] += 1_000; // a microsecond per reading
    Object whole =
        Sections.READER.decode(section, 0, section.length, LiveObjects.NONE, clock, Long.MAX_VALUE);
    assertEquals(big, whole);
    now[0] = 0;
    DecodingTimedOutException e =
        assertThrows(
            DecodingTimedOutException.class,
            () ->
                Sections.READER.decode(section, 0, section.length, LiveObjects.NONE, clock, 3_000));
    assertTrue(e.getMessage().contains("bytes read"), e.getMessage());
    assertEquals(3_000, now[0], "gave up at the third reading, long before the end");
  }

  private static void assertUnrepresentable(PickleBytes pickle, String messagePart) {
    WireFormatException e = assertThrows(WireFormatException.class, () -> decode(pickle.section()));
    assertTrue(e.unrepresentableValue(), e::getMessage);
    assertTrue(
        e.getMessage().contains(messagePart),
        () -> "'" + e.getMessage() + "' lacks '" + messagePart + "'");
  }

  private static PickleBytes sbw(String name) {
    return PickleBytes.proto().global("sbw", name);
  }

  private static Object decodePickle(String hex) {
    return decode(PickleBytes.sectionOf(unhex(hex)));
  }

  private static void assertRefused(PickleBytes pickle, String messagePart) {
    assertSectionRefused(pickle.section(), messagePart);
  }

  private static void assertSectionRefused(byte[] section, String messagePart) {
    WireFormatException e = assertThrows(WireFormatException.class, () -> decode(section));
    assertTrue(
        e.getMessage().contains(messagePart),
        () -> "'" + e.getMessage() + "' lacks '" + messagePart + "'");
  }
}
