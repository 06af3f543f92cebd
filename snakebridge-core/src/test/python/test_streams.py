"""Streams and coroutines (WIRE-PROTOCOL §6): through a real worker, and the batch loop's
cancellation paths in process."""

import io
import itertools
import os
import sys
import tempfile
import unittest

import sample_streams
import support
from snakebridge_worker import Cancelled, codec, frames, sessions, streams
from support import Callback, PyRef, StreamRef, session


class StreamTypeTest(unittest.TestCase):
    """§6.1: which references cross as sbw.stream_ref (checked on types, in process)."""

    def test_generators_and_iterators_are_streams(self):
        async def agen():
            yield 1

        with tempfile.TemporaryFile() as file:
            file_type = type(file)
        streams_ = [
            sample_streams.numbers(1),
            agen(),
            iter([1]),
            iter(range(2)),
            iter({1: 2}),
            itertools.count(),
            map(abs, [1]),
            zip([1], [2]),
            sample_streams.Sized(1),
            sample_streams.Ticker(1),
            iter("ab"),
            enumerate([]),
        ]
        for value in streams_:
            with self.subTest(type(value).__name__):
                self.assertTrue(codec.is_stream_type(type(value)))
        plain = [
            "str",
            b"bytes",
            [1],
            (1,),
            {"k": 1},
            {1},
            frozenset(),
            range(3),
            object(),
            sample_streams.Countdown(2),
            sample_streams.AsyncNumbers(1),
            sample_streams.ClosableReader([]),
            io.StringIO("x"),
            sample_streams.add_later,
        ]
        for value in plain:
            with self.subTest(type(value).__name__):
                self.assertFalse(codec.is_stream_type(type(value)))
        self.assertFalse(codec.is_stream_type(file_type))  # a file is a context manager


class LazyAsyncioTest(unittest.TestCase):
    def test_a_worker_imports_asyncio_only_once_it_meets_a_coroutine(self):
        worker = support.WorkerProcess(paths=[support.HERE])
        self.addCleanup(worker.release)
        self.assertEqual(worker.call("sys", "modules.get", "asyncio"), ("result", None))
        self.assertEqual(worker.call("sample_streams", "add_later", 1, 2), ("result", 3))


