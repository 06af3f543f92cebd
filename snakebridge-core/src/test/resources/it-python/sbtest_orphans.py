"""Workers that start processes, for OrphansIT: each must die with its worker."""

import os
import subprocess
import time

from snakebridge_worker import Cancelled

_children = []


def start_children(seconds):
    """Starts `sleep 300` as a child of the worker, and another through a shell that exits
    (an orphan that only stayed in the worker's process group); sleeps `seconds` so that concurrent
    calls spread over the pool. Returns [worker pid, child pid, orphan pid]."""
    child = subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _children.append(child)
    orphan = int(subprocess.check_output(
        ["sh", "-c", "sleep 300 </dev/null >/dev/null 2>&1 & echo $!"]))
    time.sleep(seconds)
    return [os.getpid(), child.pid, orphan]


def hang(seconds):
    """A sleep that swallows Cancelled: only killing the worker ends this call before
    `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            time.sleep(max(0.0, deadline - time.monotonic()))
        except Cancelled:
            pass


def start_children_then_hang(pid_file, seconds):
    """start_children, the pids written to `pid_file`, then hang(seconds)."""
    pids = start_children(0)
    with open(pid_file + ".tmp", "w") as out:
        out.write(" ".join(map(str, pids)))
    os.replace(pid_file + ".tmp", pid_file)
    hang(seconds)
    return pids
