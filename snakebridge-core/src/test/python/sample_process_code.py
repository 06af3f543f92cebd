"""User code for the process-level tests: blocking calls, child processes, signals, threads."""

import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

from snakebridge_worker import Cancelled

_kept = []  # objects a call leaves behind on purpose (pipes, sockets, children)

# The functions that block take an optional `marker`: a file they create just before blocking,
# so a test can wait until the call runs (support.WorkerProcess.start_running). They create it
# inline, not through a helper function: a CANCEL that comes right after must find them in their
# own frame, not in the helper's.


def sleep(seconds, marker=None):
    if marker is not None:
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
    time.sleep(seconds)
    return "slept"


def wait_for_event(marker=None):
    event = threading.Event()
    if marker is not None:
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
    event.wait()
    return "set"


def read_pipe(marker=None):
    """A blocking os.read on a pipe nobody writes to (both ends kept open)."""
    read_end, write_end = os.pipe()
    _kept.append((read_end, write_end))
    if marker is not None:
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
    return os.read(read_end, 1)


def receive(marker=None):
    """A blocking recv on a socket pair nobody sends on."""
    pair = socket.socketpair()
    _kept.append(pair)
    if marker is not None:
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
    return pair[0].recv(1)


def select_forever(marker=None):
    read_end, write_end = os.pipe()
    _kept.append((read_end, write_end))
    if marker is not None:
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
    return select.select([read_end], [], [])


def meet(folder, count, seconds=60.0):
    """Notes this call in `folder` and waits until `count` calls have: returns "met" only if
    they all ran at the same time."""
    name = os.path.join(folder, str(threading.get_ident()))
    os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o600))
    deadline = time.monotonic() + seconds
    while len(os.listdir(folder)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(os.listdir(folder))} of {count} calls met")
        time.sleep(0.005)
    return "met"


def sleep_and_report_cleanup(seconds, marker=None):
    """Sleeps; tells on stderr that its `except Cancelled` cleanup ran, then re-raises."""
    try:
        if marker is not None:
            os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
        time.sleep(seconds)
    except Cancelled:
        sys.stderr.write("cleanup after Cancelled ran\n")
        sys.stderr.flush()
        raise
    return "slept"


def spin_with_own_sigint_handler(seconds, marker=None):
    """A Python loop while user code owns SIGINT: the worker must not signal that handler."""

    def handler(signum, frame):
        sys.stderr.write("user SIGINT handler called\n")
        sys.stderr.flush()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        if marker is not None:
            os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
        _spin(seconds)  # not inline: CPython 3.13 can skip a `finally` in the frame of a tight
    finally:  # loop that an exception interrupts (python/cpython#130279)
        signal.signal(signal.SIGINT, previous)
    return "spun"


def _spin(seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


def ids():
    """(pid, process group, session) of the worker."""
    return os.getpid(), os.getpgrp(), os.getsid(0)


def parent_death_signal():
    """The worker's parent-death signal (Linux prctl PR_GET_PDEATHSIG)."""
    import ctypes

    value = ctypes.c_int(0)
    ctypes.CDLL(None, use_errno=True).prctl(2, ctypes.byref(value), 0, 0, 0)
    return value.value


def sigint_handler_name():
    handler = signal.getsignal(signal.SIGINT)
    return getattr(handler, "__qualname__", repr(handler))


def start_sleeper():
    """A child process `sleep 300` (a direct child of the worker); returns its pid."""
    child = subprocess.Popen(
        ["sleep", "300"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _kept.append(child)
    return child.pid


def start_orphan_sleeper():
    """`sleep 300` started by a shell that exits: no longer the worker's child, still in its
    process group. Returns its pid."""
    out = subprocess.check_output(["sh", "-c", "sleep 300 </dev/null >/dev/null 2>&1 & echo $!"])
    return int(out)


def start_sleeper_then_hang(seconds):
    """A child `sleep 300`, its pid on stderr, then a sleep that ignores cancellation."""
    pid = start_sleeper()
    sys.stderr.write(f"sleeper pid {pid}\n")
    sys.stderr.flush()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            time.sleep(deadline - time.monotonic())
        except Cancelled:
            pass
    return pid


def fork(delay=0.0, outcome="return"):
    """Forks. The parent returns the child's pid; the child comes back into the worker's loop
    after `delay` seconds, returning, raising ValueError or calling sys.exit(7) (`outcome`)."""
    pid = os.fork()
    if pid:
        return pid
    if delay:
        time.sleep(delay)
    if outcome == "raise":
        raise ValueError("raised in the forked child")
    if outcome == "exit":
        sys.exit(7)
    return "the child's result, which must never reach the JVM"


def reap(pid):
    """Waits for a child of the worker to end; its exit code, or minus its signal."""
    status = os.waitpid(pid, 0)[1]
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def hold_the_gil():
    """Says so on stderr, then sums for hours in one C call that never releases the GIL nor
    lets a signal handler run."""
    sys.stderr.write("holding the GIL\n")
    sys.stderr.flush()
    return sum(range(10**12))


def data_size():
    """The worker's data memory in bytes (Linux VmData) and its RLIMIT_DATA soft limit."""
    import resource

    with open("/proc/self/status") as status:
        data = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:"))
    return data, resource.getrlimit(resource.RLIMIT_DATA)[0]


def allocate(megabytes):
    """Holds `megabytes` MiB as 1 MiB bytearrays, then frees them; returns how many."""
    held = [bytearray(1 << 20) for _ in range(megabytes)]
    return len(held)


def grow_list(items):
    """A list of `items` distinct ints: many small allocations."""
    return len(list(range(10**6, 10**6 + items)))
