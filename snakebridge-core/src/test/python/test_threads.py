"""HELLO `threads` > 1: several calls at once on one worker (WIRE-PROTOCOL §4.1)."""

import os
import shutil
import tempfile
import time
import unittest

import support
from snakebridge_worker import frames
from support import Callback

LONG = 600  # beyond support.TIMEOUT: such a call ends only when cancelled


class ThreadsHandshakeTest(unittest.TestCase):
    def test_one_thread_when_the_jvm_does_not_say(self):
        worker = support.WorkerProcess()
        self.addCleanup(worker.release)
        self.assertEqual(worker.hello["threads"], 1)

    def test_the_worker_confirms_the_number_asked_for(self):
        worker = support.WorkerProcess(threads=3)
        self.addCleanup(worker.release)
        self.assertEqual(worker.hello["threads"], 3)

    def test_bad_values_are_refused(self):
        for bad in (0, -2, "2", 2.0, True, None):
            worker = support.WorkerProcess(handshake=False)
            self.addCleanup(worker.release)
            worker.send_value(frames.HELLO, 0, dict(support.DEFAULT_HELLO, threads=bad))
            kind, _, error = worker.read_value()
            self.assertEqual((kind, error["kind"]), (frames.ERROR, "protocol"), bad)
            self.assertIn("'threads' must be an int >= 1", error["message"])
            self.assertEqual(worker.wait(), 3)


