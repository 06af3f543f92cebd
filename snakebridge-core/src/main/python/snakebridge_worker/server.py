"""The worker process: start-up, handshake and the request loop (WIRE-PROTOCOL §1, §4).

The JVM starts it as

    python -c "import sys; sys.path.insert(0, sys.argv[1]); \
               import snakebridge_worker.server as s; s.main()" DIR

where DIR holds the package (`python -m snakebridge_worker` works too), and speaks the
protocol over the process's stdin and stdout.
"""

import faulthandler
import os
import platform
import signal
import stat
import sys

from snakebridge_worker import (
    MIN_PROTOCOL, PROTOCOL_VERSION, Cancelled, ConversionError, ProtocolError, ResultTooLarge,
    codec, control, dispatch, errors, frames)

_PIPE_CAPACITY = 1 << 20
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, which Python names only from 3.10
_EXIT_PROTOCOL = 3
_HELLO_KEYS = {"protocol": int, "min_protocol": int, "worker_id": str, "paths": list,
               "max_frame": int, "max_depth": int}


def main():
    """Runs a worker until SHUTDOWN or the end of its input; never returns."""
    protocol_in, protocol_out = _take_protocol_pipes()
    # A Ctrl-C in a terminal reaches the JVM's whole process group; the JVM, not the
    # interrupt, decides when a worker stops (SHUTDOWN or closing its input).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.enable()
    control.watch_parent()
    worker = Worker(frames.FrameReader(protocol_in), frames.FrameWriter(protocol_out))
    control.exit_now(worker.run())


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
    sys.stdin = sys.__stdin__ = open(0, "r", closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", buffering=1, encoding="utf-8",
                                       errors="backslashreplace", closefd=False)
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


class Worker:
    """One protocol connection: the handshake, then calls until SHUTDOWN or end of input."""

    def __init__(self, reader, writer):
        self._reader = reader
        self._writer = writer
        self._encoder = codec.Encoder()
        self._decoder = codec.Decoder()
        self._max_frame = reader.max_frame
        self._worker_id = "?"
        self._input = None

    def run(self):
        """Serves the connection; returns the exit status."""
        try:
            if not self._handshake():
                return 0
            self._input = control.InputControl(self._reader, self._writer, self._fail_protocol)
            self._input.start()
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
        hello = self._decoder.decode(*frames.split_value_section(body))
        if type(hello) is not dict:
            raise ProtocolError(f"HELLO must carry a dict, got {type(hello).__name__}")
        for key, kind_of_value in _HELLO_KEYS.items():
            if type(hello.get(key)) is not kind_of_value:
                raise ProtocolError(f"HELLO needs {key!r} as {kind_of_value.__name__}, "
                                    f"got {type(hello.get(key)).__name__}")
        if not all(type(path) is str for path in hello["paths"]):
            raise ProtocolError("HELLO 'paths' must be a list of str")
        if hello["max_depth"] <= 0:
            raise ProtocolError("HELLO max_depth must be positive")
        self._worker_id = hello["worker_id"]
        chosen = min(hello["protocol"], PROTOCOL_VERSION)
        if chosen < max(hello["min_protocol"], MIN_PROTOCOL):
            raise ProtocolError(
                f"no common protocol version: the JVM speaks {hello['min_protocol']}.."
                f"{hello['protocol']}, this worker speaks {MIN_PROTOCOL}..{PROTOCOL_VERSION}")
        self._max_frame = self._reader.max_frame = hello["max_frame"]
        sys.path[0:0] = hello["paths"]
        try:
            self._send_value(frames.HELLO, 0, {
                "protocol": chosen,
                "min_protocol": MIN_PROTOCOL,
                "python_version": platform.python_version(),
                "implementation": sys.implementation.name,
                "executable": sys.executable,
                "pid": os.getpid(),
            })
        except ResultTooLarge as exc:
            raise ProtocolError(f"HELLO max_frame is too small for the worker's HELLO: {exc}")
        return True

    def _serve(self):
        next_frame = self._input.next_frame
        while True:
            frame = next_frame()
            if frame is None:
                return 0
            kind, request_id, body = frame
            if kind == frames.CALL:
                self._serve_call(request_id, body)
            elif kind == frames.PING:
                self._writer.send_empty(frames.PONG, request_id)
            elif kind == frames.SHUTDOWN:
                return 0
            elif kind != frames.CANCEL:  # a CANCEL read here names no running call: ignored
                raise ProtocolError(f"unexpected frame kind {kind} from the JVM", request_id)

    def _serve_call(self, request_id, body):
        self._input.call_started(request_id)
        try:
            reply = self._execute(request_id, body)
            self._input.call_finished()
        except Cancelled as exc:
            # The interruption landed after the call itself was over, before call_finished
            # cleared it: the call still counts as cancelled (see control's block comment).
            self._input.call_finished()
            reply = self._error_frame(request_id, "cancelled", exc)
        self._writer.send(reply)

    def _execute(self, request_id, body):
        """Decodes, runs and encodes one call; returns the RESULT or ERROR frame to send."""
        try:
            result = dispatch.run(self._decoder.decode(*frames.split_value_section(body)))
        except Cancelled as exc:
            return self._error_frame(request_id, "cancelled", exc)
        except ProtocolError as exc:
            return self._error_frame(request_id, "protocol", exc)
        except BaseException as exc:  # SystemExit from user code included: the worker stays
            return self._error_frame(request_id, "python", exc)
        try:
            return self._value_frame(frames.RESULT, request_id, result)
        except ConversionError as exc:
            return self._error_frame(request_id, "conversion", exc, exc.python_type)
        except ResultTooLarge as exc:
            return self._error_frame(request_id, "too_large", exc)
        except Exception as exc:  # e.g. a user tzinfo whose utcoffset() raises
            return self._error_frame(request_id, "conversion", exc,
                                     codec.sbw.qualified_name(type(result)))

    def _value_frame(self, kind, request_id, value):
        frame = frames.value_frame(kind, request_id, *self._encoder.encode(value))
        if frame.length > self._max_frame:
            raise ResultTooLarge(f"the result frame would be {frame.length} bytes, over the "
                                 f"max_frame limit of {self._max_frame} bytes")
        return frame

    def _error_frame(self, request_id, kind, exc, python_type=None):
        try:
            return self._value_frame(frames.ERROR, request_id,
                                     errors.error_dict(exc, kind, python_type))
        except Exception:
            # Too large (a huge message or traceback), or an exception object that resists
            # description: send the essentials, which always fit and always encode.
            return frames.value_frame(frames.ERROR, request_id, *self._encoder.encode(
                errors.brief_error_dict(exc, kind, python_type)))

    def _send_value(self, kind, request_id, value):
        self._writer.send(self._value_frame(kind, request_id, value))

    def _fail_protocol(self, exc):
        """Reports a broken frame or handshake, then exits: the stream cannot be trusted.

        May run on the control thread while main is encoding, hence an encoder of its own.
        """
        sys.stderr.write(f"snakebridge worker {self._worker_id}: protocol error: {exc}\n")
        error = errors.error_dict(exc, "protocol")
        try:
            self._writer.send(frames.value_frame(frames.ERROR, exc.request_id,
                                                 *codec.Encoder().encode(error)))
        except OSError:
            pass  # the JVM is gone; the exit status still tells
        control.exit_now(_EXIT_PROTOCOL)