class StreamTest(unittest.TestCase):
    """One worker serves all these tests, as a pool slot would; each test has its own session.

    Where a batch ends depends on time as well as on counts (§6.3: a busy machine may end one
    early), so these tests check what holds whatever the timing: no batch is longer than asked,
    one that is not done has items, and the items arrive complete and in order. Exact batch
    boundaries are checked in process with a fake clock (BatchRulesTest).
    """

    @classmethod
    def setUpClass(cls):
        cls.worker = support.WorkerProcess(
            paths=[support.HERE], helper_paths=[os.path.join(support.HERE, "helper_folder")]
        )

    @classmethod
    def tearDownClass(cls):
        status = cls.worker.close()
        cls.worker.release()
        assert status == 0, status

    def setUp(self):
        self.session = session(self.id())
        self.events()  # none left over from another test

    # --- asking ----------------------------------------------------------------------------------

    def result(self, request, on_callback=None):
        kind, value = self.worker.ask(request, on_callback=on_callback)
        self.assertEqual(kind, "result", value)
        return value

    def error(self, request, kind=None):
        got, value = self.worker.ask(request)
        self.assertEqual(got, "error", value)
        if kind is not None:
            self.assertEqual(value["kind"], kind, value)
        return value

    def call(self, module, function, *args, **kwargs):
        return self.result(("call", self.session, module, function, list(args), kwargs))

    def stream(self, module, function, *args, batch=100, **kwargs):
        """The `stream` op's reply: (stream, first items, done)."""
        stream, items, done = self.result(
            ("stream", self.session, module, function, list(args), kwargs, batch)
        )
        self.assertLessEqual(len(items), batch)
        return stream, items, done

    def streamed(self, module, function, *args, batch=100, **kwargs):
        """(stream, every item): the `stream` op's first batch and all the others."""
        stream, items, done = self.stream(module, function, *args, batch=batch, **kwargs)
        return stream, items + self.rest(stream, done, batch)

    def batch(self, ref, size=100):
        items, done = self.result(("stream_batch", self.session, ref, size))
        self.assertLessEqual(len(items), size)
        self.assertTrue(done or items, "a batch that is not done has items")
        return items, done

    def rest(self, ref, done=False, size=100):
        """Every item left, batch after batch."""
        items = []
        while not done:
            more, done = self.batch(ref, size)
            items += more
        return items

    def take(self, ref, count):
        """Exactly `count` more items, in as many batches as it takes."""
        items = []
        while len(items) < count:
            more, done = self.batch(ref, count - len(items))
            self.assertFalse(done and len(items) + len(more) < count, "ended too early")
            items += more
        return items

    def next(self, ref):
        return self.result(("stream_next", self.session, ref))

    def close(self, ref):
        return self.result(("stream_close", self.session, ref))

    def length(self, ref):
        return self.result(("stream_len", self.session, ref))

    def events(self):
        return self.result(("call", None, "sample_streams", "take_events", [], {}))

    def live(self):
        return self.result(("sessions", None)).get(self.session[0], 0)

    def assert_stream(self, value, type_name, module="sample_streams"):
        self.assertIs(type(value), StreamRef, value)
        self.assertEqual(
            (value.session_id, value.type_name, value.module), (self.session[0], type_name, module)
        )
        self.assertRegex(value.ref_id, r"^[0-9a-f]{8}-\d+$")

    # --- §6.1 stream references ---------------------------------------------------------------

    def test_generators_cross_as_stream_references(self):
        generator = self.call("sample_streams", "numbers", 3)
        self.assert_stream(generator, "builtins.generator", "builtins")
        self.assertEqual(self.rest(generator), [0, 1, 2])
        self.assert_stream(
            self.call("sample_streams", "agen", 2), "builtins.async_generator", "builtins"
        )
        self.assert_stream(
            self.call("builtins", "iter", [1, 2]), "builtins.list_iterator", "builtins"
        )
        self.assert_stream(self.call("sample_streams", "Ticker", 1), "sample_streams.Ticker")
        self.assert_stream(
            self.result(("call_class", self.session, "itertools", "count", [], {})),
            "itertools.count",
            "itertools",
        )

    def test_context_managers_and_iterables_stay_plain_references(self):
        reader = self.call("sample_streams", "ClosableReader", ["a"])
        self.assertIs(type(reader), PyRef)
        self.assertIs(type(self.call("sample_streams", "Countdown", 2)), PyRef)
        with tempfile.TemporaryDirectory() as folder:
            name = os.path.join(folder, "lines.txt")
            with open(name, "w") as out:
                out.write("one\ntwo\n")
            file = self.call("builtins", "open", name)
            self.assertIs(type(file), PyRef)
            # ... but a stream op streams a file's lines, through a stream reference
            stream, items = self.streamed("builtins", "open", name)
            self.assert_stream(stream, file.type_name, "_io")
            self.assertEqual(items, ["one\n", "two\n"])
            self.assertIsNone(self.close(stream))  # closes that file, not the other one
            self.assertFalse(self.result(("get_attr", self.session, file, "closed")))
            self.result(("call_method", self.session, file, "close", [], {}))

    def test_a_stream_reference_nested_in_a_container(self):
        value = self.call("sample_streams", "stream_in_a_dict")
        self.assertEqual(value["label"], "three")
        self.assert_stream(value["numbers"], "builtins.generator", "builtins")
        self.assertEqual(self.rest(value["numbers"], size=2), [0, 1, 2])

    def test_a_stream_reference_passed_back_as_an_argument(self):
        stream, items, done = self.stream("sample_streams", "numbers", 5, batch=1)
        self.assertEqual((items, done), ([0], False))
        self.assertEqual(self.call("builtins", "list", stream), [1, 2, 3, 4])
        self.assertEqual(self.batch(stream), ([], True))
        counter = self.call("itertools", "count", 10)
        self.assertEqual(
            self.result(("call_method", self.session, counter, "__next__", [], {})), 10
        )
        self.assertEqual(self.next(counter), (True, 11))

    def test_a_coroutine_in_a_container_crosses_as_a_reference(self):
        value = self.call("sample_streams", "coroutine_in_a_list")
        self.assertIs(type(value[0]), PyRef)
        self.assertEqual(value[0].type_name, "builtins.coroutine")
        self.result(("call_method", self.session, value[0], "close", [], {}))

    # --- §6.2 the stream op ---------------------------------------------------------------------

    def test_range_list_and_iterables_are_streamed(self):
        stream, items = self.streamed("builtins", "range", 5)
        self.assert_stream(stream, "builtins.range_iterator", "builtins")
        self.assertEqual(items, [0, 1, 2, 3, 4])
        self.assertEqual(self.batch(stream), ([], True))  # still registered once done
        stream, items = self.streamed("builtins", "list", "abc")
        self.assert_stream(stream, "builtins.list_iterator", "builtins")
        self.assertEqual(items, ["a", "b", "c"])
        self.assertEqual(self.streamed("sample_streams", "Countdown", 3)[1], [3, 2, 1])
        self.assertEqual(self.streamed("builtins", "set", [7])[1], [7])
        self.assertEqual(self.streamed("builtins", "tuple", [None, 2])[1], [None, 2])
        self.assertEqual(self.streamed("builtins", "range", 0)[1], [])

    def test_strings_bytes_mappings_and_non_iterables_are_one_item(self):
        cases = [
            ("builtins", "str", ["abc"], {}, "abc"),
            ("builtins", "bytes", [b"xy"], {}, b"xy"),
            ("builtins", "bytearray", [b"xy"], {}, b"xy"),
            ("builtins", "dict", [], {"data": 1}, {"data": 1}),
            ("builtins", "dict", [], {"is_final": True}, {"is_final": True}),
            ("collections", "OrderedDict", [[("a", 1)]], {}, {"a": 1}),
            ("math", "sqrt", [16], {}, 4.0),
            ("builtins", "print", [], {}, None),
        ]
        for module, function, args, kwargs, item in cases:
            with self.subTest(function):
                self.assertEqual(
                    self.result(("stream", self.session, module, function, args, kwargs, 10)),
                    (None, [item], True),
                )
        # an object with no mapping is one item too: a reference
        stream, (thing,), done = self.stream("sample_streams", "Thing")
        self.assertEqual((stream, type(thing), done), (None, PyRef, True))
        self.assertEqual(self.live(), 1)

    def test_a_single_item_needs_no_session_but_a_stream_does(self):
        self.assertEqual(
            self.result(("stream", None, "math", "sqrt", [16], {}, 1)), (None, [4.0], True)
        )
        self.assertEqual(
            self.result(("stream", None, "builtins", "str", [5], {}, 0)), (None, ["5"], True)
        )
        error = self.error(("stream", None, "builtins", "range", [3], {}, 10), "conversion")
        self.assertEqual(
            (error["type"], error["python_type"]),
            ("snakebridge_worker.ConversionError", "builtins.range"),
        )
        self.assertIn("needs a session", error["message"])
        error = self.error(
            ("stream", None, "sample_streams", "guarded", ["unseen"], {}, 10), "conversion"
        )
        self.assertEqual(error["python_type"], "builtins.generator")
        self.assertEqual(self.events(), [])  # nothing was taken from it

    def test_batch_zero_takes_nothing_yet(self):
        stream, items, done = self.stream("sample_streams", "guarded", "zero", 2, batch=0)
        self.assertEqual((items, done), ([], False))
        self.assertEqual(self.events(), [])  # the generator has not even started
        self.assertEqual(self.rest(stream), [0, 1])
        self.assertEqual(self.events(), ["zero closed"])

    def test_batches_continue_where_the_last_one_ended(self):
        stream, items, _done = self.stream("builtins", "range", 10, batch=3)
        self.assertEqual(items, list(range(len(items))))
        self.assertEqual(items + self.take(stream, 6 - len(items)), [0, 1, 2, 3, 4, 5])
        self.assertEqual(self.rest(stream, size=4), [6, 7, 8, 9])

    def test_count_then_next_continues(self):
        # the original's acceptance check: take(5) of count(1) is 1..5, a second take goes on
        stream, items, _done = self.stream("itertools", "count", 1, batch=5)
        items += self.take(stream, 5 - len(items))
        self.assertEqual(items, [1, 2, 3, 4, 5])
        self.assertEqual(self.take(stream, 5), [6, 7, 8, 9, 10])
        self.assertEqual(self.next(stream), (True, 11))
        self.assertEqual(self.take(stream, 2), [12, 13])

    def test_next_until_exhausted(self):
        stream = self.call("sample_streams", "numbers", 2)
        self.assertEqual(
            [self.next(stream) for _ in range(4)],
            [(True, 0), (True, 1), (False, None), (False, None)],
        )

    def test_items_of_every_kind(self):
        expected = sample_streams.items_of_every_kind()
        _stream, items = self.streamed("sample_streams", "items_of_every_kind", batch=3)
        self.assertTrue(support.same_value(items, expected), items)

    def test_references_and_streams_as_items(self):
        _stream, items = self.streamed("sample_streams", "objects_and_streams")
        thing, inner = items
        self.assertEqual((type(thing), thing.type_name), (PyRef, "sample_streams.Thing"))
        self.assert_stream(inner, "builtins.generator", "builtins")
        self.assertEqual(self.rest(inner), [0, 1, 2])
        self.assertEqual(self.live(), 3)  # the stream, the thing and the inner stream

    def test_stream_len(self):
        listed = self.call("builtins", "iter", [1, 2, 3])
        self.assertEqual(self.length(listed), 3)
        self.assertEqual(self.next(listed), (True, 1))
        self.assertEqual(self.length(listed), 2)  # what the list iterator has left
        stream, items, _done = self.stream("builtins", "range", 100, batch=10)
        self.assertEqual(self.length(stream), 100 - len(items))
        self.assertIsNone(self.length(self.call("sample_streams", "numbers", 3)))
        self.assertEqual(self.length(self.call("sample_streams", "Sized", 4)), 4)
        self.assertIsNone(self.length(self.call("sample_streams", "agen", 4)))
        self.assertIsNone(self.length(self.call("sample_streams", "Thing")))

    def test_stream_close_runs_finally_and_unregisters(self):
        stream, _items, done = self.stream("sample_streams", "guarded", "closing", batch=2)
        self.assertFalse(done)
        self.assertEqual(self.live(), 1)
        self.assertIsNone(self.close(stream))
        self.assertEqual(self.events(), ["closing closed"])
        self.assertEqual(self.live(), 0)
        for request in [
            ("stream_close", self.session, stream),
            ("stream_batch", self.session, stream, 1),
            ("stream_next", self.session, stream),
        ]:
            error = self.error(request, "ref_not_found")
            self.assertEqual(error["ref_id"], stream.ref_id)

    def test_stream_close_unregisters_whatever_the_handouts(self):
        generator = self.call("sample_streams", "guarded", "handouts")
        again = self.call("sample_user_code", "echo", generator)  # a second handout
        self.assertEqual(again, generator)
        self.assertIsNone(self.close(generator))
        self.assertEqual((self.live(), self.events()), (0, []))  # never started: no finally
        # an iterator without close() is unregistered all the same
        listed = self.call("builtins", "iter", [1])
        self.assertIsNone(self.close(listed))
        self.assertEqual(self.live(), 0)

    def test_stream_ops_need_a_session(self):
        stream = self.call("sample_streams", "numbers", 3)
        for request in [
            ("stream_batch", None, stream, 1),
            ("stream_next", None, stream),
            ("stream_len", None, stream),
            ("stream_close", None, stream),
        ]:
            with self.subTest(request[0]):
                self.error(request, "session_mismatch")
        self.assertEqual(self.rest(stream), [0, 1, 2])

    def test_malformed_stream_ops_are_protocol_errors(self):
        stream = self.call("sample_streams", "numbers", 3)
        for request in [
            ("stream", self.session, "builtins", "range", [3], {}, -1),
            ("stream", self.session, "builtins", "range", [3], {}, True),
            ("stream", self.session, "builtins", "range", [3], {}),
            ("stream", self.session, "builtins", "range", (3,), {}, 1),
            ("stream_batch", self.session, stream, 0),
            ("stream_batch", self.session, stream, 1.0),
            ("stream_batch", self.session, stream),
            ("stream_next", self.session),
            ("stream_close", self.session, stream, 1),
        ]:
            with self.subTest(request):
                self.error(request, "protocol")
        self.assertEqual(self.rest(stream), [0, 1, 2])

    def test_a_target_that_is_not_an_iterator_is_a_type_error(self):
        thing = self.call("sample_streams", "Thing")
        for request in [
            ("stream_batch", self.session, thing, 5),
            ("stream_next", self.session, thing),
        ]:
            error = self.error(request, "python")
            self.assertEqual(error["type"], "builtins.TypeError")
            self.assertIn("sample_streams.Thing", error["message"])

    # --- §6.3 batches ---------------------------------------------------------------------------

    def items_then_error(self, ref, items=(), op="stream_batch"):
        """Asks for batches (or next items) until one fails: (every item, that ERROR)."""
        items = list(items)
        while True:
            request = (
                ("stream_batch", self.session, ref, 100)
                if op == "stream_batch"
                else ("stream_next", self.session, ref)
            )
            kind, value = self.worker.ask(request)
            if kind == "error":
                return items, value
            if op == "stream_batch":
                self.assertFalse(value[1], "done before the error")
                items += value[0]
            else:
                self.assertTrue(value[0], "exhausted before the error")
                items.append(value[1])

    def test_items_first_then_the_error(self):
        stream, items, done = self.stream("sample_streams", "yields_then_raises", 3)
        self.assertFalse(done)
        self.assertTrue(items)  # the error is kept: the items taken before it come first
        items, error = self.items_then_error(stream, items)
        self.assertEqual(items, [0, 1, 2])
        self.assertEqual(
            (error["kind"], error["type"], error["message"]),
            ("python", "builtins.ValueError", "failed after 3 items"),
        )
        self.assertEqual(error["frames"][-1][:2], ("sample_streams", "yields_then_raises"))
        self.assertEqual(self.batch(stream), ([], True))  # a generator that raised is over

    def test_items_first_then_the_error_through_next(self):
        generator = self.call("sample_streams", "yields_then_raises", 2)
        items, error = self.items_then_error(generator, op="stream_next")
        self.assertEqual((items, error["message"]), ([0, 1], "failed after 2 items"))
        self.assertEqual(self.next(generator), (False, None))
        generator = self.call("sample_streams", "yields_then_raises", 2)
        self.assertEqual(self.next(generator), (True, 0))
        items, error = self.items_then_error(generator, [0])  # a batch keeps it for next
        self.assertEqual(items, [0, 1])
        self.assertEqual(self.next(generator), (False, None))

    def test_an_error_before_any_item_fails_the_batch_at_once(self):
        error = self.error(
            ("stream", self.session, "sample_streams", "raises_at_once", [], {}, 10), "python"
        )
        self.assertEqual(error["type"], "builtins.KeyError")
        self.assertEqual(self.live(), 0)
        generator = self.call("sample_streams", "raises_at_once")
        error = self.error(("stream_batch", self.session, generator, 10), "python")
        self.assertEqual(error["frames"][-1][:2], ("sample_streams", "raises_at_once"))

    def test_a_slow_producer_sends_each_item_as_it_comes(self):
        # every item takes at least 2 ms (a sleep): the batch ends after each one
        stream, items, done = self.stream("sample_streams", "slow", 3, 0.002)
        self.assertEqual((items, done), ([0], False))
        self.assertEqual(self.batch(stream), ([1], False))
        self.assertEqual(self.batch(stream), ([2], False))
        self.assertEqual(self.batch(stream), ([], True))

    def test_an_endless_fast_producer_still_ends_its_batch(self):
        stream, items, done = self.stream("itertools", "count", batch=10**9)
        self.assertFalse(done)
        self.assertEqual(items, list(range(len(items))))
        more, done = self.batch(stream, 10**9)
        self.assertFalse(done)
        self.assertEqual(more[0], len(items))

    def test_large_items_cut_the_batch(self):
        mib = 1 << 20
        stream, items, done = self.stream("sample_streams", "big_items", 10, mib)
        self.assertLessEqual(len(items), 4)  # estimated at 4 MiB or more after 4 items
        while not done:
            more, done = self.batch(stream)
            self.assertLessEqual(len(more), 4)
            items += more
        self.assertEqual(items, [bytes([index]) * mib for index in range(10)])
        stream, items, done = self.stream("builtins", "list", ["x" * (3 * mib)] * 3)
        self.assertLessEqual(len(items), 2)

    @unittest.skipUnless(support.numpy is not None, "numpy is not installed")
    def test_arrays_as_items(self):
        numpy = support.numpy
        stream, items, done = self.stream("sample_streams", "array_rows", 10, 1 << 20)
        self.assertLessEqual(len(items), 4)  # views: their data counts, not their header
        items += self.rest(stream, done)
        self.assertEqual(len(items), 10)
        self.assertTrue(
            all(type(item) is numpy.ndarray and item.nbytes == 1 << 20 for item in items)
        )
        stream, items = self.streamed("numpy", "arange", 6)
        self.assertEqual(items, [0, 1, 2, 3, 4, 5])
        self.assertEqual([type(item) for item in items], [int] * 6)
        stream, items = self.streamed("numpy", "eye", 2)
        self.assertTrue(support.same_value(items, [numpy.eye(2)[0], numpy.eye(2)[1]]))

    # --- §6.4 coroutines and async iterators -------------------------------------------------

    def test_a_coroutine_function_is_awaited(self):
        self.assertEqual(self.worker.call("sample_streams", "add_later", 2, 3), ("result", 5))
        kind, error = self.worker.call("sample_streams", "fail_later")
        self.assertEqual(
            (kind, error["type"], error["message"]),
            ("error", "builtins.ValueError", "failed in a coroutine"),
        )
        self.assertEqual(error["frames"][-1][:2], ("sample_streams", "fail_later"))

    def test_coroutines_through_call_method_and_helper(self):
        client = self.call("sample_streams", "Client")
        self.assertEqual(self.result(("call_method", self.session, client, "double", [21], {})), 42)
        self.assertEqual(
            self.result(("helper", None, "greetings.hello_later", ["you"], {})), "hello you!"
        )

    def test_the_event_loop_is_kept_across_calls(self):
        self.assertEqual(self.worker.call("sample_streams", "make_queue", "kept"), ("result", None))
        self.assertEqual(self.worker.call("sample_streams", "from_queue"), ("result", "kept"))

    def test_a_stream_of_what_a_coroutine_returns(self):
        stream, items = self.streamed("sample_streams", "list_later", 3)
        self.assert_stream(stream, "builtins.list_iterator", "builtins")
        self.assertEqual(items, [0, 1, 2])

    def test_async_generators_stream(self):
        stream, items, _done = self.stream("sample_streams", "agen", 5, batch=2)
        self.assert_stream(stream, "builtins.async_generator", "builtins")
        items += self.take(stream, 4 - len(items))
        self.assertEqual(items, [0, 1, 2, 3])
        self.assertEqual(self.next(stream), (True, 4))
        self.assertEqual(self.next(stream), (False, None))
        self.assertEqual(self.batch(stream), ([], True))
        self.assertEqual(self.rest(self.call("sample_streams", "Ticker", 3), size=2), [2, 1, 0])
        stream, items = self.streamed("sample_streams", "AsyncNumbers", 3)
        self.assert_stream(stream, "builtins.async_generator", "builtins")
        self.assertEqual(items, [0, 1, 2])

    def test_async_generator_items_then_error_and_close(self):
        stream, items, done = self.stream("sample_streams", "agen_raises", 2)
        items, error = self.items_then_error(stream, items)
        self.assertEqual((items, error["message"]), ([0, 1], "async failed after 2 items"))
        stream, items, done = self.stream("sample_streams", "agen_guarded", "async close", batch=3)
        self.assertFalse(done)
        self.assertIsNone(self.close(stream))
        self.assertEqual(self.events(), ["async close closed"])

    def test_a_coroutine_nested_in_a_running_one_fails_clearly(self):
        nested = []

        def java(callback_id, args, kwargs, call_id):
            # the Java callback calls Python again: a coroutine function, then a plain one
            nested.append(
                self.worker.ask(("call", None, "sample_streams", "add_later", [1, 1], {}))
            )
            nested.append(self.worker.ask(("call", None, "math", "sqrt", [args[0]], {})))
            return "back"

        self.assertEqual(
            self.result(
                ("call", None, "sample_streams", "call_back_later", [Callback(1, "java"), 9], {}),
                on_callback=java,
            ),
            "back",
        )
        (kind, error), plain = nested
        self.assertEqual((kind, error["type"]), ("error", "builtins.RuntimeError"))
        self.assertIn("event loop is already running", error["message"])
        self.assertEqual(plain, ("result", 3.0))
        self.assertEqual(self.worker.call("sample_streams", "add_later", 1, 1), ("result", 2))


