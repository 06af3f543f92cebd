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
