"""A value cannot change the codec's own globals: BUILD, SETITEM(S), APPEND(S) and ADDITEMS on
what `find_class` hands out are refused (sbw.refuse_state), and the worker serves on."""

import datetime
import pickle
import unittest

import support
from snakebridge_worker import ProtocolError, callbacks, codec, frames, refs, sbw, sessions


def _str(text):
    data = text.encode()
    return pickle.SHORT_BINUNICODE + bytes([len(data)]) + data


def _global(name):
    return _str("sbw") + _str(name) + pickle.STACK_GLOBAL


def build_on(name, state):
    """PROTO 5, the global sbw.`name`, BUILD with `state` (pickle bytes), STOP."""
    return pickle.PROTO + b"\x05" + _global(name) + state + pickle.BUILD + pickle.STOP


RENAME = (
    pickle.NONE
    + pickle.EMPTY_DICT
    + _str("__name__")
    + _str("evil")
    + pickle.SETITEM
    + pickle.TUPLE2
)  # (None, {"__name__": "evil"}): setattr(obj, "__name__", "evil")
ADD_ATTRIBUTE = pickle.EMPTY_DICT + _str("planted") + _str("yes") + pickle.SETITEM
MUTATIONS = {
    "build slot state": lambda name: build_on(name, RENAME),
    "build dict state": lambda name: build_on(name, ADD_ATTRIBUTE),
    "setitems": lambda name: (
        pickle.PROTO
        + b"\x05"
        + _global(name)
        + pickle.MARK
        + _str("k")
        + _str("v")
        + pickle.SETITEMS
        + pickle.STOP
    ),
    "setitem": lambda name: (
        pickle.PROTO
        + b"\x05"
        + _global(name)
        + _str("k")
        + _str("v")
        + pickle.SETITEM
        + pickle.STOP
    ),
    "appends": lambda name: (
        pickle.PROTO
        + b"\x05"
        + _global(name)
        + pickle.MARK
        + _str("v")
        + pickle.APPENDS
        + pickle.STOP
    ),
    "append": lambda name: (
        pickle.PROTO + b"\x05" + _global(name) + _str("v") + pickle.APPEND + pickle.STOP
    ),
    "additems": lambda name: (
        pickle.PROTO
        + b"\x05"
        + _global(name)
        + pickle.MARK
        + _str("v")
        + pickle.ADDITEMS
        + pickle.STOP
    ),
}


def _snapshot(function):
    return (
        function.__name__,
        function.__qualname__,
        function.__module__,
        dict(function.__dict__),
        function.__defaults__,
        function.__kwdefaults__,
    )


class RefusedMutationsTest(unittest.TestCase):
    def decoder(self):
        channel = callbacks.Channel(worker=None)
        return codec.Decoder(refs.Resolver(sessions.Registry(), channel))

    def assert_refused(self, decoder, pickle_bytes, function):
        before = _snapshot(function)
        with self.assertRaises(ProtocolError):
            decoder.decode(memoryview(pickle_bytes))
        self.assertEqual(_snapshot(function), before)

    def test_every_global_find_class_admits(self):
        decoder = self.decoder()
        names = [*list(sbw.CONSTRUCTORS), "ref", "callback"]
        for name in names:
            function = getattr(refs.Resolver, name, None) or sbw.CONSTRUCTORS[name]
            for mutation, make in MUTATIONS.items():
                with self.subTest(name=name, mutation=mutation):
                    self.assert_refused(decoder, make(name), function)

    def test_datetimes_still_cross_after_a_refused_rename(self):
        decoder = self.decoder()
        with self.assertRaises(ProtocolError) as caught:
            decoder.decode(memoryview(build_on("datetime", RENAME)))
        self.assertIn("BUILD on a codec global", str(caught.exception))
        value = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        self.assertEqual(codec.decode_value_section(codec.encode_value_section(value)), value)


class WorkerServesOnTest(unittest.TestCase):
    def test_a_call_that_would_rename_sbw_datetime(self):
        worker = support.WorkerProcess()
        self.addCleanup(worker.release)
        # A well-formed CALL of datetime.datetime.now that renames sbw.datetime on the way:
        # the BUILD's result is popped, so only the refusal can fail the call.
        call = (
            pickle.PROTO
            + b"\x05"
            + _global("datetime")
            + RENAME
            + pickle.BUILD
            + pickle.POP
            + pickle.MARK
            + _str("call")
            + pickle.NONE
            + _str("datetime")
            + _str("datetime.now")
            + pickle.EMPTY_LIST
            + pickle.EMPTY_DICT
            + pickle.TUPLE
            + pickle.STOP
        )
        request_id = worker.new_id()
        worker.send(frames.CALL, request_id, support.value_section(call))
        kind, error = worker.reply(request_id)
        self.assertEqual(kind, "error")
        self.assertEqual(error["kind"], "protocol", error)
        self.assertIn("BUILD on a codec global", error["message"])
        kind, now = worker.call("datetime", "datetime", 2020, 1, 2)
        self.assertEqual((kind, now), ("result", datetime.datetime(2020, 1, 2)))
        self.assertEqual(
            worker.call("datetime", "date", 2021, 5, 6), ("result", datetime.date(2021, 5, 6))
        )


if __name__ == "__main__":
    unittest.main()
