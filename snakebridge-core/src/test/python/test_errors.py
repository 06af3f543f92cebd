"""ERROR dicts built in process (§4.4); test_worker checks them through a real worker."""

import os
import sys
import unittest

import sample_user_code
import snakebridge_worker
import support
from snakebridge_worker import codec, dispatch, errors, helpers, sessions

OWN_DIR = os.path.dirname(snakebridge_worker.__file__)
DISPATCHER = dispatch.Dispatcher(sessions.Registry(), helpers.Helpers([]))


def raised(function, *args):
    try:
        DISPATCHER.run(("call", None, "sample_user_code", function, list(args), {}), None)
    except BaseException as exc:
        return exc
    raise AssertionError("expected an exception")


class ErrorDictTest(unittest.TestCase):
    def test_has_every_key_and_encodes(self):
        error = errors.error_dict(raised("fail_with_cause"), "python")
        self.assertEqual(
            list(error),
            [
                "kind",
                "type",
                "message",
                "traceback",
                "mro",
                "frames",
                "frames_omitted",
                "cause",
                "context",
                "python_type",
            ],
        )
        self.assertTrue(
            support.same_value(codec.decode_value_section(codec.encode_value_section(error)), error)
        )

    def test_names_type_message_and_mro(self):
        error = errors.error_dict(KeyError("k"), "python")
        self.assertEqual(error["type"], "builtins.KeyError")
        self.assertEqual(error["message"], "'k'")
        self.assertEqual(
            error["mro"],
            [
                "builtins.KeyError",
                "builtins.LookupError",
                "builtins.Exception",
                "builtins.BaseException",
                "builtins.object",
            ],
        )
        self.assertEqual((error["traceback"], error["frames"]), ("KeyError: 'k'\n", []))

    def test_frames_are_outermost_first_without_the_workers_own(self):
        error = errors.error_dict(raised("fail_deep", 2), "python")
        functions = [frame[1] for frame in error["frames"]]
        self.assertEqual(functions, ["raised", "fail_deep", "fail_deep", "fail_deep"])
        module, function, filename, lineno = error["frames"][-1]
        self.assertEqual(
            (module, function, filename),
            ("sample_user_code", "fail_deep", sample_user_code.__file__),
        )
        self.assertGreater(lineno, 0)
        self.assertNotIn("dispatch.py", error["traceback"])
        self.assertFalse(
            [frame for frame in error["frames"] if os.path.dirname(frame[2]) == OWN_DIR]
        )
        self.assertTrue(error["traceback"].startswith("Traceback (most recent call last):\n"))
        self.assertIn("line", error["traceback"])
        self.assertTrue(error["traceback"].endswith("LookupError: bottom of 0\n"))

    def test_cause_and_context(self):
        error = errors.error_dict(raised("fail_with_cause"), "python")
        self.assertEqual(error["type"], "builtins.ValueError")
        self.assertEqual(error["cause"]["type"], "builtins.KeyError")
        self.assertEqual(error["cause"]["kind"], "python")
        self.assertEqual(error["cause"]["frames"][-1][1], "fail_with_cause")
        self.assertIsNone(error["context"])  # suppressed by "raise ... from"
        self.assertNotIn("KeyError", error["traceback"])  # each level has its own text
        error = errors.error_dict(raised("fail_with_context"), "python")
        self.assertIsNone(error["cause"])
        self.assertEqual(error["context"]["type"], "builtins.ZeroDivisionError")

    def test_chain_is_cut_after_32_levels(self):
        error = errors.error_dict(raised("fail_chain", 40), "python")
        depth = 0
        while error is not None:
            depth += 1
            error = error["cause"]
        self.assertEqual(depth, errors.CHAIN_LIMIT)

    def test_a_cycle_in_the_chain_ends(self):
        first, second = ValueError("a"), ValueError("b")
        first.__cause__, second.__cause__ = second, first
        self.assertIsNotNone(errors.error_dict(first, "python")["cause"])

    def test_a_broken_str_does_not_break_the_report(self):
        class Grumpy(Exception):
            def __str__(self):
                raise RuntimeError("no")

        error = errors.error_dict(Grumpy(), "python")
        self.assertIn("unprintable", error["message"])
        self.assertTrue(error["type"].endswith("Grumpy"))

    def test_conversion_names_the_python_type(self):
        error = errors.error_dict(
            snakebridge_worker.ConversionError("m", "x.Y"), "conversion", "x.Y"
        )
        self.assertEqual((error["kind"], error["python_type"]), ("conversion", "x.Y"))
        self.assertEqual(error["type"], "snakebridge_worker.ConversionError")
        self.assertIn("builtins.TypeError", error["mro"])

    def test_section_5_keys_sit_at_the_level_of_their_exception(self):
        try:
            try:
                raise snakebridge_worker.JavaError("java.io.IOException", "disk full", 7)
            except snakebridge_worker.JavaError as java:
                raise ValueError("wrapped") from java
        except ValueError as exc:
            error = errors.error_dict(exc, "python")
        self.assertNotIn("error_id", error)
        self.assertEqual(
            (error["cause"]["type"], error["cause"]["message"], error["cause"]["error_id"]),
            ("snakebridge_worker.JavaError", "java.io.IOException: disk full", 7),
        )
        for error in (
            errors.error_dict(snakebridge_worker.SessionMismatch("m", "r-1", "a", "b"), "python"),
            errors.brief_error_dict(
                snakebridge_worker.SessionMismatch("m", "r-1", "a", "b"), "python"
            ),
        ):
            self.assertEqual(
                (error["kind"], error["ref_id"], error["session_id"], error["call_session_id"]),
                ("session_mismatch", "r-1", "a", "b"),
            )
        error = errors.error_dict(snakebridge_worker.HelperNotFound("h"), "python")
        self.assertEqual(
            (error["kind"], error["type"]),
            ("helper_not_found", "snakebridge_worker.HelperNotFound"),
        )
        self.assertTrue(
            support.same_value(codec.decode_value_section(codec.encode_value_section(error)), error)
        )

    def test_brief_dict_has_the_same_keys(self):
        brief = errors.brief_error_dict(ValueError("x" * 5000), "python")
        self.assertEqual(list(brief), list(errors.error_dict(ValueError(), "python")))
        self.assertEqual(len(brief["message"]), 1000)


