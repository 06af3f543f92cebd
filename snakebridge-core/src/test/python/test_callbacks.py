"""Java callbacks through a real worker (WIRE-PROTOCOL §5.4); the test plays the JVM's part."""

import os
import unittest

import support
from snakebridge_worker import frames
from support import Callback, JavaThrew, PyRef, session

TOP_BIT = 1 << 63


class CallbackTest(unittest.TestCase):
    def setUp(self):
        self.worker = support.WorkerProcess(paths=[support.HERE])
        self.addCleanup(self.worker.release)
        self.seen = []  # (frame call_id, args) of every CALLBACK answered

    def negate(self, callback_id, args, kwargs, call_id):
        self.seen.append((call_id, args))
        return -args[0]

    def ask(self, request, on_callback=None):
        return self.worker.ask(request, on_callback=on_callback or self.negate)

    def test_sorted_with_a_java_key(self):
        request_id = self.worker.start(
            ("call", None, "builtins", "sorted", [[3, 1, 2]], {"key": Callback(7, "negate")})
        )
        kind, frame_id, value = self.worker.read_value()
        self.assertEqual((kind, value), (frames.CALLBACK, (7, [3], {}, request_id)))
        self.assertTrue(frame_id & TOP_BIT)
        self.worker.send_value(frames.CALLBACK_RESULT, frame_id, -3)
        self.assertEqual(
            self.worker.reply(request_id, on_callback=self.negate), ("result", [3, 2, 1])
        )
        self.assertEqual(sorted(args[0] for _, args in self.seen), [1, 2])

    def test_a_session_callback_outlives_its_call(self):
        s = session("maps")
        kind, lazy = self.ask(
            ("call", s, "builtins", "map", [Callback(1, "negate"), [1, 2, 3]], {})
        )
        self.assertEqual((kind, lazy.type_name), ("result", "builtins.map"))
        self.assertEqual(self.seen, [])  # map is lazy: nothing called back yet
        self.assertEqual(
            self.ask(("call", s, "builtins", "list", [lazy], {})), ("result", [-1, -2, -3])
        )

    def test_a_java_exception_reaches_the_error_dict_with_its_error_id(self):
        def throw(callback_id, args, kwargs, call_id):
            raise JavaThrew("java.lang.IllegalStateException", "no way", 42)

        kind, error = self.ask(
            ("call", None, "sample_objects", "call_back", [Callback(1, "throws")], {}),
            on_callback=throw,
        )
        self.assertEqual(
            (kind, error["kind"], error["type"], error["error_id"]),
            ("error", "python", "snakebridge_worker.JavaError", 42),
        )
        self.assertEqual(error["message"], "java.lang.IllegalStateException: no way")
        self.assertEqual(error["frames"][-1][:2], ("sample_objects", "call_back"))
        self.assertIn("builtins.Exception", error["mro"])
        self.assertEqual(
            self.ask(
                ("call", None, "sample_objects", "catch_java_error", [Callback(2, "throws")], {}),
                on_callback=throw,
            ),
            ("result", ("java.lang.IllegalStateException", "no way", 42)),
        )

    def test_a_nested_call_from_inside_a_callback(self):
        def root(callback_id, args, kwargs, call_id):
            self.worker.send(frames.PING, 77)  # answered while Python waits for us
            self.assertEqual(self.worker.read_frame(), (frames.PONG, 77, b""))
            return self.worker.ask(("call", None, "math", "sqrt", [args[0]], {}))[1]

        self.assertEqual(
            self.ask(
                ("call", None, "sample_objects", "call_back", [Callback(1, "root"), 16.0], {}),
                on_callback=root,
            ),
            ("result", 4.0),
        )

    def test_three_levels_of_nesting(self):
        def java_function(callback_id, args, kwargs, call_id):
            self.seen.append((call_id, args))
            level = args[0]
            if level == 3:
                return 100
            _kind, value = self.worker.ask(
                (
                    "call",
                    None,
                    "sample_objects",
                    "call_back",
                    [Callback(callback_id, "f"), level + 1],
                    {},
                ),
                on_callback=java_function,
            )
            return value + 1

        outer = self.worker.start(
            ("call", None, "sample_objects", "call_back", [Callback(5, "f"), 1], {})
        )
        self.assertEqual(self.worker.reply(outer, on_callback=java_function), ("result", 102))
        call_ids = [call_id for call_id, _ in self.seen]
        self.assertEqual(call_ids[0], outer)
        self.assertEqual(len(set(call_ids)), 3)  # each level names its own, innermost call
        self.assertEqual(self.ask(("call", None, "math", "sqrt", [9], {})), ("result", 3.0))

    def test_a_callback_no_longer_valid_raises(self):
        self.assertEqual(
            self.ask(("call", None, "sample_objects", "keep", [Callback(1, "gone")], {})),
            ("result", None),
        )
        kind, error = self.ask(("call", None, "sample_objects", "call_kept", [1], {}))
        self.assertEqual((kind, error["type"]), ("error", "builtins.RuntimeError"))
        self.assertIn("the call that passed it has ended", error["message"])
        s = session("kept")
        self.ask(("call", s, "sample_objects", "keep", [Callback(2, "kept")], {}))
        self.assertEqual(
            self.ask(("call", None, "sample_objects", "call_kept", [5], {})), ("result", -5)
        )
        self.ask(("release_session", s))
        kind, error = self.ask(("call", None, "sample_objects", "call_kept", [6], {}))
        self.assertEqual((kind, error["type"]), ("error", "builtins.RuntimeError"))
        self.assertIn("its session 'kept' was released", error["message"])

    def test_a_callback_with_no_call_running_is_refused(self):
        s = session("later")
        fired = support.new_marker()
        self.ask(("call", s, "sample_objects", "call_later", [Callback(1, "late"), 0.1, fired], {}))
        support.wait_until(lambda: os.path.exists(fired), "the timer to call back")
        _kind, outcome = self.ask(("call", s, "sample_objects", "later_outcome", [5.0], {}))
        self.assertRegex(outcome, r"^RuntimeError: .*only be called while a call")

    def test_a_finalizer_calling_back_during_a_wait_is_refused(self):
        s = session("finalizer")
        kind, dropped = self.ask(
            (
                "call",
                s,
                "sample_objects",
                "CallsBackWhenDropped",
                [Callback(1, "from_finalizer")],
                {},
            )
        )
        self.assertEqual(kind, "result")

        def release_then_answer(callback_id, args, kwargs, call_id):
            # Main waits for this answer and applies the RELEASE meanwhile; the finalizer that
            # runs then must not start a second wait inside the first.
            self.worker.send_value(frames.RELEASE, 0, ("finalizer", {dropped.ref_id: 1}))
            self.worker.stderr_text(wait_for="RuntimeError")
            return args[0] * 2

        self.assertEqual(
            self.ask(
                ("call", None, "sample_objects", "call_back", [Callback(2, "double"), 21], {}),
                on_callback=release_then_answer,
            ),
            ("result", 42),
        )
        self.assertRegex(
            self.worker.stderr_text(),
            r"RuntimeError: a Java callback cannot be called (while this thread "
            r"waits for another one's answer|from the worker's control thread)",
        )
        self.assertEqual(self.ask(("sessions", None)), ("result", {"finalizer": 0}))

    @unittest.skipUnless(hasattr(support.os, "fork"), "no fork on this platform")
    def test_a_child_process_cannot_call_back(self):
        self.assertEqual(
            self.ask(("call", None, "sample_objects", "in_child_process", [Callback(1, "f")], {})),
            (
                "result",
                "RuntimeError: the Java callback 'f' cannot be called from a child "
                "process: only the worker itself talks to the JVM",
            ),
        )

    def test_callbacks_from_other_threads_with_nested_calls(self):
        def square_root_plus(callback_id, args, kwargs, call_id):
            # A nested call while main waits for the thread pool: it runs on the calling thread.
            _kind, root = self.worker.ask(
                ("call", None, "math", "sqrt", [args[0] ** 2], {}), on_callback=square_root_plus
            )
            return root + 100

        self.assertEqual(
            self.ask(
                (
                    "call",
                    None,
                    "sample_objects",
                    "in_threads",
                    [Callback(1, "f"), [1, 2, 3, 4, 5, 6]],
                    {},
                ),
                on_callback=square_root_plus,
            ),
            ("result", [101.0, 102.0, 103.0, 104.0, 105.0, 106.0]),
        )

    def test_callbacks_after_the_control_thread_took_the_input(self):
        self.assertEqual(
            self.ask(
                (
                    "call",
                    None,
                    "sample_objects",
                    "spin_then_map",
                    [0.05, Callback(1, "negate"), [1, 2, 3]],
                    {},
                )
            ),
            ("result", [-1, -2, -3]),
        )

    def test_cancel_while_waiting_for_a_callback(self):
        call = self.worker.start(
            ("call", None, "sample_objects", "call_back", [Callback(1, "slow"), 1], {})
        )
        kind, frame_id, _ = self.worker.read_value()
        self.assertEqual(kind, frames.CALLBACK)
        self.worker.send(frames.CANCEL, call)
        kind, error = self.worker.reply(call)
        self.assertEqual((kind, error["kind"]), ("error", "cancelled"))
        self.worker.send_value(frames.CALLBACK_RESULT, frame_id, "too late")  # ignored
        self.assertEqual(self.ask(("call", None, "math", "sqrt", [4], {})), ("result", 2.0))

    def test_a_long_nested_call_is_watched_over_and_cancellable(self):
        def run_long(callback_id, args, kwargs, call_id):
            nested = self.worker.start_running("sample_user_code", "spin", 600)
            self.worker.send(frames.PING, 99)
            self.assertEqual(self.worker.read_frame(), (frames.PONG, 99, b""))
            self.worker.send(frames.CANCEL, nested)
            return self.worker.reply(nested)[1]["kind"]

        self.assertEqual(
            self.ask(
                ("call", None, "sample_objects", "call_back", [Callback(1, "long")], {}),
                on_callback=run_long,
            ),
            ("result", "cancelled"),
        )

    def test_references_in_callback_arguments_and_results(self):
        s = session("args")
        _kind, thing = self.ask(("call", s, "builtins", "object", [], {}))

        def echo(callback_id, args, kwargs, call_id):
            self.assertEqual(args, [thing])  # the same object: the same reference
            return args[0]

        self.assertEqual(
            self.ask(
                ("call", s, "sample_objects", "call_back", [Callback(1, "echo"), thing], {}),
                on_callback=echo,
            ),
            ("result", thing),
        )
        _kind, error = self.ask(
            ("call", None, "sample_objects", "call_back", [Callback(2, "echo"), []], {}),
            on_callback=lambda *_: thing,
        )
        self.assertEqual((error["kind"], error["call_session_id"]), ("session_mismatch", None))
        _kind, error = self.ask(
            ("call", None, "builtins", "sorted", [[1, 2]], {"key": Callback(3, "k")}),
            on_callback=lambda *_: [object],
        )
        self.assertEqual(error["kind"], "protocol")  # a global the codec does not have

    def test_an_argument_without_a_mapping_crosses_as_a_reference_in_a_session(self):
        kind, ref = self.ask(
            (
                "call",
                session("objects"),
                "sample_objects",
                "call_with_object",
                [Callback(1, "f")],
                {},
            ),
            on_callback=lambda cid, args, *_: args[0],
        )
        self.assertEqual((kind, type(ref), ref.type_name), ("result", PyRef, "builtins.object"))
        kind, error = self.ask(
            ("call", None, "sample_objects", "call_with_object", [Callback(2, "f")], {})
        )
        self.assertEqual(
            (kind, error["kind"], error["type"]),
            ("error", "python", "snakebridge_worker.ConversionError"),
        )
        self.assertIn("needs a session", error["message"])


if __name__ == "__main__":
    unittest.main()
