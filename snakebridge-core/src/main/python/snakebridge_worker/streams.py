"""Streams: the CALL ops that take items from iterators in batches (WIRE-PROTOCOL §6).

A stream is an iterator (or async iterator) registered in the call's session like any other
reference; it crosses as `sbw.stream_ref` (codec.AsStream, codec.is_stream_type). What a stream
remembers between batches (an exception kept for the next batch, or that a cancelled batch
closed it) lives in its registry entry (sessions._Entry.pending), so it goes with the entry.

The batch loop is the throughput path, so a synchronous iterator is never pulled item by item
in Python: `list.extend(islice(iterator, run))` takes a run of items in C (and keeps the items
taken before an exception), and the rules of §6.3 are checked per run. Runs start at one item
and double while a run takes under GROW_SECONDS, so a fast producer is pulled in long runs and
a slow one item by item; a run that takes SLOW_SECONDS or more ends the batch, which is what
"the last next() took 1 ms" means for a run of one, and for a longer run says the producer
slowed down. A run is also never longer than items as large as the largest seen in the batch
can fill of what is left of BATCH_BYTES, so uniform items end the batch at the item that
reaches it; the size of an item is known only once it is taken, so a run that meets large
items after only small ones can overshoot (WIRE-PROTOCOL §6.3 says so). Per small item that
is well under 100 ns of Python-side work, against several hundred for a loop in Python. An
async iterator is awaited item by item (each item costs a trip through the event loop
anyway).

Cancelling: a CANCEL raises Cancelled in the thread, inside the iterator's own code or in the
loop here. Either way the iterator is closed before Cancelled goes on (a generator whose frame
the exception already left is closed already), and its entry is marked exhausted. Once the
items are taken the call shields itself (control.InputControl.shield): a CANCEL that comes
while the answer is encoded is ignored, so the items taken are either delivered or, if the
CANCEL came first, reported `cancelled` with the stream closed.
"""

import collections.abc
import itertools
import operator
import sys
import time

from snakebridge_worker import Cancelled, aio
from snakebridge_worker.codec import AsStream
from snakebridge_worker.sbw import qualified_name

BATCH_BYTES = 4 << 20
"""A batch ends once its items are estimated at this many bytes (§6.3)."""

BATCH_SECONDS = 0.005
"""A batch ends this long after its first item was taken (§6.3)."""

SLOW_SECONDS = 0.001
"""A batch ends after a run of items (one item, for a slow producer) that took this long."""

GROW_SECONDS = 0.00025
"""A run that took less than this is followed by one twice as long."""

EXHAUSTED = object()
"""Entry.pending of a stream that a cancelled op closed: it yields nothing more."""

_WHOLE = (str, bytes, bytearray, memoryview, collections.abc.Mapping)
"""Iterables a `stream` op delivers as one item (§6.2)."""

_islice = itertools.islice
_getsizeof = sys.getsizeof
_FLOAT_BYTES = sys.getsizeof(0.0)
_STR_HEADER = sys.getsizeof("")
_BYTES_HEADER = sys.getsizeof(b"")


