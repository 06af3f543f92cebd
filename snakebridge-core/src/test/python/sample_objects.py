"""User code for the reference and callback tests: objects with no Java mapping, and functions
that call what the JVM passed in. Imported by the tests' worker (its folder is in HELLO paths).
"""

import concurrent.futures
import dataclasses
import os
import socket
import threading
import time

from snakebridge_worker import JavaError


@dataclasses.dataclass
class Point:
    x: int
    y: int


SHARED = object()
"""Returned by every call to `shared`: the same object across calls."""


def shared():
    return SHARED


def same_twice():
    thing = object()
    return [thing, thing, {"again": thing}]


def objects(count):
    return [object() for _ in range(count)]


def socket_in_dict():
    return {"socket": socket.socket(socket.AF_INET, socket.SOCK_STREAM), "port": 0}


def type_names(value):
    """The value's shape with every leaf replaced by the name of its type: what the arguments
    resolved to."""
    if isinstance(value, (list, tuple)):
        return type(value)(type_names(item) for item in value)
    if isinstance(value, dict):
        return {key: type_names(item) for key, item in value.items()}
    return f"{type(value).__module__}.{type(value).__qualname__}"


def object_then_too_deep(depth):
    nested = []
    for _ in range(depth):
        nested = [nested]
    return [object(), nested]


# --- a finalizer the RELEASE tests can wait for -----------------------------------------------

collected = threading.Event()


class Tracked:
    def __del__(self):
        collected.set()


def tracked():
    collected.clear()
    return Tracked()


def wait_for_collection(seconds, marker=None):
    """Runs while the control thread reads: True once the Tracked object has been dropped.
    With `marker`, first creates that file, so a test can wait until the call runs."""
    if marker is not None:
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
    return collected.wait(seconds)


# --- callbacks ---------------------------------------------------------------------------------


def call_back(function, *args):
    return function(*args)


def call_with_object(function):
    return function(object())


def catch_java_error(function):
    try:
        function()
    except JavaError as exc:
        return exc.java_type, exc.java_message, exc.error_id
    return None


_kept = []


def keep(function):
    _kept[:] = [function]


def call_kept(*args):
    return _kept[0](*args)


def in_threads(function, items):
    """Calls a Java function from a thread pool while the main thread waits for the pool."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(function, items))


def spin_then_map(seconds, function, items):
    """Busy long enough for the control thread to take the input, then calls back."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass
    return [function(item) for item in items]


class CallsBackWhenDropped:
    def __init__(self, function):
        self.function = function

    def __del__(self):
        self.function()


def in_child_process(function):
    """Calls the function in a forked child; what it raised there, as text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            function()
            os.write(write_end, b"called")
        except BaseException as exc:
            os.write(write_end, f"{type(exc).__name__}: {exc}".encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as reader:
        return reader.read().decode()


_later = []


def call_later(function, delay, marker=None):
    """Calls the function from a timer thread after the call has returned; with `marker`,
    creates that file once it has."""
    _later.clear()

    def fire():
        try:
            function()
            _later.append("called")
        except Exception as exc:
            _later.append(f"{type(exc).__name__}: {exc}")
        if marker is not None:
            os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))

    threading.Timer(delay, fire).start()


def later_outcome(seconds):
    deadline = time.monotonic() + seconds
    while not _later and time.monotonic() < deadline:
        time.sleep(0.01)
    return _later[0] if _later else None