class CancelTest(unittest.TestCase):
    """CANCEL during stream ops and awaited coroutines (§6.3, §6.4)."""

    @classmethod
    def setUpClass(cls):
        cls.worker = support.WorkerProcess(paths=[support.HERE])

    @classmethod
    def tearDownClass(cls):
        status = cls.worker.close()
        cls.worker.release()
        assert status == 0, status

    def setUp(self):
        self.session = session(self.id())
        self.worker.call("sample_streams", "take_events")

    def ask(self, request):
        kind, value = self.worker.ask(request)
        self.assertEqual(kind, "result", value)
        return value

    def cancel_while_running(self, request):
        marker = support.new_marker()
        self.assertEqual(
            self.worker.call("sample_streams", "mark_when_stuck", marker), ("result", None)
        )
        call = self.worker.start(request)
        support.wait_until(lambda: os.path.exists(marker), "the call to get stuck")
        self.worker.send(frames.CANCEL, call)
        kind, error = self.worker.reply(call)
        self.assertEqual(
            (kind, error["kind"], error["type"]),
            ("error", "cancelled", "snakebridge_worker.Cancelled"),
            error,
        )
        return error

    def events(self):
        return self.worker.call("sample_streams", "take_events")[1]

    def assert_serves_on(self):
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))

    def test_cancel_inside_a_generator_closes_it(self):
        stream, items, _done = self.ask(
            ("stream", self.session, "sample_streams", "fast_then_stuck", ["stuck", 1], {}, 1)
        )
        self.assertEqual(items, [0])  # the next item never comes
        error = self.cancel_while_running(("stream_batch", self.session, stream, 100))
        self.assertEqual(self.events(), ["stuck closed"])
        self.assertEqual(error["frames"][-1][:2], ("sample_streams", "spin"))
        self.assert_serves_on()
        self.assertEqual(self.ask(("stream_batch", self.session, stream, 10)), ([], True))
        self.assertEqual(self.ask(("stream_next", self.session, stream)), (False, None))
        self.assertIsNone(self.ask(("stream_close", self.session, stream)))

    def test_cancel_of_the_stream_op_closes_its_iterator(self):
        self.cancel_while_running(
            ("stream", self.session, "sample_streams", "fast_then_stuck", ["stuck", 0], {}, 100)
        )
        self.assertEqual(self.events(), ["stuck closed"])
        self.assertEqual(self.ask(("sessions", None)).get(self.session[0], 0), 0)
        self.assert_serves_on()

    def test_cancel_of_stream_next(self):
        generator = self.ask(
            ("call", self.session, "sample_streams", "fast_then_stuck", ["next", 1], {})
        )
        self.assertEqual(self.ask(("stream_next", self.session, generator)), (True, 0))
        self.cancel_while_running(("stream_next", self.session, generator))
        self.assertEqual(self.events(), ["next closed"])
        self.assertEqual(self.ask(("stream_next", self.session, generator)), (False, None))

    def test_cancel_of_an_awaited_coroutine_finalizes_it(self):
        # An answer within support.TIMEOUT, not after the hour.
        self.cancel_while_running(
            ("call", None, "sample_streams", "sleep_guarded", ["sleeper", 3600], {})
        )
        self.assertEqual(self.events(), ["sleeper closed"])
        self.assert_serves_on()
        self.assertEqual(self.worker.call("sample_streams", "add_later", 1, 2), ("result", 3))

    def test_cancel_of_a_busy_coroutine(self):
        self.cancel_while_running(
            ("call", None, "sample_streams", "spin_guarded", ["spinner", 3600], {})
        )
        self.assertEqual(self.events(), ["spinner closed"])
        self.assertEqual(self.worker.call("sample_streams", "add_later", 1, 2), ("result", 3))

    def test_cancel_inside_an_async_generator_closes_it(self):
        stream, items, _done = self.ask(
            ("stream", self.session, "sample_streams", "agen_then_stuck", ["async stuck", 1], {}, 1)
        )
        self.assertEqual(items, [0])
        self.cancel_while_running(("stream_batch", self.session, stream, 100))
        self.assertEqual(self.events(), ["async stuck closed"])
        self.assertEqual(self.ask(("stream_batch", self.session, stream, 10)), ([], True))
        self.assert_serves_on()
        self.assertEqual(self.worker.call("sample_streams", "add_later", 1, 2), ("result", 3))


