"""The value codec in process: mappings, refusals, and the decoder's strictness (§3)."""

import collections
import datetime
import decimal
import enum
import fractions
import pathlib
import pickle
import pickletools
import sys
import unittest
import uuid

import support
from snakebridge_worker import ConversionError, ProtocolError, codec, frames

numpy = support.numpy


def round_trip(value):
    return codec.decode_value_section(codec.encode_value_section(value))


def java_style(value):
    """A pickle like the Java writer's: no FRAME and no memo opcodes."""
    data = pickletools.optimize(pickle.dumps(value, 5))
    if data[2] == pickle.FRAME[0]:
        data = data[:2] + data[11:]
    return data


class Color(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Perm(enum.IntFlag):
    R = 4
    W = 2


Point = collections.namedtuple("Point", "x y")


class PlainValuesTest(unittest.TestCase):
    def test_round_trips_keep_type_and_value(self):
        values = [
            None,
            True,
            False,
            0,
            -1,
            2**200,
            -(2**64),
            1.5,
            float("-0.0"),
            float("nan"),
            "",
            "caf\u00e9 \U0001f600",
            "lone \udc80",
            b"",
            b"\x00\xff",
            bytearray(b"ab"),
            [],
            [1, [2, [3]]],
            (),
            (1,),
            (1, 2, 3, 4),
            {},
            {1: "a", (2, 3): None, "k": [1.0]},
            set(),
            {1, 2},
            frozenset({3}),
        ]
        for value in values:
            with self.subTest(repr(value)):
                self.assertTrue(support.same_value(round_trip(value), value))

    def test_plain_data_never_reaches_reducer_override(self):
        calls = []
        original = codec._reduce
        codec._reduce = lambda value, batch: calls.append(type(value)) or original(value, batch)
        try:
            codec.encode_value_section(
                [
                    None,
                    1,
                    1.5,
                    "s",
                    b"b",
                    bytearray(b"x"),
                    (1,),
                    {1: 2},
                    {3},
                    frozenset({4}),
                    [True],
                ]
            )
        finally:
            codec._reduce = original
        self.assertEqual(calls, [])

    def test_dict_order_is_kept(self):
        value = {"b": 1, "a": 2, 3: 3}
        self.assertEqual(list(round_trip(value)), ["b", "a", 3])


class MappedValuesTest(unittest.TestCase):
    def test_round_trips(self):
        offset = datetime.timezone(datetime.timedelta(hours=-3, minutes=-30))
        values = [
            complex(1.5, -2.0),
            datetime.datetime(2024, 2, 29, 23, 59, 59, 999999),
            datetime.datetime(2021, 11, 7, 1, 30, tzinfo=offset, fold=1),
            datetime.date(1, 1, 1),
            datetime.time(12, 30, 0, 500000),
            datetime.time(1, 2, 3, tzinfo=datetime.timezone.utc, fold=1),
            datetime.timedelta(days=-1, seconds=5, microseconds=6),
            decimal.Decimal("-1.50"),
            decimal.Decimal("1E+10"),
            decimal.Decimal("Infinity"),
            decimal.Decimal("-Infinity"),
            decimal.Decimal("NaN"),
            decimal.Decimal("-sNaN123"),
            uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
        ]
        for value in values:
            with self.subTest(repr(value)):
                self.assertTrue(support.same_value(round_trip(value), value))

    def test_globals_are_written_as_sbw_stack_globals(self):
        pickle_view, _ = frames.split_value_section(
            bytearray(codec.encode_value_section(decimal.Decimal("2")))
        )
        ops = [(op.name, arg) for op, arg, _ in pickletools.genops(bytes(pickle_view))]
        self.assertIn(("SHORT_BINUNICODE", "sbw"), ops)
        self.assertIn(("SHORT_BINUNICODE", "decimal"), ops)
        self.assertIn("STACK_GLOBAL", [name for name, _ in ops])
        self.assertIn("REDUCE", [name for name, _ in ops])

    def test_a_zone_crosses_as_the_offset_in_force(self):
        try:
            import zoneinfo

            zone = zoneinfo.ZoneInfo("Europe/Paris")
        except Exception:  # no zoneinfo module (3.8) or no time zone data on this machine
            self.skipTest("no IANA time zone data")
        summer = datetime.datetime(2024, 7, 1, 12, tzinfo=zone)
        back = round_trip(summer)
        self.assertEqual(back.utcoffset(), datetime.timedelta(hours=2))
        self.assertEqual(back, summer)

    def test_subclass_of_a_mapped_type_crosses_as_the_type(self):
        class Stamp(datetime.datetime):
            pass

        back = round_trip(Stamp(2020, 1, 2, 3, 4, 5))
        self.assertIs(type(back), datetime.datetime)
        self.assertEqual(back, datetime.datetime(2020, 1, 2, 3, 4, 5))


class SubclassesOfPlainTypesTest(unittest.TestCase):
    def test_cross_as_their_base_type(self):
        cases = [
            (collections.Counter("aab"), {"a": 2, "b": 1}),
            (collections.OrderedDict([("z", 1), ("a", 2)]), {"z": 1, "a": 2}),
            (collections.defaultdict(list, {"k": [1]}), {"k": [1]}),
            (Point(1, 2), (1, 2)),
            (Level.HIGH, 3),
            (Perm.R | Perm.W, 6),
            (Color.RED, "red"),
            ([Level.HIGH, {"p": Point(Color.RED, (Level.HIGH,))}], [3, {"p": ("red", (3,))}]),
        ]
        for value, expected in cases:
            with self.subTest(repr(value)):
                self.assertTrue(
                    support.same_value(round_trip(value), expected), repr(round_trip(value))
                )

    def test_encoded_exactly_like_the_plain_value(self):
        self.assertEqual(
            codec.encode_value_section(collections.OrderedDict(a=[Level.HIGH])),
            codec.encode_value_section({"a": [3]}),
        )

    def test_shared_and_recursive_structures_keep_their_shape(self):
        shared = Point(1, 2)
        back = round_trip([shared, shared])
        self.assertIs(back[0], back[1])
        loop = collections.OrderedDict()
        loop["self"] = [loop, Level.HIGH]
        back = round_trip(loop)
        self.assertIs(back["self"][0], back)


class LyingInt(int):
    def __int__(self):
        return 42

    def __index__(self):
        return 42


class RaisingInt(int):
    def __int__(self):
        raise RuntimeError("never called")


class LyingFloat(float):
    def __float__(self):
        return 9.0


class LyingBytes(bytes):
    def __bytes__(self):
        return b"EVIL"


class LyingList(list):
    def __iter__(self):
        return iter(["EVIL"])


class LyingDict(dict):
    def items(self):
        return [("EVIL", 1)]


class FoldingStr(str):
    """Distinct as keys of a subclass-keyed dict, equal once plain."""

    def __eq__(self, other):
        return str.__eq__(self, other) and type(other) is FoldingStr

    def __hash__(self):
        return hash(("folding", str(self)))


class SubclassValuesTest(unittest.TestCase):
    def test_cross_with_the_value_they_hold_not_what_their_methods_say(self):
        cases = [
            (LyingInt(7), 7),
            (RaisingInt(5), 5),
            (LyingFloat(1.5), 1.5),
            (LyingBytes(b"ok"), b"ok"),
            (LyingList([1, 2]), [1, 2]),
            (LyingDict(a=1), {"a": 1}),
            ([LyingInt(7), {LyingBytes(b"k"): LyingFloat(2.5)}], [7, {b"k": 2.5}]),
        ]
        for value, expected in cases:
            with self.subTest(type(value).__name__):
                self.assertTrue(
                    support.same_value(round_trip(value), expected), repr(round_trip(value))
                )

    def test_keys_that_become_equal_when_plain_are_refused_not_dropped(self):
        value = {"a": 1, FoldingStr("a"): 2}
        with self.assertRaises(ConversionError) as caught:
            codec.encode_value_section(value)
        self.assertIn("'a'", str(caught.exception))
        self.assertIn("would be lost", str(caught.exception))
        with self.assertRaises(ConversionError):
            codec.encode_value_section({"a", FoldingStr("a")})


class RefusedValuesTest(unittest.TestCase):
    def assert_refused(self, value, python_type, *words):
        with self.assertRaises(ConversionError) as caught:
            codec.encode_value_section(value)
        self.assertEqual(caught.exception.python_type, python_type)
        for word in (python_type, *words):
            self.assertIn(word, str(caught.exception))

    def test_values_without_a_mapping_are_named(self):
        self.assert_refused(object(), "builtins.object")
        self.assert_refused([1, {"k": fractions.Fraction(1, 3)}], "fractions.Fraction")
        path = pathlib.PurePosixPath("/tmp")
        self.assert_refused(path, codec.sbw.qualified_name(type(path)))  # moved in 3.13
        self.assert_refused(len, "builtins.builtin_function_or_method")
        self.assert_refused(int, "builtins.type")

    def test_a_user_class_is_refused_not_pickled(self):
        class Thing:
            def __reduce__(self):
                raise AssertionError("the codec must never use a value's own reduction")

        self.assert_refused(
            Thing(),
            f"{__name__}.RefusedValuesTest.test_a_user_class_is_refused_not_pickled.<locals>.Thing",
        )

    def test_values_that_cannot_cross_exactly(self):
        odd = datetime.timezone(datetime.timedelta(seconds=1, microseconds=5))
        self.assert_refused(
            datetime.datetime(2020, 1, 1, tzinfo=odd),
            "datetime.datetime",
            "whole number of seconds",
        )

    def test_values_beyond_what_java_holds(self):
        self.assert_refused(decimal.Decimal("1E+999999999999"), "decimal.Decimal", "exponent")
        self.assert_refused(decimal.Decimal("1E-3000000000"), "decimal.Decimal", "exponent")
        east = datetime.timezone(datetime.timedelta(hours=23))
        self.assert_refused(
            datetime.datetime(2020, 1, 1, tzinfo=east), "datetime.datetime", "+23:00:00", "18:00"
        )
        west = datetime.timezone(-datetime.timedelta(hours=18, minutes=1))
        self.assert_refused(datetime.time(1, tzinfo=west), "datetime.time", "-18:01:00")
        edge = datetime.datetime(
            2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-18))
        )
        self.assertEqual(round_trip(edge), edge)
        self.assertEqual(
            round_trip(decimal.Decimal("1E+2147483647")), decimal.Decimal("1E+2147483647")
        )

    def test_a_class_whose_module_is_none(self):
        anonymous = type("Anonymous", (), {})
        anonymous.__module__ = None
        self.assert_refused(anonymous(), "None.Anonymous", "no Java mapping")

    def test_nesting_beyond_the_limit_after_the_recursion_limit_was_raised(self):
        # Before 3.12 the pickler's guard is the recursion limit: raised this far, the
        # value below would overflow the C stack, killing the process.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(1_000_000)
        try:
            for kind in (list, LyingList):
                value = []
                for _ in range(200_000):
                    value = kind([value])
                with self.subTest(kind.__name__), self.assertRaises(ConversionError) as caught:
                    codec.encode_value_section(value)
                self.assertIn("nests", str(caught.exception))
            value = []
            for _ in range(300):
                value = [value]
            self.assertEqual(round_trip(value), value)
        finally:
            sys.setrecursionlimit(limit)

    def test_nesting_too_deep_for_the_pickler(self):
        value = []
        for _ in range(100000):
            value = [value]
        self.assert_refused(value, "builtins.list", "nests too deeply")

    def test_encoder_is_usable_after_a_refusal(self):
        encoder = codec.Encoder()
        with self.assertRaises(ConversionError):
            encoder.encode(["x" * 10, object()])
        chunks, length, buffers = encoder.encode(["x" * 10])
        self.assertEqual(pickle.loads(b"".join(chunks)), ["x" * 10])
        self.assertEqual(length, sum(map(len, chunks)))
        self.assertEqual(buffers, [])


