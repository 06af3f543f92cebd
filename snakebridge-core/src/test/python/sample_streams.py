"""User code for the stream and coroutine tests (WIRE-PROTOCOL §6): generators, iterators,
coroutines and async generators. Imported by the tests' worker (its folder is in HELLO paths).

`events` records what finally blocks did, so a test can ask whether its stream was closed.
"""

import asyncio
import os
import time

events = []
_stuck_marker = []  # the file the next code that gets stuck creates, if a test asked for one


def take_events():
    taken = list(events)
    events.clear()
    return taken


def mark_when_stuck(marker):
    """The next spin or long sleep here first creates the file `marker`: a test waits for it
    before it cancels (a CANCEL that comes before the call runs is ignored). Created inline, so
    a CANCEL right after it lands in the function that is stuck, not in a helper."""
    _stuck_marker[:] = [marker]


def spin(seconds):
    """Busy in Python bytecode, so a CANCEL lands here."""
    deadline = time.monotonic() + seconds
    if _stuck_marker:
        os.close(os.open(_stuck_marker.pop(), os.O_CREAT | os.O_WRONLY, 0o600))
    while time.monotonic() < deadline:
        pass


# --- generators and iterators -------------------------------------------------------------------


def numbers(count):
    yield from range(count)


def guarded(label, count=None):
    """0, 1, 2, ... (`count` items, or forever); records "<label> closed" when it ends."""
    try:
        index = 0
        while count is None or index < count:
            yield index
            index += 1
    finally:
        events.append(f"{label} closed")


def yields_then_raises(count):
    yield from range(count)
    raise ValueError(f"failed after {count} items")


def raises_at_once():
    raise KeyError("nothing to give")
    yield  # a generator all the same


def slow(count, seconds):
    """Each item takes at least `seconds` (a sleep): a slow producer."""
    for index in range(count):
        time.sleep(seconds)
        yield index


def fast_then_stuck(label, count):
    """`count` items at once, then nothing for an hour of Python work (until cancelled)."""
    try:
        yield from range(count)
        spin(3600)
        yield count
    finally:
        events.append(f"{label} closed")


def big_items(count, size):
    """`count` distinct bytes objects of `size` bytes each."""
    for index in range(count):
        yield bytes([index % 256]) * size


def items_of_every_kind():
    return [
        "text",
        b"bytes",
        {"data": 1},
        {"is_final": True, "_metadata": 2},
        None,
        [1, [2, (3, {"four": {4}})]],
        1.5,
        True,
        -(2**70),
        "",
        {},
    ]


class Thing:
    pass


def objects_and_streams():
    """Items with no by-value mapping: a plain object, and a generator (a stream itself)."""
    yield Thing()
    yield numbers(3)


def stream_in_a_dict():
    return {"numbers": numbers(3), "label": "three"}


class Sized:
    """An iterator that knows its length."""

    def __init__(self, count):
        self.left = count

    def __iter__(self):
        return self

    def __next__(self):
        if not self.left:
            raise StopIteration
        self.left -= 1
        return self.left

    def __len__(self):
        return self.left


class ClosableReader:
    """An iterator that is also a context manager, like a file: it crosses as a plain ref."""

    def __init__(self, lines):
        self.lines = iter(lines)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.lines)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Countdown:
    """An iterable that is not an iterator: streamed through iter()."""

    def __init__(self, start):
        self.start = start

    def __iter__(self):
        return iter(range(self.start, 0, -1))


def array_rows(rows, row_bytes):
    """Views of one array's rows (numpy): each counts its data, not its small header."""
    import numpy

    return list(numpy.zeros((rows, row_bytes // 8)))


# --- coroutines and async generators -----------------------------------------------------------


async def add_later(a, b):
    await asyncio.sleep(0)
    return a + b


async def fail_later():
    await asyncio.sleep(0)
    raise ValueError("failed in a coroutine")


async def sleep_guarded(label, seconds):
    try:
        if _stuck_marker:
            os.close(os.open(_stuck_marker.pop(), os.O_CREAT | os.O_WRONLY, 0o600))
        await asyncio.sleep(seconds)
        return "slept"
    finally:
        events.append(f"{label} closed")


async def spin_guarded(label, seconds):
    """CPU work inside a coroutine: only Cancelled in the thread can interrupt it."""
    try:
        spin(seconds)
        return "spun"
    finally:
        events.append(f"{label} closed")


async def list_later(count):
    await asyncio.sleep(0)
    return list(range(count))


_queue = []


async def make_queue(value):
    """A queue bound to the loop this runs on; `from_queue` must find it working."""
    queue = asyncio.Queue()
    await queue.put(value)
    _queue[:] = [queue]


async def from_queue():
    return await asyncio.wait_for(_queue[0].get(), 5)


async def call_back_later(function, value):
    await asyncio.sleep(0)
    return function(value)


async def agen(count):
    for index in range(count):
        await asyncio.sleep(0)
        yield index


async def agen_guarded(label, count=None):
    try:
        index = 0
        while count is None or index < count:
            await asyncio.sleep(0)
            yield index
            index += 1
    finally:
        events.append(f"{label} closed")


async def agen_then_stuck(label, count):
    try:
        for index in range(count):
            yield index
        if _stuck_marker:
            os.close(os.open(_stuck_marker.pop(), os.O_CREAT | os.O_WRONLY, 0o600))
        await asyncio.sleep(3600)
        yield count
    finally:
        events.append(f"{label} closed")


async def agen_raises(count):
    for index in range(count):
        await asyncio.sleep(0)
        yield index
    raise ValueError(f"async failed after {count} items")


class Ticker:
    """An async iterator that is not an async generator."""

    def __init__(self, count):
        self.left = count

    def __aiter__(self):
        return self

    async def __anext__(self):
        if not self.left:
            raise StopAsyncIteration
        self.left -= 1
        await asyncio.sleep(0)
        return self.left


class AsyncNumbers:
    """An async iterable that is not an async iterator: streamed through __aiter__."""

    def __init__(self, count):
        self.count = count

    def __aiter__(self):
        return agen(self.count)


class Client:
    async def double(self, value):
        await asyncio.sleep(0)
        return 2 * value


def coroutine_in_a_list():
    return [add_later(1, 2)]