class _Control:
    """Stands in for control.InputControl: whether the call was cancelled before it shielded."""

    def __init__(self, interrupted):
        self.interrupted = interrupted

    def shield(self):
        return not self.interrupted

    def current_call(self):
        return None


def ticking(seconds, cancel_at=None):
    """A clock for Streams: each reading is `seconds` later than the one before; reading
    number `cancel_at` raises Cancelled, as a CANCEL landing in the worker's own loop does."""
    readings = itertools.count()

    def clock():
        reading = next(readings)
        if reading == cancel_at:
            raise Cancelled
        return reading * seconds

    return clock


class InProcessCancelTest(unittest.TestCase):
    """Cancelled landing in the worker's own loop, not in the generator: deterministic here."""

    def setUp(self):
        self.registry = sessions.Registry()
        self.session = self.registry.session(("s", 100, 3600.0))
        sample_streams.take_events()

    def streams(self, control=None, clock=None):
        ops = streams.Streams(self.registry, clock or ticking(0.0))
        ops.control = control
        return ops

    def register(self, iterator):
        batch = self.session.batch()
        batch.ref_args(iterator)
        batch.commit()
        return self.registry.entry_of(self.session, iterator, [])

    def test_cancelled_between_runs_closes_the_generator(self):
        generator = sample_streams.guarded("between runs")
        entry = self.register(generator)
        ops = self.streams(clock=ticking(0.0, cancel_at=4))  # in the third run
        with self.assertRaises(Cancelled):
            ops.batch(self.session, None, generator, 100)
        self.assertEqual(sample_streams.take_events(), ["between runs closed"])
        self.assertIs(entry.pending, streams.EXHAUSTED)
        self.assertEqual(ops.batch(self.session, None, generator, 100), ([], True))
        self.assertEqual(ops.next_item(self.session, None, generator), (False, None))

    def test_cancelled_before_the_items_are_shielded(self):
        generator = sample_streams.guarded("shield")
        entry = self.register(generator)
        cancelled = self.streams(_Control(interrupted=True))
        with self.assertRaises(Cancelled):
            cancelled.batch(self.session, None, generator, 5)
        self.assertEqual(sample_streams.take_events(), ["shield closed"])
        self.assertIs(entry.pending, streams.EXHAUSTED)
        listed = iter([1, 2, 3])  # no close(): its stream is over all the same
        self.register(listed)
        with self.assertRaises(Cancelled):
            cancelled.next_item(self.session, None, listed)
        self.assertEqual(
            self.streams(_Control(interrupted=False)).batch(self.session, None, listed, 5),
            ([], True),
        )

    def test_a_cancelled_stream_op_closes_its_iterator(self):
        with self.assertRaises(Cancelled):
            self.streams(_Control(interrupted=True)).start(
                self.session, sample_streams.guarded("start"), 5
            )
        self.assertEqual(sample_streams.take_events(), ["start closed"])

    def test_an_async_stream_cancelled_before_shielding_is_closed(self):
        stream = sample_streams.agen_guarded("async shield")
        self.register(stream)
        with self.assertRaises(Cancelled):
            self.streams(_Control(interrupted=True)).batch(self.session, None, stream, 5)
        self.assertEqual(sample_streams.take_events(), ["async shield closed"])

    def test_a_stream_keeps_its_error_for_the_next_batch(self):
        ops = self.streams()
        generator = sample_streams.yields_then_raises(2)
        self.register(generator)
        self.assertEqual(ops.batch(self.session, None, generator, 10), ([0, 1], False))
        with self.assertRaises(ValueError):
            ops.next_item(self.session, None, generator)
        self.assertEqual(ops.batch(self.session, None, generator, 10), ([], True))


