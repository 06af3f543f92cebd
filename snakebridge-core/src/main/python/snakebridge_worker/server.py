"""The worker process: start-up, handshake and the request loop (WIRE-PROTOCOL §1, §4, §5).

The JVM starts it as

    python -c "import sys; w = sys.path[:1] == ['']; sys.path[:w] = [sys.argv[1]]; \
               import snakebridge_worker.server as s; s.main(w)" DIR

where DIR holds the package (`python -m snakebridge_worker` works too), and speaks the
protocol over the process's stdin and stdout.

Whose modules come first (sys.path)
-----------------------------------
`python -c` puts '' (the working directory) first on sys.path, so a harmless project file
named `token.py` would replace the standard library's `token` for everything the worker
imports (traceback needs it: no worker would start), and a `platform.py` would run inside the
worker. The bootstrap therefore replaces that '' with the package's own folder before it
imports anything, and the handshake puts the user's folders (HELLO `paths`, then
`helper_paths`, then the working directory if '' was there) right after the standard
library's folders: the worker and the standard library are found first, the user's modules
still before installed packages, as they would be in plain Python. Not `-I` or `-P`: `-P`
exists only from Python 3.11, and `-I` would also drop PYTHONPATH, the PYTHON* variables and
the user's site-packages, which users set on purpose (a PYTHONPATH keeps its usual place, in
front of the standard library). A bootstrap that found no '' (PYTHONSAFEPATH set) adds no
working directory either.
"""

import faulthandler
import os
import pickle
import platform
import select
import stat
import sys
import threading
import traceback

from snakebridge_worker import (
    MIN_PROTOCOL,
    PROTOCOL_VERSION,
    Cancelled,
    ConversionError,
    ProtocolError,
    ResultTooLarge,
    arena,
    callbacks,
    codec,
    control,
    dispatch,
    errors,
    frames,
    helpers,
    process,
    refs,
    sessions,
)

_PIPE_CAPACITY = 1 << 20
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, which Python names only from 3.10
_EXIT_PROTOCOL = 3
_HELLO_KEYS = {
    "protocol": int,
    "min_protocol": int,
    "worker_id": str,
    "paths": list,
    "helper_paths": list,
    "max_frame": int,
    "max_depth": int,
}
_DRAIN_POLL_SECONDS = 0.02
_dumps = pickle.dumps
_PROTOCOL = codec.PICKLE_PROTOCOL
_SMALL_PICKLE = frames.SMALL_PICKLE
_FRAME_NAMES = {
    frames.HELLO: "HELLO",
    frames.RESULT: "result",
    frames.ERROR: "error",
    frames.CALLBACK: "callback",
}


def main(working_directory=False):
    """Runs a worker until SHUTDOWN or the end of its input; never returns.

    `working_directory`: the bootstrap took Python's '' off the front of sys.path; the
    handshake puts it back after the user's folders (see the module doc)."""
    parent = os.getppid()
    # Its own session, so a terminal's Ctrl-C reaches only the JVM, which decides when a
    # worker stops; SIGINT becomes the worker's own wake-up signal (process.py).
    process.isolate()
    protocol_in, protocol_out = _take_protocol_pipes()
    process.forget_protocol_at_fork(protocol_in, protocol_out)
    faulthandler.enable()
    process.follow_parent(parent)
    worker = Worker(
        frames.FrameReader(protocol_in), frames.FrameWriter(protocol_out), working_directory
    )
    try:
        status = worker.run()
    except BaseException:
        traceback.print_exc()
        status = 1
    process.exit_now(status)


def _take_protocol_pipes():
    """WIRE-PROTOCOL §1: keeps the pipes for the protocol and gives user code harmless fds.

    After this, fd 0 reads /dev/null and fd 1 is a copy of fd 2, so print(), a C extension's
    printf and a child process's output all land on the stderr pipe, never in the protocol.
    """
    protocol_in = os.dup(0)  # os.dup makes non-inheritable descriptors
    protocol_out = os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)  # anything the old sys.stdout still buffers now goes to stderr too
    # The new streams live as long as the process: no context manager.
    sys.stdin = sys.__stdin__ = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(  # noqa: SIM115
        1,
        "w",
        buffering=1,
        encoding="utf-8",
        errors="backslashreplace",
        closefd=False,
    )
    sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace")
    if sys.platform.startswith("linux"):
        for fd in (protocol_in, protocol_out):
            _grow_pipe(fd)
    return protocol_in, protocol_out


