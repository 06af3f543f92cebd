"""Helpers (WIRE-PROTOCOL §5.5): functions of modules under HELLO's helper_paths."""

import os
import pathlib
import unittest

import support
from support import session

FOLDER = os.path.join(support.HERE, "helper_folder")


class HelperTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.worker = support.WorkerProcess(paths=[support.HERE], helper_paths=[FOLDER])

    @classmethod
    def tearDownClass(cls):
        status = cls.worker.close()
        cls.worker.release()
        assert status == 0, status

    def helper(self, name, *args, call_session=None, **kwargs):
        return self.worker.ask(("helper", call_session, name, list(args), kwargs))

    def assert_not_found(self, name, *words):
        kind, error = self.helper(name)
        self.assertEqual(
            (kind, error["kind"], error["type"]),
            ("error", "helper_not_found", "snakebridge_worker.HelperNotFound"),
        )
        for word in (repr(name), FOLDER, *words):
            self.assertIn(word, error["message"])

    def test_helpers_in_the_folders_are_found(self):
        self.assertEqual(
            self.helper("greetings.hello", "you", punctuation="?"), ("result", "hello you?")
        )
        self.assertEqual(self.helper("toolkit.text.shout", "quiet"), ("result", "QUIET"))
        kind, ref = self.helper("toolkit.text.path_of", "/a/b", call_session=session("helpers"))
        self.assertEqual(
            (kind, ref.type_name),
            ("result", support.codec.sbw.qualified_name(pathlib.PurePosixPath)),
        )

    def test_helper_folders_go_on_sys_path_after_paths(self):
        _kind, path = self.worker.module_attr("sys", "path")
        start = path.index(support.HERE)
        self.assertEqual(path[start : start + 2], [support.HERE, FOLDER])

    def test_missing_helpers_are_not_found(self):
        self.assert_not_found("greetings.goodbye", "has no 'goodbye'")
        self.assert_not_found("no_such_helper_module.f", "no module no_such_helper_module")
        self.assert_not_found("toolkit.nothing.f", "no module toolkit.nothing")
        self.assert_not_found("greetings", "module.function")

    def test_modules_outside_the_helper_folders_are_refused_without_importing_them(self):
        self.assert_not_found("sample_objects.shared", "not in a helper folder")
        self.assert_not_found("os.system", "not in a helper folder")
        self.assert_not_found("json.dumps", "not in a helper folder")
        self.assertEqual(self.worker.call("sys", "modules.get", "sample_objects"), ("result", None))

    def test_a_helpers_own_import_error_is_a_python_error(self):
        kind, error = self.helper("broken_helper.f")
        self.assertEqual(
            (kind, error["kind"], error["type"]),
            ("error", "python", "builtins.ModuleNotFoundError"),
        )
        kind, error = self.helper("greetings.needs_a_missing_module")
        self.assertEqual((error["kind"], error["type"]), ("python", "builtins.ModuleNotFoundError"))


class NoHelperFoldersTest(unittest.TestCase):
    def test_every_helper_is_not_found(self):
        worker = support.WorkerProcess(paths=[FOLDER])
        self.addCleanup(worker.release)
        _kind, error = worker.ask(("helper", None, "greetings.hello", ["x"], {}))
        self.assertEqual(error["kind"], "helper_not_found")
        self.assertIn("none configured", error["message"])
        self.assertEqual(worker.call("greetings", "hello", "x"), ("result", "hello x!"))


if __name__ == "__main__":
    unittest.main()
