"""Values and errors a careless or hostile user returns, for HostileValuesIT."""

import sys


def deep_recursion_error(limit):
    """Raises a RecursionError whose traceback has about `limit` frames."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)

    def down():
        down()

    try:
        down()
    finally:
        sys.setrecursionlimit(old)


def deeply_nested(depth, recursion_limit):
    """A list nested `depth` levels, returned after raising the recursion limit (it stays)."""
    sys.setrecursionlimit(recursion_limit)
    value = []
    for _ in range(depth):
        value = [value]
    return value


class LyingInt(int):
    def __int__(self):
        return 42

    def __index__(self):
        return 42


class RaisingInt(int):
    def __int__(self):
        raise RuntimeError("__int__ must not be called")


class LyingFloat(float):
    def __float__(self):
        return 9.0


class LyingBytes(bytes):
    def __bytes__(self):
        return b"EVIL"


def subclasses():
    return [LyingInt(7), RaisingInt(5), LyingFloat(1.5), LyingBytes(b"ok")]


class Nameless:
    pass


Nameless.__module__ = None


def nameless():
    return Nameless()


def nameless_class():
    return Nameless


def describe_keys(mapping):
    return sorted(repr(key) for key in mapping)