def _grow_pipe(fd):
    import fcntl

    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_CAPACITY)
    except OSError:
        pass  # over /proc/sys/fs/pipe-max-size for this user: the default size still works


def place_user_paths(folders):
    """Puts the user's folders on sys.path right after the standard library's own (the last
    of its folder and lib-dynload), or at the end if neither is on sys.path."""
    stdlib = os.path.dirname(os.__file__)
    own = {os.path.normcase(stdlib), os.path.normcase(os.path.join(stdlib, "lib-dynload"))}
    index = len(sys.path)
    for position, entry in enumerate(sys.path):
        if entry and os.path.normcase(os.path.abspath(entry)) in own:
            index = position + 1
    sys.path[index:index] = folders


def limit_memory(limit):
    """HELLO `memory_limit`: a hard limit of this process's data memory (RLIMIT_DATA: on Linux
    the heap and every private writable mapping, thread stacks included). An allocation past it
    fails, which Python turns into MemoryError in the call that made it. A limit the worker
    cannot set, or already exceeds, fails the handshake with a message that says so."""
    try:
        import resource
    except ImportError:
        raise ProtocolError(
            "HELLO 'memory_limit' needs RLIMIT_DATA, which this system does not "
            "offer (no resource module)"
        ) from None
    current = _data_size()
    if current is not None and current >= limit:
        raise ProtocolError(
            f"HELLO 'memory_limit' of {limit} bytes is below the {current} bytes "
            "of data memory the worker already uses"
        )
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError) as exc:
        raise ProtocolError(
            f"HELLO 'memory_limit' of {limit} bytes cannot be set (the hard limit is {hard}): {exc}"
        ) from None


def _data_size():
    """This process's data memory in bytes (Linux VmData), or None where unknown."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class _Codecs:
    """One thread's encoder and decoder: both reuse state, so threads never share them."""

    __slots__ = ("decoder", "encoder", "resolver")

    def __init__(self, registry, channel):
        self.resolver = refs.Resolver(registry, channel)
        self.encoder = codec.Encoder()
        self.decoder = codec.Decoder(self.resolver)


