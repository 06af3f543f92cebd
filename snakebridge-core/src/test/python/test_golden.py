"""The shared golden vectors (testdata/golden): Python's side of the byte-for-byte agreement."""

import glob
import importlib.util
import os
import pickletools
import unittest

import support
from snakebridge_worker import codec, frames

_spec = importlib.util.spec_from_file_location(
    "golden_generate", os.path.join(support.GOLDEN, "generate.py")
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

CASES = {case["name"]: case for case in generate.load_cases()}
PRODUCED_BY_JAVA = ("both", "java2py")

# Every opcode the Java reader must accept that CPython emits for our values (§3.1); the py
# files together must contain all of them, so the Java tests exercise each one.
REQUIRED_OPCODES = {
    "PROTO",
    "FRAME",
    "STOP",
    "NONE",
    "NEWTRUE",
    "NEWFALSE",
    "BININT1",
    "BININT2",
    "BININT",
    "LONG1",
    "LONG4",
    "BINFLOAT",
    "SHORT_BINUNICODE",
    "BINUNICODE",
    "SHORT_BINBYTES",
    "BINBYTES",
    "BYTEARRAY8",
    "EMPTY_LIST",
    "APPEND",
    "APPENDS",
    "EMPTY_DICT",
    "SETITEM",
    "SETITEMS",
    "EMPTY_TUPLE",
    "TUPLE1",
    "TUPLE2",
    "TUPLE3",
    "TUPLE",
    "MARK",
    "EMPTY_SET",
    "ADDITEMS",
    "FROZENSET",
    "STACK_GLOBAL",
    "REDUCE",
    "NEXT_BUFFER",
    "READONLY_BUFFER",
    "MEMOIZE",
    "BINGET",
    "LONG_BINGET",
}


def _read(side, name):
    with open(os.path.join(support.GOLDEN, side, name + ".bin"), "rb") as file:
        return file.read()


def _skip_without_numpy(test, case):
    if generate.needs_numpy(case) and support.numpy is None:
        test.skipTest("numpy is not installed")


class PythonFilesTest(unittest.TestCase):
    def test_every_case_python_produces_has_a_file_and_no_file_is_stray(self):
        expected = {
            name for name, case in CASES.items() if case["direction"] in generate.PRODUCED_BY_PYTHON
        }
        present = {
            os.path.basename(path)[:-4]
            for path in glob.glob(os.path.join(support.GOLDEN, "py", "*.bin"))
        }
        self.assertEqual(present, expected)

    def test_encoder_reproduces_each_file_exactly(self):
        for name, case in CASES.items():
            if case["direction"] not in generate.PRODUCED_BY_PYTHON:
                continue
            with self.subTest(name):
                _skip_without_numpy(self, case)
                self.assertEqual(generate.python_bytes(case).hex(), _read("py", name).hex())

    def test_decoding_each_file_gives_the_expected_value(self):
        for name, case in CASES.items():
            if case["direction"] not in generate.PRODUCED_BY_PYTHON:
                continue
            with self.subTest(name):
                _skip_without_numpy(self, case)
                decoded = codec.decode_value_section(_read("py", name))
                self.assertTrue(
                    support.same_value(decoded, generate.to_python(case["value"])),
                    f"{name}: {decoded!r}",
                )

    def test_files_together_contain_every_opcode_the_java_reader_must_accept(self):
        seen = set()
        for path in glob.glob(os.path.join(support.GOLDEN, "py", "*.bin")):
            with open(path, "rb") as file:
                pickle_view, _ = frames.split_value_section(bytearray(file.read()))
            seen.update(op.name for op, _, _ in pickletools.genops(bytes(pickle_view)))
        self.assertEqual(REQUIRED_OPCODES - seen, set())


class JavaFilesTest(unittest.TestCase):
    def setUp(self):
        self.paths = sorted(glob.glob(os.path.join(support.GOLDEN, "java", "*.bin")))
        if not self.paths:
            self.skipTest("no java/*.bin files yet")

    def test_every_java_file_names_a_case_java_produces(self):
        for path in self.paths:
            name = os.path.basename(path)[:-4]
            with self.subTest(name):
                self.assertIn(name, CASES)
                self.assertIn(CASES[name]["direction"], PRODUCED_BY_JAVA)

    def test_decoding_each_java_file_gives_the_expected_value(self):
        for path in self.paths:
            name = os.path.basename(path)[:-4]
            case = CASES.get(name)
            if case is None:
                continue  # reported by the test above
            with self.subTest(name):
                _skip_without_numpy(self, case)
                decoded = codec.decode_value_section(_read("java", name))
                self.assertTrue(
                    support.same_value(decoded, generate.to_python(case["value"])),
                    f"{name}: {decoded!r}",
                )


if __name__ == "__main__":
    unittest.main()
