"""User code that misbehaves as a process, for the ITs on forks, stuck workers and memory."""

import os
import sys
import time


def fork_returning_after(seconds):
    """Forks; the child comes back into the worker's loop `seconds` later. Returns the child's
    pid in the parent."""
    pid = os.fork()
    if pid:
        return pid
    time.sleep(seconds)
    return "the child's result, which must never reach the JVM"


def exit_status(pid):
    """Waits for a child of the worker to end: its exit code, or minus its signal."""
    status = os.waitpid(pid, 0)[1]
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


_children = []


def start_children():
    """Starts `sleep 300` as a child of the worker, and another through a shell that exits (an
    orphan that only stayed in the worker's process group). Returns [worker, child, orphan]."""
    import subprocess

    child = subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _children.append(child)
    orphan = int(subprocess.check_output(
        ["sh", "-c", "sleep 300 </dev/null >/dev/null 2>&1 & echo $!"]))
    return [os.getpid(), child.pid, orphan]


def start_children_then_hold_the_gil(pid_file):
    """start_children, the pids written to `pid_file`, then one C call that holds the GIL for
    hours: no Python code of the worker's runs again, no signal handler, no other thread."""
    pids = start_children()
    with open(pid_file + ".tmp", "w") as out:
        out.write(" ".join(map(str, pids)))
    os.replace(pid_file + ".tmp", pid_file)
    return sum(range(10**12))


def allocate(megabytes):
    """Holds `megabytes` MiB as 1 MiB bytearrays, then frees them; returns how many."""
    held = [bytearray(1 << 20) for _ in range(megabytes)]
    return len(held)


def data_limit():
    """The worker's RLIMIT_DATA soft limit in bytes, -1 for none."""
    import resource

    return resource.getrlimit(resource.RLIMIT_DATA)[0]