if __name__ == "__main__":
    unittest.main()


class DeepTracebackTest(unittest.TestCase):
    def recursion_error(self, depth):
        def down(n):
            if n == 0:
                raise ValueError("bottom")
            return down(n - 1)

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(depth + 1000)
        try:
            down(depth)
        except ValueError as exc:
            return exc
        finally:
            sys.setrecursionlimit(limit)
        raise AssertionError("expected an exception")

    def test_keeps_the_outermost_and_innermost_frames_and_counts_the_rest(self):
        error = errors.error_dict(self.recursion_error(3_000), "python")
        kept = errors.FRAMES_OUTER + errors.FRAMES_INNER
        self.assertEqual(len(error["frames"]), kept)
        self.assertEqual(error["frames_omitted"], 3_000 + 2 - kept)  # + this test and down(0)
        self.assertEqual(error["frames"][0][1], "recursion_error")
        self.assertEqual(error["frames"][-1][1], "down")
        self.assertIn(f"... {3_000 + 2 - kept} frames omitted ...", error["traceback"])
        self.assertTrue(error["traceback"].endswith("ValueError: bottom\n"))

    def test_a_short_traceback_is_whole(self):
        error = errors.error_dict(self.recursion_error(10), "python")
        self.assertEqual(len(error["frames"]), 12)
        self.assertEqual(error["frames_omitted"], 0)
        self.assertNotIn("omitted", error["traceback"])
