"""HELLO memory_limit: the worker limits its own data memory (server.limit_memory); a call that
allocates past it fails with MemoryError and the worker serves on."""

import sys
import unittest

import support
from snakebridge_worker import frames

LIMIT = 256 << 20


@unittest.skipUnless(sys.platform.startswith("linux"), "RLIMIT_DATA is enforced by Linux")
class MemoryLimitTest(unittest.TestCase):
    def start(self, **hello):
        worker = support.WorkerProcess(paths=[support.HERE], **hello)
        self.addCleanup(worker.release)
        return worker

    def test_the_limit_is_set(self):
        worker = self.start(memory_limit=LIMIT)
        kind, (data, limit) = worker.call("sample_process_code", "data_size")
        self.assertEqual((kind, limit), ("result", LIMIT))
        self.assertLess(data, LIMIT)

    def test_calls_past_the_limit_get_memory_error_and_the_worker_serves_on(self):
        worker = self.start(memory_limit=LIMIT)
        for function, size in (("allocate", 400), ("grow_list", 50_000_000), ("allocate", 1000)):
            with self.subTest(function=function, size=size):
                kind, error = worker.call("sample_process_code", function, size)
                self.assertEqual((kind, error["type"]), ("error", "builtins.MemoryError"))
                self.assertEqual(
                    worker.call("sample_process_code", "allocate", 64),
                    ("result", 64),
                    "memory below the limit is still there",
                )
        worker.send(frames.PING, 77)
        self.assertEqual(worker.read_frame(), (frames.PONG, 77, b""))
        self.assertEqual(worker.close(), 0)

    def test_a_request_too_large_to_read_under_the_limit_gets_memory_error(self):
        for threads in (1, 2):
            with self.subTest(threads=threads):
                worker = self.start(memory_limit=LIMIT, threads=threads)
                kind, error = worker.call("builtins", "len", b"x" * (LIMIT + (64 << 20)))
                self.assertEqual((kind, error["type"]), ("error", "builtins.MemoryError"))
                self.assertIn("could not allocate", error["message"])
                self.assertEqual(
                    worker.call("builtins", "len", b"y" * (8 << 20)),
                    ("result", 8 << 20),
                    "the frames after it are read as usual",
                )
                self.assertEqual(worker.close(), 0)

    def test_without_a_limit_nothing_is_set(self):
        worker = self.start()
        self.assertEqual(worker.call("sample_process_code", "data_size")[1][1], -1)

    def test_a_limit_below_what_the_worker_uses_fails_the_handshake(self):
        worker = support.WorkerProcess(handshake=False)
        self.addCleanup(worker.release)
        worker.send_value(frames.HELLO, 0, dict(support.DEFAULT_HELLO, memory_limit=1 << 20))
        kind, _, error = worker.read_value()
        self.assertEqual(kind, frames.ERROR)
        self.assertIn("below the", error["message"])
        self.assertEqual(worker.wait(), 3)

    def test_a_malformed_limit_fails_the_handshake(self):
        for value in (0, -5, "1G", 1.5):
            with self.subTest(value=value):
                worker = support.WorkerProcess(handshake=False)
                self.addCleanup(worker.release)
                worker.send_value(frames.HELLO, 0, dict(support.DEFAULT_HELLO, memory_limit=value))
                kind, _, error = worker.read_value()
                self.assertEqual(kind, frames.ERROR)
                self.assertIn("memory_limit", error["message"])


if __name__ == "__main__":
    unittest.main()
