"""Who reads the protocol input, and the threads that keep a busy worker responsive.

Reading the input: the main thread and the control thread
---------------------------------------------------------
A trivial call must cost a few microseconds, so the main thread reads frames itself and runs
each call inline: no queue, no thread switch, no lock on the way in. But while a call runs
for long, PING must still be answered and CANCEL honoured, so then someone else has to read.

Exactly one thread owns the input at any time (`_main_owns_input`, guarded by `_lock`; with
HELLO `threads` > 1 it is always main, see "Calls on several threads" below):

* Main owns it while idle and during short calls. It reads a frame, and for a CALL publishes
  `_running` (a sequence number, never reused) before running it, with plain attribute stores:
  the GIL makes each one atomic and no lock is taken.
* The control thread polls `_running` every POLL_SECONDS. When it sees the same call still
  running TAKEOVER_SECONDS after it first saw it, it takes the input, under the lock and only
  if that call is still the running one. From then on it reads: PING -> PONG at once; CANCEL
  -> interrupt; RELEASE -> applied at once; end of input -> exit at once (nobody is
  listening); a bad frame -> protocol ERROR and exit.
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
control thread is either answered by it or queued for main in order. The control thread never
blocks in `read` while main owns the input; main never reads while the control thread owns it.
A control thread still blocked in `read` when a call ends simply keeps the input until the next
frame arrives, and hands that frame over.

Waiting for a callback's answer (callbacks.py)
----------------------------------------------
Main calling a Java callback suspends its call (`begin_wait`): `_running` goes to 0, exactly as
between calls, so the control thread cannot take the input, and main reads frames itself until
the answer comes, running nested CALLs on top (each one publishes `_running` again while it
runs, so a long nested call is watched over like any other). If the control thread owned the
input when main began to wait, main waits on the condition instead; the control thread hands
main's answer over directly (`_waiters`) and gives the input back with it, and hands over a
nested CALL like any frame for main. `end_wait` resumes the call with a fresh `_running`.

Another thread's callback waits on the condition. Whoever reads its answer delivers it. The
control thread takes the input at once (without the TAKEOVER_SECONDS grace) while such a waiter
exists and main runs a call, since main is then not reading. A CALL that the control thread
reads while main is running (not reading) and another thread waits is queued in `_nested` for
the waiting threads, not for main: main may be blocked on exactly that thread. The last such
waiter to leave runs what is left in `_nested`, so no CALL is stranded there.

Cancelling
----------
CANCEL raises `Cancelled` in the thread running the call. It is injected at most once per
call, only while that call runs (for main: is `_running`), under the lock.

For main, the control thread sends main the wake-up signal (process.WAKE_SIGNAL, SIGINT) and
arms `_signal_armed`; the signal handler (process._on_wake, then `_on_wake` here) raises
Cancelled if it finds `_signal_armed` set, and disarms it, so the exception is raised once. A
signal, unlike PyThreadState_SetAsyncExc alone, also ends a blocking system call: time.sleep,
os.read on a pipe, Event.wait, select, socket.recv all fail with EINTR, Python runs the handler
there, and its Cancelled replaces the call's result. Main drops a pending interruption when the
call ends (call_finished) or suspends (begin_wait), under the lock, by disarming: a handler
that runs later (a late signal, one meant for the previous call, the parent-death signal)
finds nothing armed and does nothing. Since the handler runs wherever main is, also inside a
blocking `lock.acquire`, Cancelled may escape from call_finished itself; the caller treats a
Cancelled that escapes between the call's end and that point as the call's outcome (see
server.Worker._serve_call), so it can never surface in the worker's own loop.

If user code has replaced the SIGINT handler, the control thread falls back to
PyThreadState_SetAsyncExc for main too (`_interrupted == "async"`): it never sends a signal to
a handler it does not own. An asynchronous exception takes effect at the next bytecode, so it
does not end a blocking call; one still pending when the call ends is cleared in the same
critical section. Calls that run on other threads (nested calls on threads that wait for a
callback, and every call when HELLO asked for `threads` > 1) are always interrupted that way:
signals reach only the main thread. Code blocked in one long C call notices only when that
call returns, and so does code that holds the GIL in C (no handler runs then either).

A call that is suspended waiting for a callback is not interrupted: its waiter is marked
cancelled and the wait ends with Cancelled; an interruption armed just before the suspension
is dropped and turned into that mark. A CANCEL for a call that is not running (finished, or
received but not started) is ignored, except with `threads` > 1, where a CALL waiting for a
free call thread is marked (`_cancelled_early`) and answered `cancelled` without running.

A call that awaits a coroutine also has its loop woken and its task cancelled
(aio.interrupt). A call may `shield` itself once it has done its work and only its answer
remains to be built: from then on a CANCEL for it is ignored, so a stream batch whose items
were taken is either delivered or, if the CANCEL came first, reported `cancelled` with its
iterator closed (streams.py), never lost in between.

Calls on several threads (HELLO `threads` > 1)
-----------------------------------------------
Main then runs no call: it reads every frame itself and never hands the input over, so the
control thread only sweeps. A CALL goes to `_queue`, which `threads` call threads serve in
order, each with its own codecs, writing under the FrameWriter's lock. A CALL that arrives
while no call thread is free and some thread waits for a callback goes to `_nested` instead,
for the waiting threads, exactly as above: it may be the nested call that a waiting call needs
before it can go on, and queued behind the busy threads it would never run. PING, RELEASE and
callback answers are served by main at once; CANCEL interrupts the call's own thread (an
asynchronous exception, see above). After SHUTDOWN main goes on serving the input until every
call it received has ended (`_in_flight`), then the worker exits.

Idle cost
---------
Polling costs a wake-up per millisecond, which is nothing next to a call but a waste when the
worker sits idle in a pool. After IDLE_POLLS polls that saw no call, the control thread sleeps
on an Event that main sets when it starts a call while `_dormant` is set; the double check
around `_dormant` means no start is missed. While references live it wakes once per
sessions.SWEEP_SECONDS to expire idle ones.
"""

