"""Calls that keep a worker busy without letting it answer heartbeats, for BusyWorkersIT and
DeadlinesIT: code holding the GIL in C, and a finalizer that blocks the thread that reads PINGs."""

import ctypes
import os
import time

# PyDLL keeps the GIL across the foreign call (CDLL would release it), as a C extension does
# that never releases it: nothing else in the process runs Python meanwhile.
_libc = ctypes.PyDLL(None)


def sum_forever(started=None):
    """A C loop holding the GIL for hours: only the call's deadline can end it. With `started`,
    first writes that file, so a test knows the call runs in Python."""
    if started is not None:
        with open(started, "w") as note:
            note.write("started")
    return sum(range(10**12))


def hold_gil(seconds, note=None):
    """Sleeps in C holding the GIL (neither PINGs nor CANCEL are read meanwhile), then writes
    `note` if given and returns the pid. A signal (the parent-death signal, sent when the JVM
    thread that started the worker ends) cuts the sleep short: it then goes on for the rest."""
    end = time.monotonic() + seconds
    left = seconds
    while left > 0:
        _libc.usleep(ctypes.c_uint(int(left * 1_000_000)))
        left = end - time.monotonic()
    if note:
        with open(note, "w") as out:
            out.write("returned")
    return os.getpid()


class SlowFinalizer:
    """Its finalizer blocks for `seconds`: run when Java releases the reference, on whichever
    worker thread applies the RELEASE."""

    def __init__(self, seconds, note):
        self.seconds = seconds
        self.note = note

    def __del__(self):
        with open(self.note, "w") as out:
            out.write("started")
        time.sleep(self.seconds)
        with open(self.note, "a") as out:
            out.write(" finished")


def slow_finalizer(seconds, note):
    return SlowFinalizer(seconds, note)


def wait_for_file(path, seconds):
    """Waits (releasing the GIL) until `path` says the finalizer finished, then returns the pid."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with open(path) as note:
                if "finished" in note.read():
                    return os.getpid()
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(path)


def wait_for_finalizer(note, started, seconds):
    """Writes `started`, then waits for the finalizer's note; returns the pid."""
    with open(started, "w") as out:
        out.write("running")
    return wait_for_file(note, seconds)
