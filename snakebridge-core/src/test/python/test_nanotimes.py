"""pandas and numpy times keep their nanoseconds (§3.3): the optional last argument of
sbw.datetime and sbw.timedelta. Skipped without numpy (and the pandas cases without pandas)."""

import datetime
import unittest

import support
from snakebridge_worker import codec

numpy = support.numpy
try:
    import pandas
except ImportError:
    pandas = None


def reduction(value):
    """What the encoder writes for `value`: its sbw global's name and arguments."""
    try:
        function, args = codec._reduce(value, None)
    except codec._NotPlain:
        return None
    return function.__name__.lstrip("_"), args


@unittest.skipUnless(numpy is not None, "numpy is not installed")
class NumpyTimesTest(unittest.TestCase):
    def test_a_datetime64_keeps_its_nanoseconds_as_a_naive_datetime(self):
        value = numpy.datetime64("2024-01-02T03:04:05.123456789")
        self.assertEqual(
            ("datetime", (2024, 1, 2, 3, 4, 5, 123456, None, 0, 789)), reduction(value)
        )

    def test_whole_microseconds_take_the_usual_nine_arguments(self):
        self.assertEqual(
            ("datetime", (2024, 1, 2, 0, 0, 0, 5, None, 0)),
            reduction(numpy.datetime64("2024-01-02T00:00:00.000005")),
        )
        self.assertEqual(
            ("datetime", (2024, 1, 2, 0, 0, 0, 0, None, 0)),
            reduction(numpy.datetime64("2024-01-02")),
        )

    def test_a_timedelta64_keeps_its_nanoseconds_also_when_negative(self):
        self.assertEqual(
            ("timedelta", (0, 1, 234567, 891)), reduction(numpy.timedelta64(1234567891, "ns"))
        )
        # -1 ns: Python's normalised -1 µs, plus 999 ns.
        self.assertEqual(
            ("timedelta", (-1, 86399, 999999, 999)), reduction(numpy.timedelta64(-1, "ns"))
        )

    def test_nat_crosses_as_none(self):
        self.assertIsNone(reduction(numpy.datetime64("NaT")))
        self.assertIsNone(codec._plain(numpy.datetime64("NaT"), {}))
        self.assertIsNone(codec._plain(numpy.timedelta64("NaT"), {}))

    def test_inside_containers_the_walk_keeps_them_for_the_reducer(self):
        value = numpy.datetime64("2024-01-02T03:04:05.123456789")
        self.assertIs(value, codec._plain([value], {})[0])
        section = codec.encode_value_section([value, numpy.timedelta64(5, "ns")])
        self.assertTrue(section)


@unittest.skipUnless(pandas is not None, "pandas is not installed")
class PandasTimesTest(unittest.TestCase):
    def test_a_timestamp_keeps_its_nanoseconds_and_offset(self):
        value = pandas.Timestamp("2024-01-02T03:04:05.123456789+01:00")
        self.assertEqual(
            ("datetime", (2024, 1, 2, 3, 4, 5, 123456, 3600, 0, 789)), reduction(value)
        )

    def test_a_timedelta_keeps_its_nanoseconds(self):
        self.assertEqual(
            ("timedelta", (1, 2, 3, 4)),
            reduction(pandas.Timedelta(days=1, seconds=2, microseconds=3, nanoseconds=4)),
        )

    def test_plain_datetimes_are_unchanged(self):
        self.assertEqual(
            ("datetime", (2024, 1, 2, 3, 4, 5, 6, None, 0)),
            reduction(datetime.datetime(2024, 1, 2, 3, 4, 5, 6)),
        )
        self.assertEqual(("timedelta", (1, 2, 3)), reduction(datetime.timedelta(1, 2, 3)))


if __name__ == "__main__":
    unittest.main()
