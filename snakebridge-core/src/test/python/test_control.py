"""A real worker while calls run: PING, CANCEL, SHUTDOWN, end of input, parent death."""

import os
import select
import subprocess
import sys
import time
import unittest

import support
from snakebridge_worker import frames

# Typical latencies are a few milliseconds: the control thread waits for the GIL about one
# switch interval (5 ms). On an oversubscribed machine single answers can take far longer, so
# the tests check what matters structurally: the answer comes while the call still runs (long
# calls would last ten minutes, beyond support.TIMEOUT, and are cancelled). No latency bound.
LONG = 600


class LongCallTest(unittest.TestCase):
    def setUp(self):
        self.worker = support.WorkerProcess(paths=[support.HERE])
        self.addCleanup(self.worker.release)

    def ping(self, ping_id):
        """A PING answered while a call runs: read_frame fails if a RESULT comes first."""
        self.worker.send(frames.PING, ping_id)
        self.assertEqual(self.worker.read_frame(), (frames.PONG, ping_id, b""))

    def cancel(self, call):
        self.worker.send(frames.CANCEL, call)
        self.assertEqual(self.worker.reply(call)[1]["kind"], "cancelled")

    def test_ping_during_a_long_c_call_is_answered(self):
        # time.sleep holds no GIL; the wake-up signal ends it when it is cancelled.
        call = self.worker.start_running("sample_process_code", "sleep", LONG)
        for ping_id in (1001, 1002, 1003):
            self.ping(ping_id)
        self.cancel(call)

    def test_ping_during_a_long_python_loop_is_answered(self):
        call = self.worker.start_running("sample_user_code", "spin", LONG)
        for ping_id in range(2001, 2006):
            self.ping(ping_id)
        self.cancel(call)
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))

    def test_cancel_interrupts_a_python_loop_and_the_worker_serves_on(self):
        call = self.worker.start_running("sample_user_code", "spin", LONG)
        self.worker.send(frames.CANCEL, call)
        kind, error = self.worker.reply(call)  # not after the ten minutes
        self.assertEqual(
            (kind, error["kind"], error["type"]),
            ("error", "cancelled", "snakebridge_worker.Cancelled"),
        )
        self.assertEqual(error["frames"][-1][:2], ("sample_user_code", "spin"))
        self.assertIn("builtins.BaseException", error["mro"])
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))
        # and a later long call is still watched over and cancellable
        call = self.worker.start_running("sample_user_code", "spin", LONG)
        self.cancel(call)

    def test_cancel_of_another_id_leaves_the_call_alone(self):
        call = self.worker.start_running("sample_user_code", "spin", 0.5)
        self.worker.send(frames.CANCEL, call + 100)
        self.assertEqual(self.worker.reply(call)[0], "result")

    def test_cancel_after_the_call_ended_is_ignored(self):
        call = self.worker.start_call("sample_user_code", "spin", 0.05)
        self.assertEqual(self.worker.reply(call)[0], "result")
        self.worker.send(frames.CANCEL, call)
        self.assertEqual(self.worker.call("math", "sqrt", 1), ("result", 1.0))

    def test_frames_sent_during_a_long_call_are_served_in_order(self):
        first = self.worker.start_running("sample_user_code", "spin", 1.0)
        second = self.worker.start_call("math", "sqrt", 4)
        self.worker.send(frames.PING, 3001)
        third_runs = support.new_marker()
        third = self.worker.start_call("sample_user_code", "spin", LONG, third_runs)
        self.assertEqual(self.worker.read_frame(), (frames.PONG, 3001, b""))
        self.assertEqual(self.worker.reply(first)[0], "result")
        self.assertEqual(self.worker.reply(second), ("result", 2.0))
        support.wait_until(lambda: os.path.exists(third_runs), "the third call to run")
        self.ping(3002)  # the queued long call is watched over too
        self.cancel(third)

    def test_many_short_and_long_calls_lose_no_frame(self):
        expected = {}
        for round_number in range(20):
            if round_number % 5 == 0:
                expected[self.worker.start_call("sample_user_code", "spin", 0.01)] = None
            request_id = self.worker.start_call("sample_user_code", "echo", round_number)
            expected[request_id] = round_number
            self.worker.send(frames.PING, 10000 + round_number)
        replies, pongs = {}, set()
        while len(replies) < len(expected) or len(pongs) < 20:
            kind, request_id, body = self.worker.read_frame()
            if kind == frames.PONG:
                pongs.add(request_id)
            else:
                self.assertEqual(kind, frames.RESULT)
                replies[request_id] = support.codec.decode_value_section(body)
        self.assertEqual(pongs, set(range(10000, 10020)))
        for request_id, value in expected.items():
            if value is not None:
                self.assertEqual(replies[request_id], value)

    def test_shutdown_during_a_call_finishes_it_then_exits(self):
        call = self.worker.start_running("sample_user_code", "spin", 0.5)
        self.worker.send(frames.SHUTDOWN, 0)
        self.assertEqual(self.worker.reply(call)[0], "result")
        self.assertEqual(self.worker.wait(), 0)

    def test_end_of_input_during_a_long_call_exits_at_once(self):
        self.worker.start_running("sample_user_code", "spin", LONG)
        self.assertEqual(self.worker.close(), 0)  # fails after TIMEOUT, long before LONG

    def test_a_bad_frame_during_a_long_call_is_reported_at_once(self):
        self.worker.start_running("sample_user_code", "spin", LONG)
        self.ping(4001)  # the control thread reads now
        self.worker.send_raw(frames.HEADER.pack(12, 99, 0, 0, 4002))
        kind, request_id, error = self.worker.read_value()
        self.assertEqual((kind, request_id, error["kind"]), (frames.ERROR, 4002, "protocol"))
        self.assertIn("unknown frame kind 99", error["message"])
        self.assertEqual(self.worker.wait(), 3)

    def test_stdout_written_during_a_long_call_stays_off_the_protocol(self):
        call = self.worker.start_call("sample_user_code", "write_to_stdout", "during")
        self.assertEqual(self.worker.reply(call), ("result", "written"))
        self.assertIn("raw during", self.worker.stderr_text(wait_for="raw during"))


