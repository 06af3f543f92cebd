"""Code the tests' worker imports as if it were a user's library (its folder is in HELLO paths)."""

import os
import sys
import time


def echo(value):
    return value


_kept = []


def keep(value):
    """Keeps `value` until `take` (named like echo so that the request bodies are the same size)."""
    _kept.append(value)


def take():
    return _kept.pop()


def spin(seconds, marker=None):
    """A pure-Python loop: interruptible by CANCEL at any bytecode. With `marker`, first creates
    that file (with no Python frame of its own), so a test can wait until the call runs."""
    deadline = time.monotonic() + seconds
    if marker is not None:
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
    count = 0
    while time.monotonic() < deadline:
        count += 1
    return count


def fail_with_cause():
    try:
        {}["missing"]
    except KeyError as exc:
        raise ValueError("lookup failed") from exc


def fail_with_context():
    try:
        1 / 0  # noqa: B018 (raises on purpose)
    except ZeroDivisionError:
        raise RuntimeError("while handling")  # noqa: B904 (the implicit context is what is tested)


def fail_deep(levels):
    if levels:
        fail_deep(levels - 1)
    raise LookupError(f"bottom of {levels}")


def fail_chain(length):
    """An exception whose __cause__ chain is `length` long."""
    exc = None
    for index in range(length):
        new = ValueError(f"level {index}")
        new.__cause__ = exc
        exc = new
    raise exc


def write_to_stdout(text):
    print(text)
    os.write(1, f"raw {text}\n".encode())
    sys.stdout.flush()
    return "written"


def exit_worker():
    sys.exit(7)


class Unmappable:
    pass


def unmappable():
    return [1, {"k": Unmappable()}]


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def big_bytes(size):
    return b"x" * size


def big_int(bits):
    return 1 << bits