class DecoderTest(unittest.TestCase):
    def test_decodes_java_style_pickles_without_frame_or_memo(self):
        value = ("call", None, "math", "sqrt", [16, 2**70, -1.5, b"\x00"], {"k": (1, 2)})
        decoded = codec.decode_value_section(support.value_section(java_style(value)))
        self.assertEqual(decoded, value)

    def test_reused_unpickler_does_not_leak_memo_between_values(self):
        decoder = codec.Decoder()
        first = pickle.dumps(["abc", "abc"], 5)  # memoizes "abc"
        self.assertEqual(decoder.decode(memoryview(first)), ["abc", "abc"])
        refers_to_old_memo = b"\x80\x05]h\x00a."  # EMPTY_LIST, BINGET 0, APPEND, STOP
        with self.assertRaises(ProtocolError):
            decoder.decode(memoryview(refers_to_old_memo))
        self.assertEqual(decoder.decode(memoryview(java_style([1, "x"]))), [1, "x"])

    def test_pickles_with_memo_opcodes_do_not_slow_later_decodes(self):
        # CPython's unpickler keeps counting memo slots across loads; a reused one would scan
        # an ever larger memo after every pickle that has memo opcodes (Python's pickles do).
        # So an unpickler that met memo opcodes is dropped, never reused (was 10x slower after
        # 20,000 such loads; how fast decoding is belongs to the benchmarks).
        if codec._PEEK_SIZE is None:
            self.skipTest("this CPython's unpickler is never reused")
        decoder = codec.Decoder()
        java = memoryview(java_style([1, "x"]))
        self.assertEqual(decoder.decode(java), [1, "x"])
        reused = decoder._unpickler
        self.assertIsNotNone(reused, "an unpickler that met no memo opcode is kept")
        self.assertEqual(
            decoder.decode(memoryview(pickle.dumps(["a", "b", "a"], 5))), ["a", "b", "a"]
        )
        self.assertIsNone(decoder._unpickler, "one that met memo opcodes is dropped")
        self.assertEqual(decoder.decode(java), [1, "x"])
        self.assertIsNot(decoder._unpickler, reused)

    def test_references_and_callbacks_only_where_a_resolver_is_given(self):
        for name in ("ref", "callback"):
            data = b"\x80\x05\x8c\x03sbw\x8c" + bytes([len(name)]) + name.encode() + b"\x93."
            with self.subTest(name):
                with self.assertRaises(ProtocolError) as caught:
                    codec.decode_value_section(support.value_section(data))
                self.assertIn(f"sbw.{name} is not allowed in this value", str(caught.exception))

    def test_refuses_globals_outside_the_codec(self):
        for data in (
            pickle.dumps(print, 5),
            pickle.dumps(pathlib.PurePosixPath("/"), 5),
            b"\x80\x05\x8c\x03sbw\x8c\x07missing\x93)R.",
        ):
            with self.subTest(data):
                with self.assertRaises(ProtocolError) as caught:
                    codec.decode_value_section(support.value_section(data))
                self.assertIn("not part of the value codec", str(caught.exception))

    def test_refuses_malformed_sbw_arguments(self):
        bad = [
            codec.sbw.module.complex,
            (1, 2.0),
            codec.sbw.module.date,
            (2024, 13, 1),
            codec.sbw.module.uuid,
            (b"short",),
            codec.sbw.module.decimal,
            ("NaN?",),
            codec.sbw.module.datetime,
            (2024, 1, 1, 0, 0, 0, 0, "UTC", 0),
            codec.sbw.module.timedelta,
            (1, 2),
        ]
        for function, args in zip(bad[::2], bad[1::2]):
            data = (
                b"\x80\x05\x8c\x03sbw\x8c"
                + bytes([len(function.__name__)])
                + function.__name__.encode()
                + b"\x93"
                + java_style(args)[2:-1]
                + b"R."
            )
            with self.subTest(function.__name__), self.assertRaises(ProtocolError):
                codec.decode_value_section(support.value_section(data))

    def test_refuses_bytes_after_stop_and_unused_buffers(self):
        with self.assertRaises(ProtocolError) as caught:
            codec.decode_value_section(support.value_section(java_style([1]) + b"N"))
        self.assertIn("after the pickle's STOP", str(caught.exception))
        with self.assertRaises(ProtocolError) as caught:
            codec.decode_value_section(support.value_section(java_style([1]), [b"spare"]))
        self.assertIn("never used", str(caught.exception))

    def test_refuses_truncated_and_garbage_pickles(self):
        for data in (java_style([1, 2, 3])[:-3], b"", b"\x80\x05garbage", b"\x80\x05\x97."):
            with self.subTest(data), self.assertRaises(ProtocolError):
                codec.decode_value_section(support.value_section(data))

    def test_small_pickles_share_one_unpickler_fed_by_c_callables(self):
        self.assertIsNotNone(codec._PEEK_SIZE)  # so the path below is the one in use here
        decoder = codec.Decoder()
        self.assertEqual(decoder.decode(memoryview(java_style([1, "x"]))), [1, "x"])
        unpickler = decoder._unpickler
        self.assertIsNotNone(unpickler)
        for value in (("call", None, "m", "f", [2.5], {"k": b"v"}), {"a": [None, True]}):
            with self.subTest(value):
                self.assertEqual(decoder.decode(bytearray(java_style(value))), value)
                self.assertIs(decoder._unpickler, unpickler)
        self.assertEqual((decoder._pending, decoder._skipped), ({}, []))

    def test_a_reused_decoder_names_each_malformed_pickle_and_goes_on(self):
        decoder = codec.Decoder()
        decoder.decode(memoryview(java_style(0)))
        cases = [
            (java_style([1, 2, 3])[:-3], "truncated"),
            (java_style([1]) + b"N", "after the pickle's STOP"),
            (b"\x80\x05\x97.", "malformed value"),
            (pickle.dumps(print, 5), "not part of the value codec"),
        ]
        for data, words in cases:
            with self.subTest(data):
                with self.assertRaises(ProtocolError) as caught:
                    decoder.decode(memoryview(data))
                self.assertIn(words, str(caught.exception))
                self.assertEqual(decoder.decode(memoryview(java_style([1, "x"]))), [1, "x"])
                self.assertEqual((decoder._pending, decoder._skipped), ({}, []))

    def test_a_decode_interrupted_by_a_base_exception_leaves_the_decoder_usable(self):
        class Interrupting:  # a refs.Resolver whose ref() is interrupted, as by Cancelled
            seen = None

            def ref(self, *args):
                raise KeyboardInterrupt

            callback = ref

        decoder = codec.Decoder(Interrupting())
        data = b"\x80\x05\x8c\x03sbw\x8c\x03ref\x93\x8c\x01r\x8c\x01s\x86R."
        with self.assertRaises(KeyboardInterrupt):
            decoder.decode(memoryview(data))
        self.assertEqual(decoder.decode(memoryview(java_style([7]))), [7])
        self.assertEqual((decoder._pending, decoder._skipped), ({}, []))

    @unittest.skipIf(numpy is not None, "only meaningful where numpy is missing")
    def test_an_array_without_numpy_is_numpys_own_import_error(self):
        data = b"\x80\x05\x8c\x03sbw\x8c\x07ndarray\x93\x8c\x05uint8K\x01\x85\x97\x87R."
        with self.assertRaises(ModuleNotFoundError) as caught:
            codec.decode_value_section(support.value_section(data, [b"\x01"]))
        self.assertEqual(caught.exception.name, "numpy")


if __name__ == "__main__":
    unittest.main()