class ParentDeathTest(unittest.TestCase):
    INTERMEDIATE = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', sys.argv[1], sys.argv[2]],\n"
        "                 stdin=int(sys.argv[3]), stdout=int(sys.argv[4]),\n"
        "                 stderr=subprocess.DEVNULL, pass_fds=())\n"
        "sys.stdin.read()\n"  # lives until the test closes its stdin
    )

    def test_worker_exits_when_its_parent_dies_even_with_its_input_open(self):
        worker_in, to_worker = os.pipe()
        from_worker, worker_out = os.pipe()
        parent = subprocess.Popen(
            [
                sys.executable,
                "-c",
                self.INTERMEDIATE,
                support.ENTRY_POINT,
                support.PACKAGE_ROOT,
                str(worker_in),
                str(worker_out),
            ],
            stdin=subprocess.PIPE,
            pass_fds=(worker_in, worker_out),
        )
        os.close(worker_in)
        os.close(worker_out)
        self.addCleanup(os.close, to_worker)  # held open: no end of input for the worker
        self.addCleanup(os.close, from_worker)
        os.write(
            to_worker,
            support.encode_frame(
                frames.HELLO, 0, support.codec.encode_value_section(support.DEFAULT_HELLO)
            ),
        )
        header = os.read(from_worker, frames.HEADER_SIZE)  # the worker is up and watching
        self.assertEqual(frames.HEADER.unpack(header)[1], frames.HELLO)
        parent.stdin.close()
        parent.wait(support.TIMEOUT)
        deadline = time.monotonic() + support.TIMEOUT  # the watcher polls every 0.5 s
        while True:  # the rest of HELLO, then end of file when the worker exits
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([from_worker], [], [], remaining)[0]:
                self.fail("the worker outlived its parent")
            if not os.read(from_worker, 1 << 16):
                break


if __name__ == "__main__":
    unittest.main()