class Streams:
    """The stream ops of one worker. `control` is its control.InputControl (None in tests
    that run the dispatcher in process: nothing can cancel a call there); `clock` is
    injectable so tests need not depend on timing."""

    def __init__(self, registry, clock=time.perf_counter):
        self._registry = registry
        self._clock = clock
        self.control = None

    # --- the ops ------------------------------------------------------------------------------

    def start(self, session, result, batch):
        """`stream`: what a call returned, as (stream, first items, done)."""
        kind = type(result)
        if _has(kind, "__next__"):
            iterator, is_async = result, False
        elif _has(kind, "__anext__"):
            iterator, is_async = result, True
        elif isinstance(result, _WHOLE):
            return None, [result], True
        elif _has(kind, "__iter__"):
            iterator, is_async = None, False
        elif _has(kind, "__aiter__"):
            iterator, is_async = None, True
        else:
            return None, [result], True
        if session is None:
            # Fails as the encoder meets it, naming the result's type: ERROR kind conversion.
            return AsStream(result), [], False
        if iterator is None:
            iterator = kind.__aiter__(result) if is_async else iter(result)
        if batch == 0:
            return AsStream(iterator), [], False
        items, done, error = self._take(iterator, is_async, batch, None)
        return AsStream(iterator, error), items, done

    def batch(self, session, seen, target, size):
        """`stream_batch`: (items, done)."""
        is_async = _is_async_iterator(target)
        entry = self._entry(session, seen, target)
        if entry is not None:
            pending = entry.pending
            if pending is EXHAUSTED:
                return [], True
            if pending is not None:
                entry.pending = None
                raise pending
        items, done, error = self._take(target, is_async, size, entry)
        if error is not None and entry is not None:  # no entry: released meanwhile, so
            entry.pending = error  # nobody can ask for the error any more
        return items, done

    def next_item(self, session, seen, target):
        """`stream_next`: (True, item), or (False, None) once the stream is exhausted."""
        is_async = _is_async_iterator(target)
        entry = self._entry(session, seen, target)
        if entry is not None:
            pending = entry.pending
            if pending is EXHAUSTED:
                return False, None
            if pending is not None:
                entry.pending = None
                raise pending
        try:
            if is_async:
                reply = aio.run(_next_async(target))
            else:
                try:
                    reply = True, next(target)
                except StopIteration:
                    reply = False, None
            self._shield()
        except Cancelled:
            _close_after_cancel(target, is_async, entry)
            raise
        return reply

    def close(self, session, seen, target):
        """`stream_close`: closes the iterator, then unregisters it whatever its handouts."""
        try:
            kind = type(target)
            if _has(kind, "__next__"):
                close = getattr(target, "close", None)
                if close is not None:
                    close()
            elif _has(kind, "__anext__"):
                close = getattr(target, "aclose", None)
                if close is not None:
                    aio.run(aio.awaited(close()))
        finally:
            if session is not None:
                ref_ids = [] if seen is None else [ref[0] for ref in seen]
                self._registry.release_object(session, target, ref_ids)
        return None

    # --- taking items ---------------------------------------------------------------------------

    def _entry(self, session, seen, target):
        return self._registry.entry_of(
            session, target, [] if seen is None else [ref[0] for ref in seen]
        )

    def _take(self, iterator, is_async, limit, entry):
        """A batch as (items, done, error); `error` was raised after `items` were taken."""
        try:
            if is_async:
                taken = aio.run(_take_async(iterator, limit, self._clock))
            else:
                taken = take(iterator, limit, self._clock)
            self._shield()
        except Cancelled:
            _close_after_cancel(iterator, is_async, entry)
            raise
        return taken

    def _shield(self):
        control = self.control
        if control is not None and not control.shield():
            raise Cancelled


def length(target):
    """`stream_len`: len(target), else what the iterator knows of the items it has left (its
    `__length_hint__`: a list or range iterator does), else None."""
    size = operator.length_hint(target, -1)
    return None if size < 0 else size


def take(iterator, limit, clock=time.perf_counter):
    """§6.3 for a synchronous iterator, in runs (see the module doc): (items, done, error),
    where `error` is an exception the iterator raised after `items` were taken."""
    items = []
    run = 1
    size = 0
    per_item = 1  # the largest estimate per item of a run so far
    first = None
    while True:
        want = limit - len(items)
        if run < want:
            want = run
        chunk = []
        before = clock()
        try:
            chunk.extend(_islice(iterator, want))
        except Cancelled:
            raise
        except BaseException as exc:
            # extend() keeps what it appended before the exception: those items go first.
            if not items and not chunk:
                raise
            items += chunk
            return items, False, exc
        after = clock()
        items += chunk
        if len(chunk) < want:
            return items, True, None
        if len(items) >= limit:
            return items, False, None
        chunk_bytes = _estimate(chunk)
        size += chunk_bytes
        if size >= BATCH_BYTES:
            return items, False, None
        took = after - before
        if first is None:
            first = after
        if took >= SLOW_SECONDS or after - first >= BATCH_SECONDS:
            return items, False, None
        if took < GROW_SECONDS:
            run += run
        # No longer than items as large as the largest so far can fill what is left of
        # BATCH_BYTES, so uniform items end the batch at the very item that reaches it.
        average = chunk_bytes // len(chunk) + 1
        if average > per_item:
            per_item = average
        if run * per_item > BATCH_BYTES - size:
            run = (BATCH_BYTES - size) // per_item or 1


