"""Helpers of SharedMemoryIT: what crossed through the shared-memory lane, and arrays kept."""

import os

from snakebridge_worker import arena

_kept = []


def lane_counts():
    """(frames the worker spliced, frames it read spliced), or None without a lane."""
    return arena.counts()


def arena_identity():
    """(device, inode, mode) of each arena file, or None without a lane."""
    lane = arena.current
    if lane is None:
        return None
    return [(os.fstat(fd).st_dev, os.fstat(fd).st_ino, os.fstat(fd).st_mode & 0o777)
            for fd in lane.fds()]


def keep(value):
    _kept.append(value)
    return len(_kept) - 1


def kept_copy(index):
    """The kept value as it is now, copied so it crosses back whatever it is."""
    value = _kept[index]
    return value.copy() if hasattr(value, "copy") else bytes(value)


def release_kept():
    _kept.clear()


def filled(dtype, count, start):
    import numpy
    return (numpy.arange(count) + start).astype(dtype)


def big_bytes(size, start, kind="bytes"):
    data = bytes((start + i) % 251 for i in range(251)) * (size // 251 + 1)
    return bytearray(data[:size]) if kind == "bytearray" else data[:size]


def strided(count):
    import numpy
    return numpy.arange(2 * count, dtype="float64")[::2]


def fortran(rows, columns):
    import numpy
    return numpy.asfortranarray(numpy.arange(rows * columns, dtype="int32").reshape(rows, columns))


def describe(value):
    """Type name, and for arrays dtype, shape, sum and flags that matter."""
    import numpy
    if isinstance(value, numpy.ndarray):
        return [value.dtype.name, list(value.shape), float(value.sum()),
                bool(value.flags.writeable), bool(value.flags.owndata) or value.base is not None]
    return [type(value).__name__, len(value)]


def nested_sizes(value):
    """For a list/dict of arrays and bytes: their sizes in bytes, in order."""
    if isinstance(value, dict):
        return {key: nested_sizes(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [nested_sizes(item) for item in value]
    return getattr(value, "nbytes", None) or len(value)


def kwargs_sizes(first, **kwargs):
    return [nested_sizes(first), nested_sizes(kwargs)]


def call_back(function, array):
    """Calls the Java `function` with a big array while `array`, a big argument, is held; returns
    [what Java returned, the argument's sum before and after]."""
    before = float(array.sum())
    answer = function(array * 2)
    return [answer, before, float(array.sum())]
