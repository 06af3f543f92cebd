"""Writes py/<name>.bin, the Python encoder's value section, for each golden case it produces.

Usage: python3 testdata/golden/generate.py   (from any directory; needs numpy for the array
cases, and refuses to run without it so that no file is silently left out)

The notation of cases.json is described in README.md beside this file. The worker's tests
import `load_cases` and `to_python` from here, so the files and the tests read the notation the
same way.

JSON cannot say that two places hold the same object, while pickle output depends on it (a
second reference is written as a memo lookup, BINGET). So, within one case, equal strings,
bytes and tuples are built as one shared object, as they often are in real results; that is
what puts memo opcodes into the py files for the Java reader to handle.
"""

import datetime
import decimal
import importlib.util
import json
import os
import re
import struct
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "snakebridge-core", "src", "main", "python"))

PRODUCED_BY_PYTHON = ("both", "py2java")

_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$")


def load_cases():
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as file:
        cases = json.load(file)
    for case in cases:
        case.setdefault("direction", "both")
    return cases


def to_python(notation, shared=None):
    """The Python value a notation stands for (see README.md)."""
    shared = {} if shared is None else shared
    if notation is None or isinstance(notation, (bool, int)):
        return notation
    if isinstance(notation, str):
        return shared.setdefault(("str", notation), notation)
    if not isinstance(notation, dict) or not notation:
        raise ValueError(f"not a value notation: {notation!r}")
    tag = next(iter(notation))
    arg = notation[tag]
    if tag == "int":
        return int(arg)
    if tag == "float":
        return float(arg)
    if tag == "float_bits":
        return struct.unpack(">d", bytes.fromhex(arg))[0]
    if tag == "bytes":
        value = bytes.fromhex(arg)
        return shared.setdefault(("bytes", value), value)
    if tag == "bytearray":
        return bytearray.fromhex(arg)
    if tag == "list":
        return [to_python(item, shared) for item in arg]
    if tag == "tuple":
        value = tuple(to_python(item, shared) for item in arg)
        return shared.setdefault(("tuple", json.dumps(arg, sort_keys=True)), value)
    if tag == "set":
        return {to_python(item, shared) for item in arg}
    if tag == "frozenset":
        return frozenset(to_python(item, shared) for item in arg)
    if tag == "dict":
        return {to_python(key, shared): to_python(value, shared) for key, value in arg}
    if tag == "complex":
        return complex(to_python({"float": arg[0]}), to_python({"float": arg[1]}))
    if tag == "datetime":
        day, _, clock = arg.partition("T")
        date, time = _date(day), _time(clock, notation.get("fold", 0))
        return datetime.datetime.combine(date, time, tzinfo=time.tzinfo).replace(fold=time.fold)
    if tag == "date":
        return _date(arg)
    if tag == "time":
        return _time(arg, notation.get("fold", 0))
    if tag == "timedelta":
        days, seconds, microseconds = arg
        return datetime.timedelta(days=days, seconds=seconds, microseconds=microseconds)
    if tag == "decimal":
        return decimal.Decimal(arg)
    if tag == "uuid":
        return uuid.UUID(arg)
    if tag == "char":
        return arg
    if tag == "ndarray":
        import numpy

        dtype = numpy.dtype(arg["dtype"]).newbyteorder("<")
        return numpy.frombuffer(bytearray.fromhex(arg["data"]), dtype=dtype).reshape(arg["shape"])
    raise ValueError(f"unknown notation tag {tag!r}")


def _date(text):
    year, month, day = (int(part) for part in text.split("-"))
    return datetime.date(year, month, day)


def _time(text, fold):
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"not an ISO time: {text!r}")
    hour, minute, second, fraction, sign, off_h, off_m, off_s = match.groups()
    tz = None
    if sign:
        offset = datetime.timedelta(hours=int(off_h), minutes=int(off_m), seconds=int(off_s or 0))
        tz = datetime.timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0").ljust(6, "0"))
    return datetime.time(int(hour), int(minute), int(second), micro, tz, fold=fold)


def needs_numpy(case):
    return '"ndarray"' in json.dumps(case["value"])


def python_bytes(case):
    """The value section the Python encoder writes for a case."""
    from snakebridge_worker import codec

    return codec.encode_value_section(to_python(case["value"]))


def main():
    if importlib.util.find_spec("numpy") is None:
        sys.exit("generate.py needs numpy for the ndarray cases: run it with a Python that has it")
    out = os.path.join(HERE, "py")
    os.makedirs(out, exist_ok=True)
    written = 0
    for case in load_cases():
        if case["direction"] in PRODUCED_BY_PYTHON:
            with open(os.path.join(out, case["name"] + ".bin"), "wb") as file:
                file.write(python_bytes(case))
            written += 1
    print(f"wrote {written} files to {out} with Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