async def _take_async(iterator, limit, clock):
    """§6.3 for an async iterator: one item per await."""
    import asyncio

    items = []
    size = 0
    first = None
    anext = type(iterator).__anext__
    while True:
        before = clock()
        try:
            item = await anext(iterator)
        except StopAsyncIteration:
            return items, True, None
        except (Cancelled, asyncio.CancelledError):
            raise
        except BaseException as exc:
            if not items:
                raise
            return items, False, exc
        after = clock()
        items.append(item)
        if len(items) >= limit:
            return items, False, None
        size += _estimate((item,))
        if first is None:
            first = after
        if size >= BATCH_BYTES or after - before >= SLOW_SECONDS or after - first >= BATCH_SECONDS:
            return items, False, None


async def _next_async(iterator):
    try:
        return True, await type(iterator).__anext__(iterator)
    except StopAsyncIteration:
        return False, None


def _estimate(chunk):
    """The bytes a run of items stands for (§6.3), computed in C, with no Python per item.

    A run of one type, the usual case, is estimated from that type: ints by the largest
    magnitude (getsizeof grows with it), floats exactly, str and bytes by their lengths plus
    the object header. Mixed runs take sys.getsizeof of each item (itself a method call per
    item, about twice the cost). numpy arrays count their `nbytes`: the getsizeof of a view
    leaves out its data.
    """
    kinds = set(map(type, chunk))
    if len(kinds) == 1:
        kind = next(iter(kinds))
        if kind is int:
            return len(chunk) * _getsizeof(max(max(chunk), -min(chunk)))
        if kind is float:
            return len(chunk) * _FLOAT_BYTES
        if kind is str:
            return sum(map(len, chunk)) + len(chunk) * _STR_HEADER
        if kind is bytes:
            return sum(map(len, chunk)) + len(chunk) * _BYTES_HEADER
    try:
        size = sum(map(_getsizeof, chunk))
    except Exception:  # a __sizeof__ of user code that fails
        size = 64 * len(chunk)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        ndarray = numpy.ndarray
        if any(issubclass(kind, ndarray) for kind in kinds):
            size += sum(
                item.nbytes - _getsizeof(item) for item in chunk if isinstance(item, ndarray)
            )
    return size


def _close_after_cancel(iterator, is_async, entry):
    """Runs the iterator's `finally` blocks after a CANCEL, and marks its stream exhausted.
    The call reports `cancelled` whatever closing raises."""
    if entry is not None:
        entry.pending = EXHAUSTED
    try:
        if is_async:
            close = getattr(iterator, "aclose", None)
            if close is not None:
                aio.run(aio.awaited(close()))
        else:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
    except BaseException as exc:
        sys.stderr.write(
            f"snakebridge worker: closing a cancelled stream of "
            f"{qualified_name(type(iterator))} raised {exc!r}\n"
        )


def _is_async_iterator(target):
    """False for an iterator, True for an async iterator, else the TypeError `next()` raises."""
    kind = type(target)
    if _has(kind, "__next__"):
        return False
    if _has(kind, "__anext__"):
        return True
    raise TypeError(f"'{qualified_name(kind)}' object is not an iterator")


def _has(kind, name):
    return getattr(kind, name, None) is not None
