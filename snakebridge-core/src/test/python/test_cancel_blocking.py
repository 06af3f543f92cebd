"""CANCEL of calls blocked in system calls: the wake-up signal (process.py, control.py)."""

import os
import signal
import time
import unittest

import support
from snakebridge_worker import frames
from support import Callback

# The calls below block for ten minutes unless CANCEL interrupts them: an answer within the read
# timeout (support.TIMEOUT) proves the interruption (typical latency is a millisecond).
LONG = 600


class CancelBlockingCallTest(unittest.TestCase):
    def setUp(self):
        self.worker = support.WorkerProcess(paths=[support.HERE])
        self.addCleanup(self.worker.release)

    def assert_cancelled(self, call):
        kind, error = self.worker.reply(call)
        self.assertEqual(
            (kind, error["kind"], error["type"]),
            ("error", "cancelled", "snakebridge_worker.Cancelled"),
        )
        return error

    def cancel_soon(self, function, *args):
        call = self.worker.start_running("sample_process_code", function, *args)
        self.worker.send(frames.CANCEL, call)  # inside the blocking call
        return self.assert_cancelled(call)

    def test_cancel_interrupts_time_sleep(self):
        # The marker file is written just before time.sleep starts: a CANCEL that lands in that
        # gap stops the call in the marker helper instead. Try again until one lands in the sleep.
        for _ in range(20):
            error = self.cancel_soon("sleep", LONG)
            innermost = error["frames"][-1][:2]
            if innermost != ("sample_process_code", "_note"):
                break
        self.assertEqual(innermost, ("sample_process_code", "sleep"))
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))

    def test_cancel_interrupts_event_wait(self):
        self.cancel_soon("wait_for_event")
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))

    def test_cancel_interrupts_a_blocking_read_on_a_pipe(self):
        self.cancel_soon("read_pipe")
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))

    def test_cancel_interrupts_socket_recv_and_select(self):
        self.cancel_soon("receive")
        self.cancel_soon("select_forever")
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))

    def test_user_code_can_clean_up_after_cancelled(self):
        self.cancel_soon("sleep_and_report_cleanup", LONG)
        self.assertIn(
            "cleanup after Cancelled ran",
            self.worker.stderr_text(wait_for="cleanup after Cancelled ran"),
        )

    def test_every_cancelled_call_is_interrupted_again(self):
        for _ in range(5):
            self.cancel_soon("sleep", LONG)
        self.assertEqual(
            self.worker.call("sample_process_code", "sleep", 0.01), ("result", "slept")
        )

    def test_a_cancel_after_the_call_ended_does_nothing_to_the_next_call(self):
        call = self.worker.start_call("sample_process_code", "sleep", 0.01)
        self.assertEqual(self.worker.reply(call), ("result", "slept"))
        self.worker.send(frames.CANCEL, call)
        self.assertEqual(self.worker.call("sample_process_code", "sleep", 0.3), ("result", "slept"))

    def test_cancels_racing_the_end_of_their_call_never_reach_the_next_one(self):
        # The CANCEL lands just before, during or just after the end of the first call; the
        # second call must never see it, whatever the timing.
        for round_number in range(40):
            first = self.worker.start_call("sample_process_code", "sleep", 0.002)
            time.sleep(0.001 * (round_number % 5))
            self.worker.send(frames.CANCEL, first)
            second = self.worker.start_call("sample_process_code", "sleep", 0.02)
            kind, value = self.worker.reply(first)
            self.assertTrue(kind == "result" or value["kind"] == "cancelled", value)
            self.assertEqual(self.worker.reply(second), ("result", "slept"), round_number)

    def test_a_stray_sigint_does_nothing(self):
        os.kill(self.worker.process.pid, signal.SIGINT)  # idle
        call = self.worker.start_running("sample_process_code", "sleep", 0.3)
        os.kill(self.worker.process.pid, signal.SIGINT)  # during a call nobody cancelled
        self.assertEqual(self.worker.reply(call), ("result", "slept"))
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))

    def test_a_user_sigint_handler_is_never_signalled_and_cancel_still_works(self):
        call = self.worker.start_running(
            "sample_process_code", "spin_with_own_sigint_handler", LONG
        )
        self.worker.send(frames.CANCEL, call)  # an asynchronous exception, not the signal
        self.assert_cancelled(call)
        self.worker.send(frames.PING, 77)
        self.assertEqual(self.worker.read_frame(), (frames.PONG, 77, b""))
        self.assertNotIn("user SIGINT handler called", self.worker.stderr_text())
        # The user's code restored the worker's handler: blocking calls are interruptible again.
        self.assertEqual(
            self.worker.call("sample_process_code", "sigint_handler_name"), ("result", "_on_wake")
        )
        self.cancel_soon("sleep", LONG)

    def test_cancel_interrupts_a_blocking_nested_call_and_the_outer_call_goes_on(self):
        def run_nested(callback_id, args, kwargs, call_id):
            nested = self.worker.start_running("sample_process_code", "sleep", LONG)
            self.worker.send(frames.CANCEL, nested)
            return self.worker.reply(nested)[1]["kind"]

        self.assertEqual(
            self.worker.ask(
                ("call", None, "sample_objects", "call_back", [Callback(1, "nested")], {}),
                on_callback=run_nested,
            ),
            ("result", "cancelled"),
        )


if __name__ == "__main__":
    unittest.main()
