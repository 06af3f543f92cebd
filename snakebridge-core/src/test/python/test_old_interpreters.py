"""`python -m snakebridge_worker` refuses an interpreter older than 3.9 by version and path, as
the JVM's entry point does (LIFECYCLE.md). Runs pyenv's 3.6, 3.7 and 3.8 where installed (2.7
cannot parse the package, so only the JVM's entry point covers it)."""

import glob
import os
import shutil
import subprocess
import unittest

import support


def _old_interpreters():
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE, text=True).stdout.strip()
    if not root:
        return []
    found = []
    for minor in (6, 7, 8):
        found.extend(
            sorted(glob.glob(os.path.join(root, "versions", f"3.{minor}.*", "bin", "python")))
        )
    return found


class OldInterpreterTest(unittest.TestCase):
    def test_the_module_entry_point_names_the_version_and_exits_4(self):
        interpreters = _old_interpreters()
        if not interpreters:
            self.skipTest("no pyenv interpreter 3.6 to 3.8 installed")
        for python in interpreters:
            version = os.path.basename(os.path.dirname(os.path.dirname(python)))
            with self.subTest(version=version):
                done = subprocess.run(
                    [python, "-m", "snakebridge_worker"],
                    cwd=support.PACKAGE_ROOT,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                self.assertEqual(4, done.returncode, done.stderr)
                self.assertIn(f"Python {version} at ", done.stderr)
                self.assertIn("is too old: SnakeBridge needs CPython 3.9 or newer", done.stderr)


if __name__ == "__main__":
    unittest.main()