class ThreadsTest(unittest.TestCase):
    def setUp(self):
        self.worker = support.WorkerProcess(paths=[support.HERE], threads=4)
        self.addCleanup(self.worker.release)
        self.seen = []
        # Imported once up front: a CANCEL that lands inside a thread's first import of a
        # module can leave the import system locked (docs/LIFECYCLE.md, limits).
        self.assertEqual(self.worker.call("sample_user_code", "echo", 1), ("result", 1))

    def replies(self, calls, timeout=support.TIMEOUT):
        """The replies to `calls`, in whatever order they come."""
        return [
            self.worker.reply(call, timeout=timeout, on_callback=self.no_callback) for call in calls
        ]

    @staticmethod
    def no_callback(*frame):
        raise AssertionError(f"unexpected CALLBACK {frame}")

    def test_four_calls_run_at_once(self):
        # Each waits for the other three: one after the other they would never end.
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        calls = [self.worker.start_call("sample_process_code", "meet", folder, 4) for _ in range(4)]
        self.assertEqual(self.replies(calls), [("result", "met")] * 4)

    def test_more_calls_than_threads_wait_their_turn(self):
        calls = [self.worker.start_call("sample_user_code", "echo", n) for n in range(50)]
        self.assertEqual(self.replies(calls), [("result", n) for n in range(50)])

    def test_ping_is_answered_while_every_thread_is_busy(self):
        calls = [self.worker.start_running("sample_user_code", "spin", LONG) for _ in range(4)]
        self.worker.send(frames.PING, 900)
        self.assertEqual(self.worker.read_frame(), (frames.PONG, 900, b""))
        for call in calls:
            self.worker.send(frames.CANCEL, call)
        self.assertEqual([error["kind"] for _, error in self.replies(calls)], ["cancelled"] * 4)

    def test_cancel_interrupts_only_its_own_call(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        markers = [os.path.join(folder, str(n)) for n in range(3)]
        calls = [
            self.worker.start_call("sample_user_code", "spin", LONG, marker) for marker in markers
        ]
        # All three run, none waits for a thread.
        support.wait_until(lambda: all(map(os.path.exists, markers)), "the three calls to run")
        self.worker.send(frames.CANCEL, calls[1])
        kind, error = self.worker.reply(calls[1])
        self.assertEqual((kind, error["kind"]), ("error", "cancelled"))
        self.assertEqual(error["frames"][-1][:2], ("sample_user_code", "spin"))
        # The other two still run: a short call on the fourth thread overtakes them.
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))
        for call in (calls[0], calls[2]):
            self.worker.send(frames.CANCEL, call)
            self.assertEqual(self.worker.reply(call)[1]["kind"], "cancelled")

    def test_cancel_of_a_call_waiting_for_a_thread_answers_without_running_it(self):
        calls = [self.worker.start_running("sample_user_code", "spin", LONG) for _ in range(4)]
        queued = self.worker.start_call("sample_user_code", "spin", LONG)
        self.worker.send(frames.CANCEL, queued)
        kind, error = self.worker.reply(queued)
        self.assertEqual((kind, error["kind"]), ("error", "cancelled"))
        self.assertEqual(error["frames"], [])  # it never ran
        for call in calls:
            self.worker.send(frames.CANCEL, call)
        self.assertEqual([error["kind"] for _, error in self.replies(calls)], ["cancelled"] * 4)

    def test_callbacks_from_two_concurrent_calls(self):
        def answer(callback_id, args, kwargs, call_id):
            self.seen.append((callback_id, call_id))
            time.sleep(0.05)  # both calls wait at the same time
            return args[0] * 10

        first = self.worker.start(
            ("call", None, "sample_objects", "call_back", [Callback(1, "times_ten"), 1], {})
        )
        second = self.worker.start(
            ("call", None, "sample_objects", "call_back", [Callback(2, "times_ten"), 2], {})
        )
        self.assertEqual(self.worker.reply(first, on_callback=answer), ("result", 10))
        self.assertEqual(self.worker.reply(second, on_callback=answer), ("result", 20))
        self.assertEqual(sorted(self.seen), [(1, first), (2, second)])

    def test_nested_calls_while_every_thread_waits_for_a_callback(self):
        # Four calls each wait for a callback that makes a nested call: with no thread free,
        # the nested calls must run on the waiting threads.
        def nested(callback_id, args, kwargs, call_id):
            return self.worker.ask(
                ("call", None, "math", "sqrt", [args[0]], {}), on_callback=nested
            )[1]

        calls = [
            self.worker.start(
                (
                    "call",
                    None,
                    "sample_objects",
                    "call_back",
                    [Callback(n, "root"), float(n * n)],
                    {},
                )
            )
            for n in range(1, 5)
        ]
        time.sleep(0.05)  # all four are waiting before any answer goes out
        self.assertEqual(
            [self.worker.reply(call, on_callback=nested) for call in calls],
            [("result", float(n)) for n in range(1, 5)],
        )

    def test_cancel_of_a_call_waiting_for_a_callback(self):
        call = self.worker.start(
            ("call", None, "sample_objects", "call_back", [Callback(1, "slow"), 1], {})
        )
        kind, frame_id, _ = self.worker.read_value()
        self.assertEqual(kind, frames.CALLBACK)
        self.worker.send(frames.CANCEL, call)
        self.assertEqual(self.worker.reply(call)[1]["kind"], "cancelled")
        self.worker.send_value(frames.CALLBACK_RESULT, frame_id, "too late")  # ignored
        self.assertEqual(self.worker.call("math", "sqrt", 4), ("result", 2.0))

    def test_a_callback_from_a_thread_of_the_users_is_refused(self):
        kind, error = self.worker.ask(
            ("call", None, "sample_objects", "in_threads", [Callback(1, "f"), [1]], {}),
            on_callback=lambda *_: 0,
        )
        self.assertEqual((kind, error["type"]), ("error", "builtins.RuntimeError"))
        self.assertIn("with threads > 1", error["message"])

    def test_shutdown_finishes_the_calls_received_then_exits(self):
        calls = [self.worker.start_call("sample_process_code", "sleep", 0.3) for _ in range(2)]
        self.worker.send(frames.SHUTDOWN, 0)
        self.assertEqual(self.replies(calls), [("result", "slept")] * 2)
        self.assertEqual(self.worker.wait(), 0)

    def test_shutdown_still_serves_a_call_waiting_for_its_callback(self):
        call = self.worker.start(
            ("call", None, "sample_objects", "call_back", [Callback(1, "late"), 5], {})
        )
        kind, frame_id, _value = self.worker.read_value()
        self.assertEqual(kind, frames.CALLBACK)
        self.worker.send(frames.SHUTDOWN, 0)
        time.sleep(0.05)
        self.worker.send_value(frames.CALLBACK_RESULT, frame_id, "answered")
        self.assertEqual(self.worker.reply(call), ("result", "answered"))
        self.assertEqual(self.worker.wait(), 0)

    def test_end_of_input_after_shutdown_while_a_call_waits_for_a_callback(self):
        self.worker.start(
            ("call", None, "sample_objects", "call_back", [Callback(1, "never"), 5], {})
        )
        self.assertEqual(self.worker.read_value()[0], frames.CALLBACK)
        self.worker.send(frames.SHUTDOWN, 0)
        self.assertEqual(self.worker.close(), 0)  # the answer can never come: leave at once

    def test_end_of_input_while_calls_run_exits_at_once(self):
        self.worker.start_running("sample_user_code", "spin", LONG)
        self.worker.start_running("sample_process_code", "sleep", LONG)
        self.assertEqual(self.worker.close(), 0)


if __name__ == "__main__":
    unittest.main()
