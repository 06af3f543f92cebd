"""Coroutines and async iterators (WIRE-PROTOCOL §6.4).

A call whose Python function returns a coroutine is run to completion on the event loop of the
thread that runs the call: one loop per thread, created on first use and kept, so objects bound
to a loop (an `asyncio.Queue`, a client session) keep working from one call to the next. The
loop is also that thread's current event loop (`asyncio.get_event_loop()`).

A thread's loop cannot run twice at once: a coroutine returned by a call nested inside a
running one (through a Java callback) fails with a RuntimeError, and so does one returned while
user code runs some other loop on that thread.

Cancelling
----------
CANCEL raises `Cancelled` in the thread (control.py), which lands wherever that thread is: in
the awaited coroutine's own code, or in the loop's machinery, or in another task's step; and a
thread idle in the loop's `select()` would notice only when the select returns. So `interrupt`,
called by the control thread right after it raised `Cancelled`, also wakes the loop and asks it
to cancel the call's task. Whichever came first, `run` then cancels the task if it is still
pending and runs the loop until the task is done, so the coroutine's `finally` blocks (and
`async with` exits) have run before the call answers `cancelled`. Like `asyncio.run`, it waits
for a coroutine that swallows its cancellation and goes on.
"""

import threading
import types

from snakebridge_worker import Cancelled

# asyncio is imported where it is used: importing it costs a worker's start some 30 ms, which
# only workers that meet a coroutine should pay.

COROUTINE = types.CoroutineType
"""`inspect.iscoroutine` is exactly `type(x) is COROUTINE`: the type cannot be subclassed."""

_local = threading.local()
_control = None  # the worker's control.InputControl: which call a thread runs (None in tests)
_runs = {}  # call id -> _Run: the coroutine that call awaits now, for interrupt()


class _Run:
    __slots__ = ("cancelled", "loop", "task")

    def __init__(self, loop, task):
        self.loop = loop
        self.task = task
        self.cancelled = False  # the task was cancelled because its call was


def attach(control):
    """Connects CANCEL to the loops: called once the worker's input control exists."""
    global _control
    _control = control


def event_loop():
    """The calling thread's event loop, created on first use (again if user code closed it)."""
    import asyncio

    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def run(awaitable):
    """Awaits `awaitable` (a coroutine, or what an async iterator's `__anext__` or `aclose`
    returns) on the calling thread's loop; returns its result or raises its exception. Raises
    Cancelled, once the task is finalized, if the call running it was cancelled."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        if type(awaitable) is COROUTINE:
            awaitable.close()  # never awaited on purpose: no "was never awaited" warning
        raise RuntimeError(
            "a coroutine cannot be awaited here: this thread's event loop is already running "
            "(a call that returns a coroutine or streams an async iterator was nested inside "
            "a running coroutine, through a Java callback); make the nested function "
            "synchronous, or await it in Python"
        )
    loop = event_loop()
    task = asyncio.ensure_future(awaitable, loop=loop)
    current = _Run(loop, task)
    call_id = None if _control is None else _control.current_call()
    if call_id is not None:
        _runs[call_id] = current
    try:
        return loop.run_until_complete(task)
    except BaseException as exc:
        if task.done():
            if current.cancelled and isinstance(exc, asyncio.CancelledError):
                # interrupt() cancelled the task: the call's Cancelled, caused by the task's
                # CancelledError (whose chain shows where the coroutine was)
                raise Cancelled() from exc
            raise  # the coroutine's own outcome, Cancelled included if it landed inside
        # Raised outside the task (Cancelled landing in the loop's machinery): finalize the
        # task first, so its finally blocks have run when the call answers.
        current.cancelled = True
        task.cancel()
        ended = _finish(loop, task)
        if isinstance(exc, Cancelled):
            raise Cancelled() from ended
        raise
    finally:
        if call_id is not None and _runs.get(call_id) is current:
            del _runs[call_id]


def _finish(loop, task):
    """Runs the loop until the cancelled task is done; the exception that ended it, if any."""
    try:
        loop.run_until_complete(task)
    except BaseException as exc:
        return exc
    return None


def interrupt(call_id):
    """The control thread cancelled `call_id`: if it awaits a coroutine, wakes its loop and
    cancels its task there (see the module doc). Never raises."""
    current = _runs.get(call_id)
    if current is not None:
        try:
            current.loop.call_soon_threadsafe(_cancel, current)
        except RuntimeError:
            pass  # the loop was closed meanwhile: nothing runs on it any more


def _cancel(current):
    if not current.cancelled and not current.task.done():
        current.cancelled = True
        current.task.cancel()


async def awaited(awaitable):
    """A coroutine awaiting `awaitable`, for what `ensure_future` takes only as a coroutine."""
    return await awaitable