class BatchRulesTest(unittest.TestCase):
    """§6.3 exactly, in process: the batch loop under a fake clock."""

    def take(self, iterator, limit, seconds=0.0):
        """A batch while each reading of the clock is `seconds` later (by default time stands
        still, so only counts and sizes end it)."""
        return streams.take(iterator, limit, ticking(seconds))

    def test_the_count_limit(self):
        numbers = iter(range(10))
        self.assertEqual(self.take(numbers, 3), ([0, 1, 2], False, None))
        self.assertEqual(self.take(numbers, 3), ([3, 4, 5], False, None))
        self.assertEqual(self.take(numbers, 4), ([6, 7, 8, 9], False, None))  # not yet known
        self.assertEqual(self.take(numbers, 4), ([], True, None))
        self.assertEqual(self.take(iter(range(5)), 100), ([0, 1, 2, 3, 4], True, None))
        self.assertEqual(self.take(itertools.count(), 5000), (list(range(5000)), False, None))

    def test_the_size_limit(self):
        # uniform items: the batch ends at the very item that reaches BATCH_BYTES
        size = streams.BATCH_BYTES // 10
        items, done, error = self.take(iter([b"x" * size] * 40), 100)
        self.assertEqual((len(items), done, error), (10, False, None))
        items, done, error = self.take(sample_streams.big_items(10, 1 << 20), 100)
        self.assertEqual((len(items), done), (4, False))  # 4 MiB and a little more
        items, done, error = self.take(iter(["x" * (3 << 20)] * 3), 100)
        self.assertEqual(len(items), 2)
        # big and small items in turn: runs stay as short as the big ones need
        text = "x" * (1 << 20)
        items, done, error = self.take(iter([text, None] * 10), 100)
        self.assertEqual(items, [text, None, text, None, text, None, text])

    def test_estimates_of_runs_of_one_type(self):
        huge = 10**100000  # 44 kB
        count = -(-streams.BATCH_BYTES // sys.getsizeof(huge))
        self.assertEqual(len(self.take(iter([-huge] + [huge] * 200), 1000)[0]), count)
        count = -(-streams.BATCH_BYTES // sys.getsizeof(0.5))
        self.assertEqual(len(self.take(itertools.repeat(0.5), 10**6)[0]), count)
        self.assertEqual(len(self.take(itertools.repeat("é" * (1 << 20)), 100)[0]), 4)

    @unittest.skipUnless(support.numpy is not None, "numpy is not installed")
    def test_arrays_count_their_data(self):
        rows = sample_streams.array_rows(10, 1 << 20)  # views
        self.assertEqual(len(self.take(iter(rows), 100)[0]), 4)
        owned = [row.copy() for row in rows]
        self.assertEqual(len(self.take(iter(owned), 100)[0]), 4)

    def test_a_slow_producer(self):
        # every item takes 2 ms: the first item alone ends the batch
        self.assertEqual(self.take(iter(range(10)), 100, 0.002), ([0], False, None))

    def test_five_milliseconds_after_the_first_item(self):
        # runs of one item, each just under the slow mark: the first item is taken at 0.9 ms,
        # the fourth run ends at 6.3 ms, 5.4 ms later
        self.assertEqual(self.take(itertools.count(), 100, 0.0009), ([0, 1, 2, 3], False, None))

    def test_items_first_then_the_error(self):
        items, done, error = self.take(sample_streams.yields_then_raises(3), 100)
        self.assertEqual((items, done, type(error)), ([0, 1, 2], False, ValueError))
        with self.assertRaises(KeyError):
            self.take(sample_streams.raises_at_once(), 100)


if __name__ == "__main__":
    unittest.main()
