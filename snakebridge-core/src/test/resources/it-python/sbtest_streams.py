"""Generators, iterators and coroutines for the streaming integration tests (StreamIT and
friends), importable through the runtime's pythonPath."""

import asyncio
import datetime
import decimal
import io
import os
import re
import time
import uuid


def gen(n):
    """A plain generator: 0 .. n-1."""
    yield from range(n)


def values():
    """One item of every kind a stream may carry, plain or by reference."""
    yield None
    yield "text ✓"
    yield b"\x00bytes\xff"
    yield {"data": 1}
    yield {"is_final": True, "_metadata": {"k": "v"}}
    yield [1, [2, {"a": (3, 4)}], {5}]
    yield (1.5, True, 10 ** 30, -7)
    yield complex(1, -2)
    yield datetime.date(2024, 2, 29)
    yield decimal.Decimal("12.50")
    yield uuid.UUID(int=1)
    yield ""
    yield re.compile("a+b")


def produced_slowly(n, delay):
    """Sleeps, then yields (i, the wall-clock time it was produced): a slow producer."""
    for i in range(n):
        time.sleep(delay)
        yield i, time.time()


def handed_over(n, folder, pause=0.02, seconds=60.0):
    """A slow producer (each item takes `pause` seconds) that yields item i only once the
    consumer has noted item i - 1 as received (a file `<i - 1>` in `folder`): it can go on only
    if every item is delivered as soon as it exists, never held back for the items after it.
    Fails after `seconds` without a receipt."""
    for i in range(n):
        time.sleep(pause)
        receipt = os.path.join(folder, str(i - 1))
        deadline = time.monotonic() + seconds
        while i and not os.path.exists(receipt):
            if time.monotonic() > deadline:
                raise TimeoutError("item %d was not received within %s s" % (i - 1, seconds))
            time.sleep(0.005)
        yield i


def noting(path, n):
    """Appends "stream" to the file `path` when it starts, then yields 0 .. n-1."""
    with open(path, "a") as out:
        out.write("stream\n")
    yield from range(n)


def guarded(marker, delay=0.0):
    """Counts forever; its finally block writes `marker` (a file), so a test can see it ran."""
    i = 0
    try:
        while True:
            yield i
            i += 1
            if delay:
                time.sleep(delay)
    finally:
        with open(marker, "w") as out:
            out.write(repr(time.time()))


def patient(marker, pause):
    """Yields 0, then waits `pause` seconds in short sleeps (so a CANCEL stops it whether it lands
    in a sleep or between two), then yields 1; its finally block writes `marker` (a file)."""
    try:
        yield 0
        deadline = time.monotonic() + pause
        while time.monotonic() < deadline:
            time.sleep(0.01)
        yield 1
    finally:
        with open(marker, "w") as out:
            out.write(repr(time.time()))


def fails_after(n):
    """Yields 0 .. n-1, then raises."""
    for i in range(n):
        yield i
    raise ValueError("failed after %d items" % n)


def stalls():
    """One item, then a pause of 60 s that a CANCEL cannot end (it swallows Cancelled): stuck
    for good, so only a kill ends it."""
    yield 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            time.sleep(max(0.0, deadline - time.monotonic()))
        except BaseException:
            pass
    yield 2


_produced = [0]


def big_items(count, size):
    """`count` fresh bytes objects of `size` bytes each; `produced()` tells how many so far."""
    _produced[0] = 0
    for i in range(count):
        _produced[0] = i + 1
        yield bytes([i % 256]) * size


def produced():
    return _produced[0]


def kilobyte_dicts(count):
    """`count` dicts of about 1 KB each (benchmarks)."""
    text = "x" * 900
    for i in range(count):
        yield {"id": i, "name": "item-%d" % i, "payload": text}


def nested():
    """A stream reference inside a dict."""
    return {"numbers": gen(3), "label": "three"}


def text_lines():
    """An iterator that is also a context manager: a reference, not a stream."""
    return io.StringIO("a\nb\n")


async def agen(n):
    """An async generator."""
    for i in range(n):
        await asyncio.sleep(0)
        yield i


async def aguarded(marker, delay=0.0):
    """`guarded` as an async generator: counts forever, its finally block writes `marker`."""
    i = 0
    try:
        while True:
            yield i
            i += 1
            await asyncio.sleep(delay)
    finally:
        with open(marker, "w") as out:
            out.write(repr(time.time()))


async def answer():
    """A coroutine: awaited by call and by stream."""
    await asyncio.sleep(0)
    return 42


async def async_list(n):
    """A coroutine whose result is a list: streamed item by item once awaited."""
    await asyncio.sleep(0)
    return list(range(n))


def arrays(n):
    """numpy arrays (in the numpy venv)."""
    import numpy
    for i in range(n):
        yield numpy.arange(4, dtype=numpy.float64) * i


def write_csv(path, rows):
    """A CSV of `rows` rows: a = row number, b = 2 * row number."""
    with open(path, "w") as out:
        out.write("a,b\n")
        for i in range(rows):
            out.write("%d,%d\n" % (i, 2 * i))
    return path


def pid():
    return os.getpid()
