"""The worker process's own life: leaving at once, and following its parent (WIRE-PROTOCOL §1)."""

import os
import sys
import threading
import time

PARENT_POLL_SECONDS = 0.5


def exit_now(status):
    """Leaves at once. Interpreter shutdown would wait for non-daemon threads that user code
    may have left running, and a worker whose JVM is gone must not linger."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(status)


def watch_parent():
    """Exits when the parent process changes: a SIGKILLed JVM must leave no worker behind,
    even one whose input pipe is still held open by some other process."""
    parent = os.getppid()

    def poll():
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                exit_now(0)

    threading.Thread(target=poll, name="snakebridge-parent-watch", daemon=True).start()