class Worker:
    """One protocol connection: the handshake, then calls until SHUTDOWN or end of input.

    Calls run on the main thread; while one waits for a Java callback, main serves the input
    itself (serve_until), and nested calls may also run on other threads that wait for a
    callback (see callbacks.py). With HELLO `threads` > 1, main only reads and the calls run
    on call threads (_serve_threaded; control.py). Each thread has its own codecs.
    """

    def __init__(self, reader, writer, working_directory=False):
        self._reader = reader
        self._working_directory = working_directory  # '' goes back on sys.path at HELLO
        self.writer = writer
        self._registry = sessions.Registry()
        self._dispatcher = dispatch.Dispatcher(self._registry, helpers.Helpers([]))
        self._channel = callbacks.Channel(self)
        self._codecs = _Codecs(self._registry, self._channel)
        self._plain_decoder = codec.Decoder()  # for RELEASE: no references there
        self._local = threading.local()
        self._main_ident = threading.get_ident()
        self._max_frame = reader.max_frame
        self._worker_id = "?"
        self._stopping = False  # SHUTDOWN came while a call waited for a callback
        self._threads = 1  # calls run at once (HELLO `threads`)
        self.input = None

    def run(self):
        """Serves the connection; returns the exit status."""
        try:
            if not self._handshake():
                return 0
            self.input = control.InputControl(
                self._reader,
                self.writer,
                self._fail_protocol,
                self._release,
                self._registry,
                self._threads,
            )
            self._dispatcher.attach(self.input)
            if self._threads > 1:
                self.input.start(self._serve_nested)
                return self._serve_threaded()
            self.input.start()
            return self._serve()
        except ProtocolError as exc:
            self._fail_protocol(exc)
        except (BrokenPipeError, ConnectionResetError):
            return 0  # the JVM closed our output: it is gone or no longer listening

    def _handshake(self):
        """§4.1. False at end of input before any HELLO (the JVM gave up on us)."""
        frame = self._reader.read()
        if frame is None:
            return False
        kind, request_id, body = frame
        if kind != frames.HELLO or request_id != 0:
            raise ProtocolError(f"expected HELLO with id 0 first, got kind {kind} id {request_id}")
        hello = self._plain_decoder.decode(*frames.split_value_section(body))
        if type(hello) is not dict:
            raise ProtocolError(f"HELLO must carry a dict, got {type(hello).__name__}")
        for key, kind_of_value in _HELLO_KEYS.items():
            if type(hello.get(key)) is not kind_of_value:
                raise ProtocolError(
                    f"HELLO needs {key!r} as {kind_of_value.__name__}, "
                    f"got {type(hello.get(key)).__name__}"
                )
        folders = hello["paths"] + hello["helper_paths"]
        if not all(type(path) is str for path in folders):
            raise ProtocolError("HELLO 'paths' and 'helper_paths' must be lists of str")
        if hello["max_depth"] <= 0:
            raise ProtocolError("HELLO max_depth must be positive")
        threads = hello.get("threads", 1)
        if type(threads) is not int or threads < 1:
            raise ProtocolError(f"HELLO 'threads' must be an int >= 1, got {threads!r:.50}")
        self._threads = threads
        memory_limit = hello.get("memory_limit")
        if memory_limit is not None:
            if type(memory_limit) is not int or memory_limit <= 0:
                raise ProtocolError(
                    f"HELLO 'memory_limit' must be an int > 0, got {memory_limit!r:.50}"
                )
            limit_memory(memory_limit)
        self._worker_id = hello["worker_id"]
        chosen = min(hello["protocol"], PROTOCOL_VERSION)
        if chosen < max(hello["min_protocol"], MIN_PROTOCOL):
            raise ProtocolError(
                f"no common protocol version: the JVM speaks {hello['min_protocol']}.."
                f"{hello['protocol']}, this worker speaks {MIN_PROTOCOL}..{PROTOCOL_VERSION}"
            )
        self._max_frame = self._reader.max_frame = hello["max_frame"]
        shared = self._open_lane(hello)
        place_user_paths([*folders, ""] if self._working_directory else folders)
        self._dispatcher.helpers = helpers.Helpers(hello["helper_paths"])
        answer = {
            "protocol": chosen,
            "min_protocol": MIN_PROTOCOL,
            "python_version": platform.python_version(),
            "implementation": sys.implementation.name,
            "executable": sys.executable,
            "pid": os.getpid(),
            "threads": self._threads,
        }
        answer.update(shared)
        try:
            self.writer.send(self.value_frame(frames.HELLO, 0, answer, self._codecs.encoder))
        except ResultTooLarge as exc:
            raise ProtocolError(
                f"HELLO max_frame is too small for the worker's HELLO: {exc}"
            ) from exc
        return True

    def _open_lane(self, hello):
        """HELLO `shm_limit` and `shm_threshold` (§2.2): sets up the shared-memory lane and
        returns what the answer says about it."""
        limit = hello.get("shm_limit")
        if limit is None:
            return {}
        threshold = hello.get("shm_threshold")
        if type(limit) is not int or type(threshold) is not int or limit <= 0 or threshold <= 0:
            raise ProtocolError("HELLO 'shm_limit' and 'shm_threshold' must be ints > 0")
        lane, reason = arena.open_lane(threshold, limit)
        if lane is None:
            return {"shm_error": reason}
        self._reader.lane = self.writer.lane = lane
        return {"shm": lane.fds()}

    def _serve(self):
        control_ = self.input
        next_frame = control_.next_frame
        read = self._reader.read
        while True:
            frame = read() if control_.main_reads_freely else next_frame()
            if frame is None:
                return 0
            kind, request_id, body = frame
            if kind == frames.CALL:
                self._serve_call(request_id, body)
                if self._stopping:
                    return 0
            elif kind == frames.SHUTDOWN:
                return 0
            else:
                self._serve_other(kind, request_id, body)

    def _serve_threaded(self):
        """The request loop with threads > 1: main reads and serves every frame; CALLs run on
        the call threads (control.py, "Calls on several threads")."""
        next_frame = self._reader.read
        dispatch = self.input.dispatch
        while True:
            frame = next_frame()
            if frame is None:
                return 0  # the JVM is gone: running calls end with the process
            kind, request_id, body = frame
            if kind == frames.CALL:
                dispatch(frame)
            elif kind == frames.SHUTDOWN:
                return self._drain_threaded()
            else:
                self._serve_other(kind, request_id, body)

    def _drain_threaded(self):
        """SHUTDOWN with threads > 1: serves the input (callback answers, nested calls, PING,
        CANCEL) until every call received has ended."""
        control_ = self.input
        reader = self._reader
        while control_.calls_in_flight():
            if (
                not reader.buffered()
                and not select.select([reader.fd], [], [], _DRAIN_POLL_SECONDS)[0]
            ):
                continue
            frame = reader.read()
            if frame is None:
                control_.await_calls_without_input()
                return 0
            kind, request_id, body = frame
            if kind == frames.CALL:
                control_.dispatch(frame)  # a nested call: a running call needs it
            elif kind != frames.SHUTDOWN:
                self._serve_other(kind, request_id, body)
        return 0

    def _serve_other(self, kind, request_id, body):
        """Frames other than CALL and SHUTDOWN, read by main while idle or waiting."""
        if kind == frames.PING:
            self.writer.send_empty(frames.PONG, request_id)
        elif kind == frames.CANCEL:
            # Ignored unless it names a running or waiting call, or (threads > 1) a queued one.
            if self.input.cancel(request_id):
                self.send(self._queued_call_cancelled(request_id, self._codecs.encoder))
                self.input.call_done()
        elif kind == frames.RELEASE:
            self._release(request_id, body, self._plain_decoder)
        elif kind == frames.CALLBACK_RESULT or kind == frames.CALLBACK_ERROR:
            self.input.deliver(request_id, kind, body)
        else:
            raise ProtocolError(f"unexpected frame kind {kind} from the JVM", request_id)

    def _serve_call(self, request_id, body):
        """Runs one CALL on main, from the idle loop or nested in a callback wait."""
        control_ = self.input
        control_.call_started(request_id)
        try:
            reply, batch = self._execute(request_id, body, self._codecs)
            control_.call_finished(request_id)
        except Cancelled as exc:
            # The interruption landed after the call itself was over, before call_finished
            # cleared it: the call still counts as cancelled (see control's block comment).
            control_.call_finished(request_id)
            reply, batch = (
                self._error_frame(request_id, "cancelled", exc, self._codecs.encoder),
                None,
            )
        if batch is not None:
            batch.commit()  # only now: no CANCEL can interrupt main once its call is over
        self.writer.send(reply)
        if type(body) is not tuple:
            del reply, batch  # a result may be a view of the body: let go of it first
            self._reader.recycle(body)

    def _serve_nested(self, frame):
        """Runs a nested CALL on a thread other than main that waits for a callback."""
        _, request_id, body = frame
        codecs = self.codecs(threading.get_ident())
        control_ = self.input
        if not control_.other_call_started(request_id):
            self.send(self._queued_call_cancelled(request_id, codecs.encoder))
            return
        try:
            reply, batch = self._execute(request_id, body, codecs)
            control_.other_call_finished(request_id)
        except Cancelled as exc:
            control_.other_call_finished(request_id)
            reply, batch = self._error_frame(request_id, "cancelled", exc, codecs.encoder), None
        if batch is not None:
            batch.commit()
        self.send(reply)
        if type(body) is not tuple:
            del reply, batch
            self._reader.recycle(body)

    def _execute(self, request_id, body, codecs):
        """Decodes, runs and encodes one call. Returns the RESULT or ERROR frame to send and
        the batch of references it carries (None without), to commit once the call is over."""
        encoder = codecs.encoder
        try:
            request = codecs.decoder.decode(*frames.split_value_section(body))
            try:
                result, session = self._dispatcher.run(request, codecs.resolver.seen)
            except BaseException as exc:
                if process.forked:  # user code forked, and the child came back here
                    process.leave_forked_child(exc)
                raise
            if process.forked:
                process.leave_forked_child()
        except Cancelled as exc:
            return self._error_frame(request_id, "cancelled", exc, encoder), None
        except ProtocolError as exc:
            return self._error_frame(request_id, "protocol", exc, encoder), None
        except BaseException as exc:  # SystemExit from user code included: the worker stays
            return self._error_frame(request_id, "python", exc, encoder), None
        try:
            if type(result) in codec.SCALARS:
                # The hot path: never a reference, so no batch; only a huge int is ever too
                # large, and value_frame below says so.
                data = _dumps(result, _PROTOCOL)
                if len(data) <= _SMALL_PICKLE:
                    frame = frames.small_frame(frames.RESULT, request_id, data)
                    if len(frame) - 4 <= self._max_frame:
                        return frame, None
            batch = None if session is None else session.batch()
            return self.value_frame(frames.RESULT, request_id, result, encoder, batch), batch
        except ConversionError as exc:
            return self._error_frame(request_id, "conversion", exc, encoder, exc.python_type), None
        except ResultTooLarge as exc:
            return self._error_frame(request_id, "too_large", exc, encoder), None
        except MemoryError as exc:  # the result does not fit under HELLO memory_limit
            return self._error_frame(request_id, "python", exc, encoder), None
        except Exception as exc:  # e.g. a user tzinfo whose utcoffset() raises
            return self._error_frame(
                request_id, "conversion", exc, encoder, codec.sbw.qualified_name(type(result))
            ), None

    # --- for callbacks.Channel -----------------------------------------------------------------

    def codecs(self, thread):
        """The codecs of `thread` (the current one): main's, or a thread-local pair."""
        if thread == self._main_ident:
            return self._codecs
        codecs = getattr(self._local, "codecs", None)
        if codecs is None:
            codecs = self._local.codecs = _Codecs(self._registry, self._channel)
        return codecs

    def wait_for(self, waiter):
        if waiter.thread == self._main_ident:
            self.serve_until(waiter)
        else:
            self.input.wait_other(waiter, self._serve_nested)

    def serve_until(self, waiter):
        """Main waits for a callback's answer: serves its input meanwhile, nested CALLs inline.

        Runs inside user code, so nothing that ends the worker may escape as an exception that
        code could catch: a broken protocol or a closed pipe ends the process here.
        """
        try:
            while not waiter.done:
                frame = self.input.next_frame(waiter)
                if frame is None:
                    if waiter.done:
                        return
                    process.exit_now(0)  # end of input: the JVM is gone
                kind, request_id, body = frame
                if kind == frames.CALL:
                    self._serve_call(request_id, body)
                elif kind == frames.SHUTDOWN:
                    self._stopping = True  # after the call that waits (§2)
                    self.input.note_shutdown()
                else:
                    self._serve_other(kind, request_id, body)
        except ProtocolError as exc:
            self._fail_protocol(exc)
        except OSError:
            process.exit_now(0)

    def send(self, frame):
        """Sends from inside user code: a closed pipe ends the process, it raises nothing."""
        try:
            self.writer.send(frame)
        except OSError:
            process.exit_now(0)

    def value_frame(self, kind, request_id, value, encoder, batch=None):
        frame = frames.value_frame(kind, request_id, *encoder.encode(value, batch))
        if frame.length > self._max_frame:
            raise ResultTooLarge(
                f"the {_FRAME_NAMES[kind]} frame would be {frame.length} "
                f"bytes, over the max_frame limit of {self._max_frame} bytes"
            )
        return frame

    # --- errors and RELEASE ------------------------------------------------------------------

    def _error_frame(self, request_id, kind, exc, encoder, python_type=None):
        try:
            return self.value_frame(
                frames.ERROR, request_id, errors.error_dict(exc, kind, python_type), encoder
            )
        except Exception:
            # Too large (a huge message or traceback), or an exception object that resists
            # description: send the essentials, which always fit and always encode.
            return frames.value_frame(
                frames.ERROR,
                request_id,
                *encoder.encode(errors.brief_error_dict(exc, kind, python_type)),
            )

    def _queued_call_cancelled(self, request_id, encoder):
        """The ERROR for a CALL cancelled before a call thread started it (threads > 1)."""
        return self._error_frame(
            request_id,
            "cancelled",
            Cancelled("cancelled while it waited for a free call thread"),
            encoder,
        )

    def _release(self, request_id, body, decoder):
        """RELEASE (§5.6), read by main or by the control thread (with its own decoder). A
        malformed one breaks the protocol: there is no call to fail and no reply to send."""
        try:
            value = decoder.decode(*frames.split_value_section(body))
        except Exception as exc:
            raise ProtocolError(f"malformed RELEASE value: {exc}", request_id) from None
        if (
            type(value) is not tuple
            or len(value) != 2
            or type(value[0]) is not str
            or type(value[1]) is not dict
            or not all(
                type(ref_id) is str and type(count) is int and count > 0
                for ref_id, count in value[1].items()
            )
        ):
            raise ProtocolError(
                "a RELEASE value must be (session_id: str, {ref_id: str: handouts: int > 0})",
                request_id,
            )
        self._registry.release_handouts(*value)

    def _fail_protocol(self, exc):
        """Reports a broken frame or handshake, then exits: the stream cannot be trusted.

        May run on the control thread while main is encoding, hence an encoder of its own.
        """
        sys.stderr.write(f"snakebridge worker {self._worker_id}: protocol error: {exc}\n")
        error = errors.error_dict(exc, "protocol")
        try:
            self.writer.send(
                frames.value_frame(frames.ERROR, exc.request_id, *codec.Encoder().encode(error))
            )
        except OSError:
            pass  # the JVM is gone; the exit status still tells
        process.exit_now(_EXIT_PROTOCOL)
