"""Tests of snakebridge_spark.batches without Java: Arrow IPC in, pandas, checked Arrow out."""

import datetime
import decimal
import unittest

import pandas as pd
import pyarrow as pa
from snakebridge_spark import batches


def ipc(table):
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def schema_bytes(schema):
    return ipc(schema.empty_table())


def read(data):
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


class Functions:
    @staticmethod
    def identity(df):
        return df

    @staticmethod
    def as_floats(df):
        return pd.DataFrame({"x": df["x"].astype("float64")})

    @staticmethod
    def as_strings(df):
        return pd.DataFrame({"x": df["x"].astype(str)})

    @staticmethod
    def not_a_frame(df):
        return [1, 2]

    @staticmethod
    def extra(df):
        return df.assign(y=1)


import sys  # noqa: E402

sys.modules["batch_test_functions"] = Functions


class MapBatchTest(unittest.TestCase):
    def run_batch(self, function, table, schema):
        return read(
            batches.map_batch("batch_test_functions", function, ipc(table), schema_bytes(schema))
        )

    def test_every_type_round_trips(self):
        schema = pa.schema(
            [
                ("i8", pa.int8()),
                ("i32", pa.int32()),
                ("i64", pa.int64()),
                ("f32", pa.float32()),
                ("f64", pa.float64()),
                ("b", pa.bool_()),
                ("s", pa.string()),
                ("bin", pa.binary()),
                ("d", pa.date32()),
                ("ts", pa.timestamp("us", "UTC")),
                ("dec", pa.decimal128(10, 2)),
                ("arr", pa.list_(pa.int64())),
                ("st", pa.struct([("name", pa.string()), ("n", pa.int32())])),
            ]
        )
        table = pa.table(
            {
                "i8": pa.array([1, None], pa.int8()),
                "i32": pa.array([2, None], pa.int32()),
                "i64": pa.array([3, None], pa.int64()),
                "f32": pa.array([1.5, None], pa.float32()),
                "f64": pa.array([2.5, None]),
                "b": pa.array([True, None]),
                "s": pa.array(["é", None]),
                "bin": pa.array([b"\x00\x01", None]),
                "d": pa.array([datetime.date(2024, 2, 29), None]),
                "ts": pa.array(
                    [
                        datetime.datetime(2024, 1, 1, 12, 0, 0, 1, tzinfo=datetime.timezone.utc),
                        None,
                    ],
                    pa.timestamp("us", "UTC"),
                ),
                "dec": pa.array([decimal.Decimal("12.34"), None], pa.decimal128(10, 2)),
                "arr": pa.array([[1, None, 3], None], pa.list_(pa.int64())),
                "st": pa.array([{"name": "a", "n": 1}, None], schema.field("st").type),
            },
            schema=schema,
        )
        out = self.run_batch("identity", table, schema)
        self.assertEqual(out.schema, schema)
        self.assertEqual(out.to_pylist(), table.to_pylist())

    def test_integers_fit_a_float_column_and_integral_floats_an_integer_one(self):
        floats = self.run_batch(
            "identity", pa.table({"x": [1, 2]}), pa.schema([("x", pa.float64())])
        )
        self.assertEqual(floats.column("x").type, pa.float64())
        self.assertEqual(floats.column("x").to_pylist(), [1.0, 2.0])
        ints = self.run_batch("as_floats", pa.table({"x": [1, 2]}), pa.schema([("x", pa.int64())]))
        self.assertEqual(ints.column("x").type, pa.int64())
        self.assertEqual(ints.column("x").to_pylist(), [1, 2])

    def test_a_fractional_float_for_an_integer_column_is_refused(self):
        schema = pa.schema([("x", pa.int64())])
        with self.assertRaises(batches.SchemaMismatchError) as caught:
            self.run_batch("identity", pa.table({"x": [1.5]}), schema)
        self.assertIn("column 'x'", str(caught.exception))

    def test_strings_for_a_number_column_name_the_column_and_both_types(self):
        schema = pa.schema([("x", pa.int64())])
        with self.assertRaises(batches.SchemaMismatchError) as caught:
            self.run_batch("as_strings", pa.table({"x": [1, 2]}), schema)
        message = str(caught.exception)
        self.assertIn("column 'x'", message)
        self.assertIn("string", message)
        self.assertIn("int64", message)

    def test_missing_and_unexpected_columns_are_named(self):
        schema = pa.schema([("x", pa.int64()), ("z", pa.int64())])
        with self.assertRaises(batches.SchemaMismatchError) as caught:
            self.run_batch("extra", pa.table({"x": [1]}), schema)
        self.assertIn("missing: ['z']", str(caught.exception))
        self.assertIn("unexpected: ['y']", str(caught.exception))

    def test_a_result_that_is_no_data_frame_is_refused(self):
        schema = pa.schema([("x", pa.int64())])
        with self.assertRaises(batches.SchemaMismatchError) as caught:
            self.run_batch("not_a_frame", pa.table({"x": [1]}), schema)
        self.assertIn("returned list, not a pandas DataFrame", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
