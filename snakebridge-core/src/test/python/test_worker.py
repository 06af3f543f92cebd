"""A real worker subprocess: handshake, calls, errors and bad input (§1, §2, §4)."""

import os
import sys
import unittest

import sample_user_code
import support
from snakebridge_worker import frames

EXIT_PROTOCOL = 3


class HandshakeTest(unittest.TestCase):
    def start(self, **kwargs):
        worker = support.WorkerProcess(**kwargs)
        self.addCleanup(worker.release)
        return worker

    def test_worker_answers_hello(self):
        worker = self.start()
        self.assertEqual(worker.hello["protocol"], 1)
        self.assertEqual(worker.hello["min_protocol"], 1)
        self.assertEqual(worker.hello["python_version"], ".".join(map(str, sys.version_info[:3])))
        self.assertEqual(worker.hello["implementation"], sys.implementation.name)
        self.assertEqual(worker.hello["pid"], worker.process.pid)
        self.assertEqual(
            os.path.realpath(worker.hello["executable"]), os.path.realpath(sys.executable)
        )
        self.assertEqual(worker.close(), 0)

    def test_chooses_the_highest_common_version(self):
        worker = self.start(protocol=7, min_protocol=1)
        self.assertEqual(worker.hello["protocol"], 1)

    def test_protocol_ranges_that_do_not_meet(self):
        worker = self.start(handshake=False)
        worker.send_value(frames.HELLO, 0, dict(support.DEFAULT_HELLO, protocol=3, min_protocol=2))
        kind, request_id, error = worker.read_value()
        self.assertEqual((kind, request_id, error["kind"]), (frames.ERROR, 0, "protocol"))
        self.assertIn("2..3", error["message"])
        self.assertIn("1..1", error["message"])
        self.assertEqual(worker.wait(), EXIT_PROTOCOL)

    def test_a_bad_hello_is_refused(self):
        bad_hellos = [
            {k: v for k, v in support.DEFAULT_HELLO.items() if k != "max_frame"},
            dict(support.DEFAULT_HELLO, paths="not a list"),
            ["not", "a", "dict"],
        ]
        for hello in bad_hellos:
            with self.subTest(repr(hello)):
                worker = self.start(handshake=False)
                worker.send_value(frames.HELLO, 0, hello)
                kind, _, error = worker.read_value()
                self.assertEqual((kind, error["kind"]), (frames.ERROR, "protocol"))
                self.assertEqual(worker.wait(), EXIT_PROTOCOL)

    def test_anything_before_hello_is_refused(self):
        worker = self.start(handshake=False)
        worker.send(frames.PING, 1)
        kind, _, error = worker.read_value()
        self.assertEqual((kind, error["kind"]), (frames.ERROR, "protocol"))
        self.assertIn("HELLO", error["message"])
        self.assertEqual(worker.wait(), EXIT_PROTOCOL)

    def test_end_of_input_before_hello_exits_cleanly(self):
        worker = self.start(handshake=False)
        self.assertEqual(worker.close(), 0)

    def test_paths_go_on_sys_path_in_order_after_the_standard_library(self):
        worker = self.start(paths=[support.HERE, "/nonexistent/first"])
        _kind, path = worker.module_attr("sys", "path")
        start = path.index(support.HERE)
        self.assertEqual(path[start : start + 2], [support.HERE, "/nonexistent/first"])
        self.assertLess(path.index(os.path.dirname(os.__file__)), start)
        self.assertEqual(worker.call("sample_user_code", "echo", 5), ("result", 5))

    def test_python_m_starts_a_worker_too(self):
        env = dict(os.environ, PYTHONPATH=support.PACKAGE_ROOT)
        worker = support.WorkerProcess(args=["-m", "snakebridge_worker"], env=env)
        self.addCleanup(worker.release)
        self.assertEqual(worker.call("math", "sqrt", 16), ("result", 4.0))