import collections
import signal
import threading
import time
import traceback

from snakebridge_worker import Cancelled, ProtocolError, aio, codec, frames, process
from snakebridge_worker.process import exit_now

TAKEOVER_SECONDS = 0.002
POLL_SECONDS = 0.001
IDLE_POLLS = 100


class _OtherCall:
    """A nested CALL run by a thread other than main (see callbacks.py)."""

    __slots__ = ("interrupted", "shielded", "thread")

    def __init__(self, thread):
        self.thread = thread
        self.interrupted = False
        self.shielded = False


class InputControl:
    """Shares the protocol input between the main thread and the control thread (see above)."""

    def __init__(self, reader, writer, on_protocol_error, on_release, registry, threads=1):
        self._reader = reader
        self._writer = writer
        self._on_protocol_error = on_protocol_error  # sends the ERROR frame; never returns
        self._on_release = on_release  # (request_id, body, decoder): applies a RELEASE
        self._registry = registry  # swept for expired references between calls
        self._decoder = codec.Decoder()  # the control thread's own, for RELEASE values
        self._main_ident = threading.get_ident()
        self._control_ident = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._handoff = collections.deque()
        self._nested = collections.deque()  # CALLs for threads other than main (see above)
        self._main_owns_input = True
        # Main-only: main owns the input and _handoff was empty, so the next frame is read
        # straight from the reader (next_frame, and Worker._serve without calling it).
        self.main_reads_freely = True
        self._sequence = 0
        self._running = 0
        self._shielded = 0  # the `_running` value of main's call that shielded itself
        self._call_id = 0
        self._main_calls = []  # ids of the calls main runs, outermost first
        self._interrupted = None  # main's call was cancelled: "signal" or "async" (see above)
        self._signal_armed = False  # the wake-up signal's handler raises Cancelled once
        self._other_calls = {}  # call id -> _OtherCall
        self._calls_by_thread = {}  # other thread -> ids of the calls it runs, outermost first
        self._waiters = {}  # CALLBACK frame id -> callbacks.Waiter
        self._suspended = {}  # call id -> the Waiter of the thread running that call
        self._other_waiting = 0
        self._shutdown = False
        self._dormant = False
        self._wake = threading.Event()
        self.threads = threads
        self._queue = collections.deque()  # CALLs for the call threads (threads > 1)
        self._work = threading.Condition(self._lock)
        self._idle_threads = 0
        self._in_flight = 0  # CALLs dispatched to the call threads and not yet answered
        self._unstarted = set()  # ids of dispatched CALLs no call thread has started yet
        self._cancelled_early = set()  # those of them a CANCEL named: they never run

    def start(self, run_call=None):
        """Starts the control thread and, with threads > 1, the call threads, which run each
        CALL frame given to `dispatch` with `run_call(frame)`."""
        process.on_wake = self._on_wake
        threading.Thread(target=self._control_loop, name="snakebridge-control", daemon=True).start()
        if self.threads > 1:
            for number in range(1, self.threads + 1):
                threading.Thread(
                    target=self._call_thread,
                    args=(run_call,),
                    daemon=True,
                    name=f"snakebridge-call-{number}",
                ).start()

    def _on_wake(self):
        """On main, from the wake-up signal's handler: raises Cancelled once if armed."""
        if self._signal_armed:
            self._signal_armed = False
            raise Cancelled

    # --- main thread -------------------------------------------------------------------------

    def next_frame(self, waiter=None):
        """The next frame for main: read from the input or handed over. None at end of input,
        and, while main waits for a callback's answer, once `waiter` is done (the caller tells
        the two apart by `waiter.done`)."""
        if self.main_reads_freely:
            return self._reader.read()
        with self._changed:
            while (
                not self._handoff
                and not self._main_owns_input
                and not (waiter is not None and waiter.done)
            ):
                self._changed.wait()
            if self._handoff:
                return self._handoff.popleft()
            if waiter is not None and waiter.done:
                return None
            self.main_reads_freely = True
        return self._reader.read()

    def call_started(self, request_id):
        self._main_calls.append(request_id)
        self._call_id = request_id
        self._sequence += 1
        self._running = self._sequence
        if self._dormant:
            self._wake.set()

    def call_finished(self, request_id):
        """Ends the running call; idempotent, so it may be repeated after a late Cancelled."""
        with self._lock:
            self._running = 0
            if self._interrupted:
                self._drop_main_interruption()
            calls = self._main_calls
            if calls and calls[-1] == request_id:
                calls.pop()
            self.main_reads_freely = self._main_owns_input and not self._handoff

    def current_call(self):
        """The id of the innermost call the calling thread runs, or None. Each thread reads
        only its own list, which only it changes, so no lock is needed."""
        thread = threading.get_ident()
        calls = (
            self._main_calls if thread == self._main_ident else self._calls_by_thread.get(thread)
        )
        return calls[-1] if calls else None

    def shield(self):
        """Makes the calling thread's running call immune to CANCEL from now on (see the module
        doc). False if it was interrupted first: the pending Cancelled is then withdrawn and
        the caller raises it itself, after cleaning up."""
        thread = threading.get_ident()
        with self._lock:
            if thread == self._main_ident:
                if self._interrupted:
                    self._drop_main_interruption()
                    return False
                self._shielded = self._running
                return True
            calls = self._calls_by_thread.get(thread)
            call = self._other_calls.get(calls[-1]) if calls else None
            if call is None:
                return True
            if call.interrupted:
                call.interrupted = False
                _set_async_exc(thread, None)
                return False
            call.shielded = True
            return True

    def note_shutdown(self):
        """Main read SHUTDOWN itself: from now on no other thread may start a callback."""
        self._shutdown = True

    # --- other threads' calls and every thread's callbacks -----------------------------------

    def other_call_started(self, request_id):
        """Registers a call run by a thread other than main. False if a CANCEL named it while it
        waited for a call thread (threads > 1): it must not run, but be answered `cancelled`."""
        thread = threading.get_ident()
        with self._lock:
            if self._unstarted:
                self._unstarted.discard(request_id)
                if request_id in self._cancelled_early:
                    self._cancelled_early.discard(request_id)
                    return False
            self._other_calls[request_id] = _OtherCall(thread)
            self._calls_by_thread.setdefault(thread, []).append(request_id)
        return True

    def other_call_finished(self, request_id):
        """Idempotent, like call_finished."""
        with self._lock:
            call = self._other_calls.pop(request_id, None)
            if call is None:
                return
            calls = self._calls_by_thread[call.thread]
            calls.pop()
            if not calls:
                del self._calls_by_thread[call.thread]
            if call.interrupted:
                _set_async_exc(call.thread, None)

    def callback_call_id(self, thread):
        """The CALL a callback made by `thread` belongs to: the innermost one that thread runs,
        else main's. RuntimeError when no callback can be made now (callbacks.py says why)."""
        if thread == self._control_ident:
            raise RuntimeError(
                "a Java callback cannot be called from the worker's control "
                "thread (from a finalizer run there, say)"
            )
        with self._lock:
            calls = (
                self._main_calls
                if thread == self._main_ident
                else self._calls_by_thread.get(thread, self._main_calls)
            )
            if not calls:
                if self.threads > 1 and self._other_calls:
                    raise RuntimeError(
                        "with threads > 1, a Java callback can only be called "
                        "from the thread that runs the call from the JVM: the "
                        "worker cannot tell which of its calls another thread "
                        "works for"
                    )
                raise RuntimeError(
                    "a Java callback can only be called while a call from the "
                    "JVM runs on this worker"
                )
            if self._shutdown and thread != self._main_ident:
                raise RuntimeError(
                    "the worker is shutting down: only its main thread may "
                    "still call Java callbacks"
                )
            waiting = self._suspended.get(calls[-1])
            if waiting is not None and waiting.thread == thread:
                # Code run by the wait itself (a finalizer while a RELEASE is applied, say):
                # a second suspension of the same call would undo the first one's.
                raise RuntimeError(
                    "a Java callback cannot be called while this thread waits "
                    "for another one's answer, outside a nested call"
                )
            return calls[-1]

    def begin_wait(self, waiter):
        """Registers a callback's waiter, before its frame is sent, and suspends the call its
        thread runs, if any. Ordered so that an interruption landing halfway leaves a state
        end_wait undoes (see the module doc)."""
        thread = waiter.thread
        with self._lock:
            self._waiters[waiter.frame_id] = waiter
            if self.threads > 1:
                self._changed.notify_all()  # for await_calls_without_input
            if thread == self._main_ident:
                waiter.suspended = True
                self._suspended[waiter.call_id] = waiter
                if self._interrupted:
                    self._drop_main_interruption()
                    waiter.cancelled = True
                self._running = 0
                self.main_reads_freely = self._main_owns_input and not self._handoff
                return
            waiter.counted = True
            self._other_waiting += 1
            call = self._other_calls.get(waiter.call_id)
            if call is not None and call.thread == thread:
                waiter.suspended = True
                self._suspended[waiter.call_id] = waiter
                if call.interrupted:
                    call.interrupted = False
                    _set_async_exc(thread, None)
                    waiter.cancelled = True

    def end_wait(self, waiter):
        """Unregisters a waiter and resumes the call begin_wait suspended; idempotent."""
        with self._lock:
            if self._waiters.get(waiter.frame_id) is waiter:
                del self._waiters[waiter.frame_id]
            if waiter.counted:
                waiter.counted = False
                self._other_waiting -= 1
            if waiter.suspended:
                waiter.suspended = False
                if self._suspended.get(waiter.call_id) is waiter:
                    del self._suspended[waiter.call_id]
                if waiter.thread == self._main_ident:
                    self._call_id = waiter.call_id
                    self._sequence += 1
                    self._running = self._sequence

    def wait_other(self, waiter, run_nested):
        """A thread other than main waits for its answer, running the nested CALLs queued for
        such threads meanwhile (`run_nested(frame)`); the last one leaves none behind."""
        with self._changed:
            while not waiter.done or (self._nested and self._other_waiting == 1):
                if not self._nested:
                    self._changed.wait()
                    continue
                frame = self._nested.popleft()
                self._lock.release()
                try:
                    run_nested(frame)
                finally:
                    self._lock.acquire()
                    if self.threads > 1:  # it came from dispatch
                        self._in_flight -= 1
                        if not self._in_flight:
                            self._changed.notify_all()

    def deliver(self, frame_id, kind, body):
        """Gives a CALLBACK_RESULT or CALLBACK_ERROR to its waiter. An answer nobody waits for
        any more (its wait was cancelled) is dropped."""
        with self._lock:
            self._deliver(frame_id, kind, body)

    def _deliver(self, frame_id, kind, body):
        waiter = self._waiters.get(frame_id)
        if waiter is None or waiter.outcome is not None:
            return None
        waiter.outcome = (kind, body)
        self._changed.notify_all()
        return waiter

    def cancel(self, request_id):
        """CANCEL: interrupts the call with that id, or ends its wait for a callback. True if
        it took a CALL that waited for a call thread off its queue (threads > 1): the caller
        answers it `cancelled` and then calls `call_done`."""
        with self._lock:
            waiter = self._suspended.get(request_id)
            if waiter is not None:
                waiter.cancelled = True
                self._changed.notify_all()
            elif self._running and self._call_id == request_id:
                if not self._interrupted and self._running != self._shielded:
                    self._interrupt_main()
                    aio.interrupt(request_id)
            else:
                call = self._other_calls.get(request_id)
                if call is None:
                    if request_id in self._unstarted:
                        for queue in (self._queue, self._nested):
                            for frame in queue:
                                if frame[1] == request_id:
                                    queue.remove(frame)
                                    self._unstarted.discard(request_id)
                                    return True
                        # A call thread took it and has not registered it yet: it never runs.
                        self._cancelled_early.add(request_id)
                elif not call.interrupted and not call.shielded:
                    call.interrupted = True
                    _set_async_exc(call.thread, Cancelled)
                    aio.interrupt(request_id)
        return False

    def _interrupt_main(self):
        """Under the lock: raises Cancelled in main's running call (see the module doc)."""
        if process.signal_is_ours():
            self._interrupted = "signal"
            self._signal_armed = True
            signal.pthread_kill(self._main_ident, process.WAKE_SIGNAL)
        else:
            self._interrupted = "async"
            _set_async_exc(self._main_ident, Cancelled)

    def _drop_main_interruption(self):
        """On main, under the lock: a pending interruption of main's call is dropped."""
        if self._interrupted == "async":
            _set_async_exc(self._main_ident, None)
        self._interrupted = None
        self._signal_armed = False

    # --- call threads (threads > 1) ----------------------------------------------------------

    def dispatch(self, frame):
        """Main, with threads > 1: gives a CALL to a call thread, or, when none is free and some
        thread waits for a callback, to the waiting threads (see the module doc)."""
        with self._lock:
            self._in_flight += 1
            self._unstarted.add(frame[1])
            if self._idle_threads > len(self._queue) or not self._other_waiting:
                self._queue.append(frame)
                self._work.notify()
            else:
                self._nested.append(frame)
                self._changed.notify_all()

    def _call_thread(self, run_call):
        while True:
            with self._lock:
                self._idle_threads += 1
                while not self._queue:
                    self._work.wait()
                self._idle_threads -= 1
                frame = self._queue.popleft()
            try:
                run_call(frame)
            except BaseException:
                # A call thread lost would leave its call unanswered for ever: fail loudly.
                traceback.print_exc()
                exit_now(1)
            self.call_done()

    def call_done(self):
        """A CALL dispatched with threads > 1 was answered."""
        with self._lock:
            self._in_flight -= 1
            if not self._in_flight:
                self._changed.notify_all()

    def calls_in_flight(self):
        """With threads > 1: how many CALLs were received and not yet answered."""
        return self._in_flight

    def await_calls_without_input(self):
        """With threads > 1, after SHUTDOWN and then the end of input: waits until every call
        has ended, or until one waits for a callback, which can no longer be answered."""
        with self._changed:
            while self._in_flight and not self._waiters:
                self._changed.wait()

    # --- control thread ----------------------------------------------------------------------

    def _control_loop(self):
        self._control_ident = threading.get_ident()
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
            self._registry.sweep()
            self._reader.drop_idle_spare()
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
                if (self._other_waiting or now - since >= TAKEOVER_SECONDS) and self._take_input(
                    running
                ):
                    if not self._read_until_handoff():
                        return
                    continue
            time.sleep(POLL_SECONDS)

    def _sleep_until_a_call(self):
        self._dormant = True
        while not self._running:
            if self._wake.wait(
                _sooner(self._registry.sweep_interval(), self._reader.drop_idle_spare())
            ):
                break
            self._registry.sweep()
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
                if frame is None:
                    exit_now(0)
                kind, request_id, body = frame
                if kind == frames.RELEASE:
                    self._on_release(request_id, body, self._decoder)
                    continue
            except ProtocolError as exc:
                self._on_protocol_error(exc)  # reports it and ends the process
                return False
            if kind == frames.PING:
                self._writer.send_empty(frames.PONG, request_id)
            elif kind == frames.CANCEL:
                self.cancel(request_id)
            elif kind == frames.CALLBACK_RESULT or kind == frames.CALLBACK_ERROR:
                with self._lock:
                    waiter = self._deliver(request_id, kind, body)
                    if waiter is not None and waiter.thread == self._main_ident:
                        self._main_owns_input = True  # main waits for this very answer
                        return True
            else:
                with self._lock:
                    if kind == frames.CALL and self._running and self._other_waiting:
                        self._nested.append(frame)
                        self._changed.notify_all()
                        continue
                    if kind == frames.SHUTDOWN:
                        self._shutdown = True
                    self._handoff.append(frame)
                    self._main_owns_input = True
                    self._changed.notify_all()
                return kind != frames.SHUTDOWN


def _sooner(a, b):
    """The smaller of two waits in seconds, either of which may be None (no limit)."""
    if a is None:
        return b
    return a if b is None or a <= b else b


def _set_async_exc(thread_ident, exc_type):
    """PyThreadState_SetAsyncExc; `exc_type` None clears a pending exception."""
    import ctypes  # only a worker that is ever cancelled pays for importing ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_ident), None if exc_type is None else ctypes.py_object(exc_type)
    )
