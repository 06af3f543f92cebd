"""User files cannot shadow the worker or the standard library (server.py, "Whose modules
come first"), and the user's modules stay importable."""

import os
import shutil
import tempfile
import unittest

import support

# Each one would break or hijack the worker if it were imported in place of the stdlib's.
HOSTILE = {
    "token.py": "raise ImportError('the working directory token.py was imported')\n",
    "platform.py": "import sys\nsys.stderr.write('HIJACKED\\n')\n"
    "def python_version():\n    return 'hijacked'\n",
    "pickle.py": "raise ImportError('the working directory pickle.py was imported')\n",
}


def _folder(test, files):
    folder = tempfile.mkdtemp(prefix="sbtest-path-")
    test.addCleanup(shutil.rmtree, folder, True)
    for name, text in files.items():
        with open(os.path.join(folder, name), "w") as out:
            out.write(text)
    return folder


class SysPathTest(unittest.TestCase):
    def setUp(self):
        self.cwd = _folder(self, dict(HOSTILE, **{"cwd_module.py": "WHERE = 'cwd'\n"}))
        self.user = _folder(self, dict(HOSTILE, **{"user_module.py": "WHERE = 'pythonPath'\n"}))
        self.worker = support.WorkerProcess(cwd=self.cwd, paths=[self.user])
        self.addCleanup(self.worker.release)

    def test_the_worker_starts_with_the_real_standard_library(self):
        self.assertNotEqual(self.worker.hello["python_version"], "hijacked")
        stdlib = os.path.dirname(os.__file__)
        for module in ("token", "platform", "pickle"):
            kind, path = self.worker.module_attr(module, "__file__")
            self.assertEqual((kind, os.path.dirname(path)), ("result", stdlib), module)
        self.assertEqual(
            self.worker.call("platform", "python_version"),
            ("result", self.worker.hello["python_version"]),
        )
        self.assertNotIn("HIJACKED", self.worker.stderr_text())

    def test_the_users_modules_are_still_importable(self):
        self.assertEqual(self.worker.module_attr("user_module", "WHERE"), ("result", "pythonPath"))
        self.assertEqual(self.worker.module_attr("cwd_module", "WHERE"), ("result", "cwd"))

    def test_order_package_stdlib_user_folders_working_directory_site_packages(self):
        kind, path = self.worker.module_attr("sys", "path")
        self.assertEqual(kind, "result")
        self.assertEqual(path[0], support.PACKAGE_ROOT)
        stdlib = path.index(os.path.dirname(os.__file__))
        user = path.index(self.user)
        self.assertLess(stdlib, user)
        self.assertEqual(path[user + 1], "", "the working directory comes right after")
        for entry in path[:user]:
            self.assertNotIn(entry, ("", self.cwd), "the working directory is not in front")
        site = [
            i for i, entry in enumerate(path) if entry.endswith(("site-packages", "dist-packages"))
        ]
        if site:
            self.assertLess(user + 1, min(site), "user folders come before installed packages")


if __name__ == "__main__":
    unittest.main()
