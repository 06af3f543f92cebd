"""Who reads the protocol input, and the threads that keep a busy worker responsive.

Reading the input: the main thread and the control thread
---------------------------------------------------------
A trivial call must cost a few microseconds, so the main thread reads frames itself and runs
each call inline: no queue, no thread switch, no lock on the way in. But while a call runs
for long, PING must still be answered and CANCEL honoured, so then someone else has to read.

Exactly one thread owns the input at any time (`_main_owns_input`, guarded by `_lock`):

* Main owns it while idle and during short calls. It reads a frame, and for a CALL publishes
  `_running` (a sequence number, never reused) before running it, with plain attribute stores:
  the GIL makes each one atomic and no lock is taken.
* The control thread polls `_running` every POLL_SECONDS. When it sees the same call still
  running TAKEOVER_SECONDS after it first saw it, it takes the input, under the lock and only
  if that call is still the running one. From then on it reads: PING -> PONG at once; CANCEL
  for the running call -> interrupt; end of input -> exit at once (nobody is listening);
  a bad frame -> protocol ERROR and exit.
* Any other frame (a CALL, SHUTDOWN, ...) belongs to main: the control thread appends it to
  `_handoff`, gives the input back to main and notifies, all under the lock, and returns to
  polling. If main is still busy it will take the input again right away, so nothing goes
  unread for long; the frame waits in `_handoff`, in arrival order.
* When a call ends, main (under the lock) clears `_running` and checks who owns the input. If
  main still does and `_handoff` is empty, it goes on reading by itself with no further
  locking: the control thread cannot take the input while no call runs. Otherwise it waits on
  the condition for a handed-off frame or for the input to come back, and always drains
  `_handoff` before reading again.

So a frame is read by exactly one thread (ownership changes only under the lock, and only a
thread that is not inside `read` gives it away or takes it), and every frame read by the
control thread is either answered by it (PING, CANCEL) or queued for main in order. The
control thread never blocks in `read` while main owns the input; main never reads while the
control thread owns it. A control thread still blocked in `read` when a call ends simply keeps
the input until the next frame arrives, and hands that frame over.

Cancelling
----------
CANCEL raises `Cancelled` in the main thread with PyThreadState_SetAsyncExc; it takes effect at
the next bytecode, so code blocked in one long C call notices only when that call returns.
It is injected at most once per call, only while that call is `_running`, under the lock. An
exception still pending when main ends the call (the call finished just before) is cleared in
the same critical section, and the caller treats a Cancelled that escapes between the call's
end and that point as the call's outcome (see server.Worker._serve_call), so it can never
surface in the worker's own loop.

Idle cost
---------
Polling costs a wake-up per millisecond, which is nothing next to a call but a waste when the
worker sits idle in a pool. After IDLE_POLLS polls that saw no call, the control thread sleeps
on an Event that main sets when it starts a call while `_dormant` is set; the double check
around `_dormant` means no start is missed.
"""

import collections
import os
import sys
import threading
import time
import traceback

from snakebridge_worker import Cancelled, ProtocolError, frames

TAKEOVER_SECONDS = 0.002
POLL_SECONDS = 0.001
IDLE_POLLS = 100
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


class InputControl:
    """Shares the protocol input between the main thread and the control thread (see above)."""

    def __init__(self, reader, writer, on_protocol_error):
        self._reader = reader
        self._writer = writer
        self._on_protocol_error = on_protocol_error  # sends the ERROR frame; never returns
        self._main_ident = threading.get_ident()
        self._lock = threading.Lock()
        self._handoff_ready = threading.Condition(self._lock)
        self._handoff = collections.deque()
        self._main_owns_input = True
        self._main_reads_freely = True  # main-only: owns the input and _handoff was empty
        self._sequence = 0
        self._running = 0
        self._call_id = 0
        self._interrupted = False
        self._dormant = False
        self._wake = threading.Event()

    def start(self):
        threading.Thread(target=self._control_loop, name="snakebridge-control", daemon=True).start()

    # --- main thread -------------------------------------------------------------------------

    def next_frame(self):
        """The next frame for main: read from the input or handed over. None at end of input."""
        if self._main_reads_freely:
            return self._reader.read()
        with self._handoff_ready:
            while not self._handoff and not self._main_owns_input:
                self._handoff_ready.wait()
            if self._handoff:
                return self._handoff.popleft()
            self._main_reads_freely = True
        return self._reader.read()

    def call_started(self, request_id):
        self._call_id = request_id
        self._sequence += 1
        self._running = self._sequence
        if self._dormant:
            self._wake.set()

    def call_finished(self):
        """Ends the running call; idempotent, so it may be repeated after a late Cancelled."""
        with self._lock:
            self._running = 0
            if self._interrupted:
                self._interrupted = False
                _set_async_exc(self._main_ident, None)
            self._main_reads_freely = self._main_owns_input and not self._handoff

    # --- control thread ----------------------------------------------------------------------

    def _control_loop(self):
        try:
            self._poll_and_read()
        except OSError:
            exit_now(0)  # the pipes are gone: so is the JVM
        except BaseException:
            # Without this thread a long call could no longer be pinged or cancelled, and the
            # JVM would take the worker for hung: better to fail loudly now.
            traceback.print_exc()
            exit_now(1)

    def _poll_and_read(self):
        watched = 0
        since = 0.0
        idle = 0
        while True:
            running = self._running
            if not running:
                idle += 1
                if idle >= IDLE_POLLS:
                    self._sleep_until_a_call()
                    idle = 0
                    continue
            else:
                idle = 0
                now = time.monotonic()
                if running != watched:
                    watched, since = running, now
                elif now - since >= TAKEOVER_SECONDS and self._take_input(running):
                    if not self._read_until_handoff():
                        return
                    continue
            time.sleep(POLL_SECONDS)

    def _sleep_until_a_call(self):
        self._dormant = True
        if not self._running:
            self._wake.wait()
        self._wake.clear()
        self._dormant = False

    def _take_input(self, running):
        with self._lock:
            if self._running != running:
                return False
            self._main_owns_input = False
            return True

    def _read_until_handoff(self):
        """Reads while main is busy. False once SHUTDOWN has been handed over: stop for good."""
        while True:
            try:
                frame = self._reader.read()
            except ProtocolError as exc:
                self._on_protocol_error(exc)  # reports it and ends the process
                return False
            if frame is None:
                exit_now(0)
            kind, request_id, _ = frame
            if kind == frames.PING:
                self._writer.send_empty(frames.PONG, request_id)
            elif kind == frames.CANCEL:
                self._cancel(request_id)
            else:
                with self._lock:
                    self._handoff.append(frame)
                    self._main_owns_input = True
                    self._handoff_ready.notify()
                return kind != frames.SHUTDOWN

    def _cancel(self, request_id):
        with self._lock:
            if self._running and self._call_id == request_id and not self._interrupted:
                self._interrupted = True
                _set_async_exc(self._main_ident, Cancelled)


def _set_async_exc(thread_ident, exc_type):
    """PyThreadState_SetAsyncExc; `exc_type` None clears a pending exception."""
    import ctypes  # only a worker that is ever cancelled pays for importing ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_ident), None if exc_type is None else ctypes.py_object(exc_type))


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