class CallTest(unittest.TestCase):
    """One worker serves all these calls, as a pool slot would."""

    @classmethod
    def setUpClass(cls):
        cls.worker = support.WorkerProcess(paths=[support.HERE])

    @classmethod
    def tearDownClass(cls):
        status = cls.worker.close()
        cls.worker.release()
        assert status == 0, status

    def call_error(self, module, function, *args, **kwargs):
        kind, error = self.worker.call(module, function, *args, **kwargs)
        self.assertEqual(kind, "error", error)
        return error

    def test_calls(self):
        self.assertEqual(self.worker.call("math", "sqrt", 16), ("result", 4.0))
        self.assertEqual(self.worker.call("builtins", "round", 2.675, ndigits=2), ("result", 2.67))
        self.assertEqual(self.worker.call("os.path", "join", "a", "b"), ("result", "a/b"))
        self.assertEqual(self.worker.call("os", "path.join", "c", "d"), ("result", "c/d"))
        self.assertEqual(self.worker.call("builtins", "str.upper", "x"), ("result", "X"))

    def test_module_attr(self):
        self.assertEqual(self.worker.module_attr("math", "pi"), ("result", 3.141592653589793))
        self.assertEqual(self.worker.module_attr("os", "path.sep"), ("result", "/"))

    def test_values_cross_both_ways(self):
        value = {"k": [1, 2.5, None, (True, b"\x00")], 7: {"nested": frozenset({1})}}
        _kind, back = self.worker.call("sample_user_code", "echo", value)
        self.assertTrue(support.same_value(back, value), back)

    def test_missing_module(self):
        error = self.call_error("no_such_module_here", "f")
        self.assertEqual((error["kind"], error["type"]), ("python", "builtins.ModuleNotFoundError"))
        self.assertIn("no_such_module_here", error["message"])
        self.assertIn("builtins.ImportError", error["mro"])
        self.assertNotIn("snakebridge_worker", error["traceback"])

    def test_missing_attribute(self):
        error = self.call_error("math", "no_such_function")
        self.assertEqual((error["kind"], error["type"]), ("python", "builtins.AttributeError"))
        self.assertIn("no_such_function", error["message"])
        error = self.worker.module_attr("math", "pi.nope")[1]
        self.assertEqual(error["type"], "builtins.AttributeError")

    def test_wrong_argument_count(self):
        error = self.call_error("math", "sqrt", 1, 2)
        self.assertEqual((error["kind"], error["type"]), ("python", "builtins.TypeError"))
        self.assertEqual(error["frames"], [])  # raised by the C function: no Python frame

    def test_exception_with_cause_chain(self):
        error = self.call_error("sample_user_code", "fail_with_cause")
        self.assertEqual(
            (error["type"], error["message"]), ("builtins.ValueError", "lookup failed")
        )
        self.assertEqual(
            error["mro"],
            [
                "builtins.ValueError",
                "builtins.Exception",
                "builtins.BaseException",
                "builtins.object",
            ],
        )
        line = sample_user_code.fail_with_cause.__code__.co_firstlineno + 4  # the raise
        path = os.path.join(support.HERE, "sample_user_code.py")
        self.assertEqual(error["frames"], [("sample_user_code", "fail_with_cause", path, line)])
        self.assertIn(f'sample_user_code.py", line {line}, in fail_with_cause', error["traceback"])
        self.assertNotIn("dispatch", error["traceback"])
        cause = error["cause"]
        self.assertEqual((cause["type"], cause["message"]), ("builtins.KeyError", "'missing'"))
        self.assertIsNone(cause["cause"])

    def test_result_without_a_mapping(self):
        error = self.call_error("builtins", "object")
        self.assertEqual((error["kind"], error["python_type"]), ("conversion", "builtins.object"))
        self.assertIn("builtins.object", error["message"])
        error = self.call_error("sample_user_code", "unmappable")
        self.assertEqual(error["python_type"], "sample_user_code.Unmappable")
        self.assertEqual(self.worker.call("math", "sqrt", 4), ("result", 2.0))

    def test_result_nested_too_deeply(self):
        error = self.call_error("sample_user_code", "nested", 100000)
        self.assertEqual((error["kind"], error["python_type"]), ("conversion", "builtins.list"))
        self.assertIn("nests too deeply", error["message"])

    def test_user_code_cannot_exit_the_worker(self):
        error = self.call_error("sample_user_code", "exit_worker")
        self.assertEqual(
            (error["kind"], error["type"], error["message"]), ("python", "builtins.SystemExit", "7")
        )
        self.assertEqual(self.worker.call("math", "sqrt", 9), ("result", 3.0))

    def test_output_of_user_code_goes_to_stderr_not_the_protocol(self):
        self.assertEqual(
            self.worker.call("sample_user_code", "write_to_stdout", "marker-1"),
            ("result", "written"),
        )
        self.assertEqual(self.worker.call("builtins", "print", "marker-2"), ("result", None))
        self.assertEqual(self.worker.call("os", "system", "echo marker-3"), ("result", 0))
        stderr = self.worker.stderr_text(wait_for="marker-3")
        for line in ("marker-1\n", "raw marker-1\n", "marker-2\n", "marker-3\n"):
            self.assertIn(line, stderr)
        self.assertEqual(self.worker.call("math", "sqrt", 25), ("result", 5.0))

    def test_stdin_of_user_code_is_empty(self):
        self.assertEqual(self.worker.call("os", "read", 0, 10), ("result", b""))
        self.assertEqual(self.worker.module_attr("sys", "stdin.closed"), ("result", False))

    def test_malformed_call_value_fails_only_that_call(self):
        for value in [
            ("call", None, "math"),
            ("nope", None),
            ("call", "session", "m", "f", [], {}),
            ["call", None, "math", "sqrt", [1], {}],
        ]:
            with self.subTest(repr(value)):
                request_id = self.worker.new_id()
                self.worker.send_value(frames.CALL, request_id, value)
                kind, error = self.worker.reply(request_id)
                self.assertEqual((kind, error["kind"]), ("error", "protocol"))
        self.assertEqual(self.worker.call("math", "sqrt", 36), ("result", 6.0))

    def test_a_forbidden_global_fails_only_that_call(self):
        request_id = self.worker.new_id()
        forged = b"\x80\x05\x8c\x02os\x8c\x06system\x93."
        self.worker.send(frames.CALL, request_id, support.value_section(forged))
        kind, error = self.worker.reply(request_id)
        self.assertEqual((kind, error["kind"]), ("error", "protocol"))
        self.assertIn("os.system", error["message"])

    def test_ping_when_idle(self):
        self.worker.send(frames.PING, 424242)
        self.assertEqual(self.worker.read_frame(), (frames.PONG, 424242, b""))

    def test_cancel_of_an_unknown_call_is_ignored(self):
        self.worker.send(frames.CANCEL, 99999)
        self.assertEqual(self.worker.call("math", "sqrt", 49), ("result", 7.0))


