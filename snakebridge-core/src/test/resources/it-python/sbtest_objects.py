"""Objects with no by-value mapping, for the integration tests of references, sessions,
context managers and callbacks (importable through the runtime's pythonPath)."""

import collections
import contextlib
import dataclasses
import os
import socket

from snakebridge_worker import JavaError


@dataclasses.dataclass
class Point:
    x: int
    y: int

    def norm2(self):
        return self.x * self.x + self.y * self.y


def make_point(x, y):
    return Point(x, y)


def dict_with_socket():
    """A container that crosses by value, holding one leaf that cannot."""
    return {"name": "conn", "port": 0, "sock": socket.socket(socket.AF_INET, socket.SOCK_STREAM)}


def leaves_everywhere():
    """The same object in a list, a tuple, a set, a frozenset and a nested dict."""
    thing = object()
    return {
        "list": [1, thing],
        "tuple": (thing, "x"),
        "set": {thing},
        "frozenset": frozenset([thing]),
        "deep": {"a": [{"b": (thing,)}]},
        "other": object(),
    }


def same_twice():
    thing = object()
    return [thing, thing, object()]


def counter(text):
    return collections.Counter(text)


def numbers():
    """A generator: crosses as a reference until streaming exists."""
    yield from range(3)


def deep(levels):
    value = []
    for _ in range(levels):
        value = [value]
    return value


class Recorder:
    """A context manager that records how it was entered and left."""

    def __init__(self, suppress=False):
        self.suppress = suppress
        self.events = []

    def __enter__(self):
        self.events.append("enter")
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.events.append("exit ok")
        else:
            self.events.append(f"exit {exc_type.__name__} {exc} "
                               f"java_type={getattr(exc, 'java_type', None)}")
        return self.suppress


@contextlib.contextmanager
def transaction(log):
    """A generator-based manager: the exception is thrown in at the yield."""
    log.append("begin")
    try:
        yield "tx"
    except JavaError as error:
        log.append(f"rollback {error.java_type}")
        raise
    else:
        log.append("commit")


def transaction_log():
    return []


def apply(function, *args, **kwargs):
    return function(*args, **kwargs)


def catching(function):
    """Calls a Java callback that throws, and catches the JavaError in Python."""
    try:
        function()
    except JavaError as error:
        return [error.java_type, error.java_message]
    return None


def wrap_failure(function):
    try:
        function()
    except JavaError as error:
        raise ValueError("the callback failed") from error


def pid():
    return os.getpid()


def arguments(*args, **kwargs):
    """What a call passed: [positional arguments, keyword arguments] (tests of overloads)."""
    return [list(args), kwargs]


class Shelf:
    """An object that is callable, indexable and has attributes, for PyRef's own operations."""

    def __init__(self, *items, label="shelf"):
        self.items = list(items)
        self.label = label

    def __call__(self, *more, front=False):
        self.items[0:0] = more if front else []
        if not front:
            self.items.extend(more)
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]

    def __len__(self):
        return len(self.items)

    def __setitem__(self, index, value):
        self.items[index] = value

    def __str__(self):
        return f"{self.label}: {', '.join(map(str, self.items))}"

    def __repr__(self):
        return f"Shelf({self.items!r}, label={self.label!r})"


class MeanModel:
    """A model fitted once and used for predictions: it predicts the mean it was fitted on."""

    def __init__(self):
        self.mean_ = None

    def fit(self, values):
        self.mean_ = sum(values) / len(values)
        return self

    def predict(self, rows):
        if self.mean_ is None:
            raise ValueError("not fitted")
        return [self.mean_ for _ in rows]
