"""Tests of snakebridge_arrow_frames, the worker side of snakebridge-arrow (needs pyarrow and
pandas; the build runs them with target/venv-arrow)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "main", "python"))

import pandas as pd
import pyarrow as pa
import snakebridge_arrow_frames as frames


def read(data):
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


class FetchTest(unittest.TestCase):
    def test_one_batch_without_dictionaries(self):
        table = pa.table({"c": pa.array(["x", "y", "x"]).dictionary_encode()})
        chunked = pa.concat_tables([table, table])
        sent = read(frames.fetch(chunked))
        self.assertEqual(1, len(sent.to_batches()))
        self.assertEqual(pa.string(), sent.schema.field("c").type)
        self.assertIn(frames.DICTIONARY_KEY, sent.schema.field("c").metadata)

    def test_view_types_become_large_types(self):
        table = pa.table(
            {
                "s": pa.array(["a", None], pa.string_view()),
                "b": pa.array([b"a", None], pa.binary_view()),
                "l": pa.array([["a"], None], pa.list_(pa.string_view())),
                "v": pa.array([[1, 2], None], pa.list_view(pa.int8())),
            }
        )
        sent = read(frames.fetch(table))
        self.assertEqual(pa.large_string(), sent.schema.field("s").type)
        self.assertEqual(pa.large_binary(), sent.schema.field("b").type)
        self.assertEqual(pa.list_(pa.large_string()), sent.schema.field("l").type)
        self.assertEqual(pa.list_(pa.int8()), sent.schema.field("v").type)
        self.assertEqual(["a", None], sent.column("s").to_pylist())
        self.assertEqual([[1, 2], None], sent.column("v").to_pylist())

    def test_something_else_is_a_type_error(self):
        with self.assertRaisesRegex(TypeError, "not builtins.dict"):
            frames.fetch({"a": [1]})

    def test_each_table_of_an_iterable_and_the_iterable_closed(self):
        closed = []

        class Chunks:
            def __iter__(self):
                return iter([pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [3]})])

            def close(self):
                closed.append(True)

        sizes = [read(data).num_rows for data in frames.fetch_each(Chunks())]
        self.assertEqual([2, 1], sizes)
        self.assertEqual([True], closed)


class BackTest(unittest.TestCase):
    def test_categories_come_back_in_order_with_unused_ones(self):
        frame = pd.DataFrame(
            {"c": pd.Categorical(["b", None, "a"], categories=["b", "a", "z"], ordered=True)}
        )
        back = frames.to_pandas(frames.fetch(frame))
        pd.testing.assert_frame_equal(frame, back)

    def test_values_outside_the_dictionary_stay_plain(self):
        frame = pd.DataFrame({"c": pd.Categorical(["a", "b"])})
        sent = read(frames.fetch(frame))
        field = sent.schema.field("c")
        changed = sent.set_column(0, field, pa.array(["a", "new"], field.type))
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, changed.schema) as writer:
            writer.write_table(changed)
        back = frames.to_pyarrow(sink.getvalue().to_pybytes())  # bytes are taken too
        self.assertEqual(field.type, back.schema.field("c").type)
        self.assertEqual(["a", "new"], back.column("c").to_pylist())


class WithoutPyarrowTest(unittest.TestCase):
    def test_the_error_names_the_package(self):
        saved, frames.pa = frames.pa, None
        try:
            with self.assertRaisesRegex(ModuleNotFoundError, "add pyarrow") as caught:
                frames.to_pandas(b"")
            self.assertEqual("pyarrow", caught.exception.name)
        finally:
            frames.pa = saved


if __name__ == "__main__":
    unittest.main()