class LimitsAndBadFramesTest(unittest.TestCase):
    def start(self, **hello):
        worker = support.WorkerProcess(paths=[support.HERE], **hello)
        self.addCleanup(worker.release)
        return worker

    def test_result_over_max_frame(self):
        worker = self.start(max_frame=4096)
        kind, error = worker.call("sample_user_code", "big_bytes", 5000)
        self.assertEqual((kind, error["kind"]), ("error", "too_large"))
        self.assertIn("4096", error["message"])
        self.assertRegex(error["message"], r"\b50\d\d bytes")
        self.assertEqual(worker.call("sample_user_code", "big_bytes", 100)[0], "result")

    def test_a_scalar_result_over_max_frame(self):
        worker = self.start(max_frame=4096)
        kind, error = worker.call("sample_user_code", "big_int", 40000)  # about 5000 bytes
        self.assertEqual((kind, error["kind"]), ("error", "too_large"))
        self.assertIn("4096", error["message"])
        self.assertEqual(worker.call("sample_user_code", "big_int", 64), ("result", 1 << 64))

    def assert_protocol_exit(self, worker, request_id, *words):
        kind, got_id, error = worker.read_value()
        self.assertEqual((kind, got_id, error["kind"]), (frames.ERROR, request_id, "protocol"))
        for word in words:
            self.assertIn(word, error["message"])
        self.assertEqual(worker.wait(), EXIT_PROTOCOL)
        self.assertIn("protocol error", worker.stderr_text(wait_for="protocol error"))

    def test_length_over_max_frame(self):
        worker = self.start(max_frame=1 << 20)
        worker.send_raw(frames.HEADER.pack((1 << 20) + 1, frames.CALL, 0, 0, 12))
        self.assert_protocol_exit(worker, 12, str((1 << 20) + 1))

    def test_unknown_kind(self):
        worker = self.start()
        worker.send_raw(frames.HEADER.pack(12, 42, 0, 0, 13))
        self.assert_protocol_exit(worker, 13, "unknown frame kind 42")

    def test_a_kind_the_jvm_must_not_send(self):
        worker = self.start()
        worker.send_value(frames.RESULT, 14, 1)
        self.assert_protocol_exit(worker, 14, "unexpected frame kind 3")

    def test_end_of_input_inside_a_frame(self):
        worker = self.start()
        worker.send_raw(frames.HEADER.pack(100, frames.CALL, 0, 0, 15) + b"partial")
        worker.process.stdin.close()
        self.assert_protocol_exit(worker, 15, "end of stream")

    def test_end_of_input_exits_cleanly(self):
        worker = self.start()
        self.assertEqual(worker.close(), 0)

    def test_shutdown_exits_cleanly(self):
        worker = self.start()
        worker.send(frames.SHUTDOWN, 0)
        self.assertEqual(worker.wait(), 0)


if __name__ == "__main__":
    unittest.main()
