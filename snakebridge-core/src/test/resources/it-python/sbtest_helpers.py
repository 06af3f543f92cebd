"""Helpers for SnakeBridge's Java integration tests, importable through the runtime's pythonPath."""

import collections
import datetime
import decimal
import os
import signal
import sys
import threading
import time
import uuid


class ShopError(LookupError):
    """A user-defined exception with a non-builtin MRO."""


Point = collections.namedtuple("Point", "x y")


def echo(value):
    return value


_kept = []


def keep(value):
    """Keeps `value` until `take` (named like echo, so the two requests are the same size)."""
    _kept.append(value)


def take():
    return _kept.pop()


def type_name(value):
    """The qualified type of what Java sent, as Python sees it."""
    kind = type(value)
    return kind.__module__ + "." + kind.__qualname__


def describe(value):
    """Type names of a container's elements, to check how each Java value arrived."""
    return [type_name(item) for item in value]


def evaluate(expression):
    """Builds values only Python can make (bytearray, frozenset, namedtuple...)."""
    return eval(expression, {
        "collections": collections, "datetime": datetime, "decimal": decimal, "uuid": uuid,
        "Point": Point})


def evaluate_with(expression, value):
    """Evaluates `expression` about what Java sent, named `value` there."""
    return eval(expression, {"datetime": datetime, "decimal": decimal, "value": value})


def pid():
    return os.getpid()


def sleep_then_pid(seconds):
    time.sleep(seconds)
    return os.getpid()


# How long a helper waits for the test's next step before it fails the call (a hang, not a slow
# machine: the same ceiling as the Java tests' Await.CEILING).
CEILING = 60.0


def _await_path(path, what, seconds=CEILING):
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError("no %s (%s) after %s s" % (what, path, seconds))
        time.sleep(0.005)


def wait_for_gate(gate, seconds=CEILING):
    """Blocks until the file `gate` exists, then returns this worker's pid: a call that stays
    busy exactly until the test lets it go."""
    _await_path(gate, "gate", seconds)
    return os.getpid()


def pid_at_rendezvous(folder, count, seconds=CEILING):
    """Notes this call in `folder`, waits until `count` calls have done so, and returns this
    worker's pid: `count` such calls prove that they all ran at the same time."""
    name = os.path.join(folder, "%d-%d" % (os.getpid(), threading.get_ident()))
    with open(name + ".tmp", "w"):
        pass
    os.replace(name + ".tmp", name + ".pid")
    deadline = time.monotonic() + seconds
    while len([name for name in os.listdir(folder) if name.endswith(".pid")]) < count:
        if time.monotonic() > deadline:
            raise TimeoutError("only %s of %d calls met in %s" % (os.listdir(folder), count, folder))
        time.sleep(0.005)
    return os.getpid()


def append_line(path, line):
    """Appends `line` to the file `path`: calls that note their order."""
    with open(path, "a") as out:
        out.write(line + "\n")
    return os.getpid()


def raise_from():
    try:
        {}["apple"]
    except KeyError as error:
        raise ValueError("no price for apple") from error


def raise_during():
    try:
        1 / 0
    except ZeroDivisionError:
        raise RuntimeError("while handling")


def raise_shop_error():
    _inner_step()


def _inner_step():
    raise ShopError("out of stock")


def noisy():
    print("printed by print()")
    sys.stdout.flush()
    os.write(1, b"written to fd 1\n")
    os.write(2, b"written to fd 2\n")
    return "the protocol is intact"


def exit_with(code):
    os._exit(code)


def kill_self(signal_number):
    os.kill(os.getpid(), signal_number)
    time.sleep(10)


def segfault():
    import ctypes

    ctypes.string_at(0)


def cwd():
    return os.getcwd()


def env(name):
    return os.environ.get(name)


def sys_path_head():
    return sys.path[0]


def big_bytes(size):
    return b"\x00" * size


def array_info(array):
    """dtype, shape and C-contiguity of a numpy array Java sent."""
    return str(array.dtype), list(array.shape), bool(array.flags["C_CONTIGUOUS"])


def transposed():
    import numpy

    return numpy.arange(6, dtype=numpy.int64).reshape(2, 3).T


def cyclic_list():
    """A list that contains itself: well-formed pickle, no Java value."""
    items = [1]
    items.append(items)
    return items


def spin(seconds):
    """A pure-Python busy loop: CANCEL interrupts it at once."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return os.getpid()


def spin_noting(seconds, path, started=None):
    """Spins; whatever ends it (CANCEL included) leaves a note in `path` first. With `started`,
    first notes in that file that it runs."""
    try:
        if started is not None:
            touch(started)
        return spin(seconds)
    finally:
        with open(path, "w") as note:
            note.write("cleaned up")


def touch(path):
    """A call with a side effect, to tell whether it ever ran."""
    with open(path, "w") as note:
        note.write("ran")
    return os.getpid()


_HOARD = []


def hoard(megabytes):
    """Keeps `megabytes` of memory alive in this worker (for memory recycling)."""
    _HOARD.append(b"\x01" * (megabytes * 1024 * 1024))  # written, so resident
    return os.getpid()


def add(a, b):
    return a + b


def pid_then_sleep(path, seconds):
    """Writes this worker's pid to `path`, then blocks (to be stopped or killed meanwhile)."""
    with open(path + ".tmp", "w") as note:
        note.write(str(os.getpid()))
    os.replace(path + ".tmp", path)
    time.sleep(seconds)
    return os.getpid()


def where(*objects):
    """This worker's pid and its SB_POOL variable; the arguments only route the call."""
    return [os.getpid(), os.environ.get("SB_POOL")]


class Keepsake:
    """An object with no by-value mapping: it crosses as a reference."""


def finish_despite_cancel(seconds, started, finished):
    """Spins, swallowing the CANCEL that interrupts it, and returns a new object all the same:
    the JVM gets a RESULT holding a reference for a call whose caller stopped waiting. Notes in
    `started` that it runs and in `finished` that it is about to return."""
    try:
        # inside the try: a CANCEL sent once `started` exists may land before touch returns
        touch(started)
        spin(seconds)
    except BaseException:  # Cancelled: this function ignores it on purpose
        pass
    touch(finished)
    return Keepsake()
