"""Test support: makes the worker package importable and plays the JVM against a real worker.

Imported first by every test module, so `import snakebridge_worker` works under plain
`python -m unittest discover` from any directory.
"""

import collections
import datetime
import decimal
import io
import itertools
import os
import pickle
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "main", "python"))
REPOSITORY = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
GOLDEN = os.path.join(REPOSITORY, "testdata", "golden")
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)

from snakebridge_worker import codec, frames, sbw  # noqa: E402, F401 -- tests use support.codec

ENTRY_POINT = (
    "import sys; w = sys.path[:1] == ['']; sys.path[:w] = [sys.argv[1]]; "
    "import snakebridge_worker.server as s; s.main(w)"
)

try:
    import numpy
except ImportError:
    numpy = None

DEFAULT_HELLO = {
    "protocol": 1,
    "min_protocol": 1,
    "worker_id": "test-1",
    "paths": [],
    "helper_paths": [],
    "max_frame": frames.DEFAULT_MAX_FRAME,
    "max_depth": 1000,
}

# How long a test waits for an answer or an event before it takes it for a hang. Never a bound
# on speed: the tests pass on a busy two-core machine, where a worker may wait seconds for a CPU.
TIMEOUT = 60.0

_MARKERS = tempfile.TemporaryDirectory(prefix="sbw-test-markers-")
_marker_numbers = itertools.count()


def new_marker():
    """A path where no file is yet: test code that takes a `marker` creates it once it runs."""
    return os.path.join(_MARKERS.name, str(next(_marker_numbers)))


def wait_until(condition, what, timeout=TIMEOUT):
    """Waits until `condition()` is true; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s for {what}")
        time.sleep(0.005)


def same_value(a, b):
    """Strict equality for codec tests: same types, float bits (NaN payloads, -0.0), dict
    order, Decimal text, datetime fold and offset, array dtype/shape/bytes."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack(">d", a) == struct.pack(">d", b)
    if isinstance(a, complex):
        return same_value(a.real, b.real) and same_value(a.imag, b.imag)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same_value, a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same_value(ka, kb) and same_value(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items())
        )
    if isinstance(a, (datetime.datetime, datetime.time)):
        return (
            a.replace(tzinfo=None) == b.replace(tzinfo=None)
            and a.fold == b.fold
            and a.utcoffset() == b.utcoffset()
        )
    if isinstance(a, decimal.Decimal):
        return str(a) == str(b)
    if numpy is not None and isinstance(a, numpy.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return a == b


PyRef = collections.namedtuple("PyRef", "ref_id session_id type_name module")
"""A reference as the JVM reads it (sbw.ref, 4 arguments); sent back, it is written as the JVM
writes one (2 arguments)."""

StreamRef = collections.namedtuple("StreamRef", "ref_id session_id type_name module")
"""A stream reference as the JVM reads it (sbw.stream_ref, §6.1); sent back, it is written as a
plain sbw.ref, as the JVM does. (Like any namedtuples, a StreamRef and a PyRef with the same
fields compare equal: check the type where it matters.)"""

Callback = collections.namedtuple("Callback", "callback_id name")
"""A Java function as the JVM passes it (sbw.callback)."""


def session(session_id, max_refs=10000, ttl=3600.0):
    """The `session` element of a CALL (§5.1)."""
    return (session_id, max_refs, float(ttl))


class JavaThrew(Exception):
    """Raised by a test's callback handler: the worker gets a CALLBACK_ERROR."""

    def __init__(self, java_type, message, error_id):
        super().__init__(message)
        self.value = {"type": java_type, "message": message, "error_id": error_id}


class _JvmPickler(pickle.Pickler):
    """Writes what the tests send the way the Java writer does: references and callbacks as
    sbw.ref / sbw.callback, mapped values as the worker's own reducers, the rest as plain
    pickle (which the worker refuses, as it should)."""

    def reducer_override(self, obj):
        kind = type(obj)
        if kind is PyRef or kind is StreamRef:
            return sbw.ref, (obj.ref_id, obj.session_id)
        if kind is Callback:
            return sbw.callback, (obj.callback_id, obj.name)
        reducer = sbw.EXACT_REDUCERS.get(kind)
        if reducer is not None:
            return reducer(obj)
        if numpy is not None and kind is numpy.ndarray:
            return sbw.reduce_ndarray(numpy, obj)
        return NotImplemented


def jvm_value_section(value):
    """A value section of `value` as the JVM would send it."""
    out, buffers = io.BytesIO(), []
    _JvmPickler(out, 5, buffer_callback=buffers.append).dump(value)
    data = out.getvalue()
    raws = [buffer.raw() for buffer in buffers]
    frame = frames.value_frame(0, 0, [data], len(data), raws)
    return b"".join(bytes(part) for part in frame.parts)[frames.HEADER_SIZE :]


class _JvmUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "sbw":
            if name == "ref":
                return PyRef
            if name == "stream_ref":
                return StreamRef
            if name in sbw.CONSTRUCTORS:
                return sbw.CONSTRUCTORS[name]
        raise pickle.UnpicklingError(f"the JVM does not read {module}.{name}")


def decode_as_jvm(body):
    """Decodes a value section from the worker as the JVM reads it: sbw.ref becomes a PyRef,
    sbw.stream_ref a StreamRef."""
    pickle_view, buffers = frames.split_value_section(bytearray(body))
    return _JvmUnpickler(io.BytesIO(bytes(pickle_view)), buffers=buffers).load()


def encode_frame(kind, request_id, body=b""):
    return frames.HEADER.pack(12 + len(body), kind, 0, 0, request_id) + bytes(body)


def value_section(pickle_bytes, buffers=()):
    """A value section around hand-made pickle bytes, laid out as the Java writer would."""
    raws = [memoryview(buffer).cast("B") for buffer in buffers]
    frame = frames.value_frame(0, 0, [pickle_bytes], len(pickle_bytes), raws)
    return b"".join(bytes(part) for part in frame.parts)[frames.HEADER_SIZE :]


class WorkerProcess:
    """A real worker subprocess and the JVM's half of the protocol, in Python.

    Frames are read with a deadline, so a worker that stops answering fails the test
    instead of hanging it.
    """

    def __init__(self, handshake=True, args=None, env=None, cwd=None, **hello):
        arguments = ["-c", ENTRY_POINT, PACKAGE_ROOT] if args is None else args
        self.process = subprocess.Popen(
            [sys.executable, *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            env=env,
            cwd=cwd,
        )
        self._stderr = []
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()
        self._next_id = 0
        self._replies = {}  # request id -> reply read while waiting for another one
        self.hello = None
        if handshake:
            self.send_value(frames.HELLO, 0, dict(DEFAULT_HELLO, **hello))
            kind, _request_id, self.hello = self.read_value()
            if kind != frames.HELLO:
                raise AssertionError(f"handshake failed: kind {kind}: {self.hello}")

    def _drain_stderr(self):
        for line in iter(self.process.stderr.readline, b""):
            self._stderr.append(line)

    def stderr_text(self, wait_for=None, timeout=TIMEOUT):
        """stderr so far; with `wait_for`, waits until that text has appeared."""
        deadline = time.monotonic() + timeout
        while True:
            text = b"".join(self._stderr).decode("utf-8", "replace")
            if wait_for is None or wait_for in text or time.monotonic() > deadline:
                return text
            time.sleep(0.01)

    def new_id(self):
        self._next_id += 1
        return self._next_id

    # --- writing ---------------------------------------------------------------------------

    def send_raw(self, data):
        self.process.stdin.write(data)

    def send(self, kind, request_id, body=b""):
        self.send_raw(encode_frame(kind, request_id, body))

    def send_value(self, kind, request_id, value):
        self.send(kind, request_id, jvm_value_section(value))

    def start_call(self, module, function, *args, **kwargs):
        return self.start(("call", None, module, function, list(args), kwargs))

    def start_running(self, module, function, *args):
        """Starts a call to a function that takes a `marker` argument last and creates that
        file once it runs (a CANCEL before that would find no call to stop); returns its id
        once it runs."""
        marker = new_marker()
        request_id = self.start_call(module, function, *args, marker)
        wait_until(lambda: os.path.exists(marker), f"{module}.{function} to run")
        return request_id

    def start(self, request):
        """Sends a CALL with any call tuple; returns its id."""
        request_id = self.new_id()
        self.send_value(frames.CALL, request_id, request)
        return request_id

    # --- reading ---------------------------------------------------------------------------

    def _read_exactly(self, size, deadline):
        fd = self.process.stdout.fileno()
        chunks = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise AssertionError("the worker did not answer in time")
            chunk = os.read(fd, size)
            if not chunk:
                raise EOFError("the worker closed its output")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def read_frame(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        length, kind, flags, reserved, request_id = frames.HEADER.unpack(
            self._read_exactly(frames.HEADER_SIZE, deadline)
        )
        assert flags == 0 and reserved == 0, (flags, reserved)
        return kind, request_id, self._read_exactly(length - 12, deadline)

    def read_value(self, timeout=TIMEOUT):
        kind, request_id, body = self.read_frame(timeout)
        return kind, request_id, decode_as_jvm(body)

    def reply(self, request_id, timeout=TIMEOUT, on_callback=None):
        """The RESULT or ERROR value for `request_id`, as ("result"|"error", value).

        With `on_callback`, CALLBACK frames that come first are answered as the JVM would:
        `on_callback(callback_id, args, kwargs, call_id)` returns the Java function's result
        or raises JavaThrew; it may make nested calls (with an `on_callback` of their own).
        Callbacks from several Python threads interleave, so then a reply for another request
        is kept for the `reply` that waits for it, as the JVM's leader/follower reader does.
        """
        if on_callback is None:
            return self._expected_reply(request_id, *self.read_value(timeout))
        while request_id not in self._replies:
            kind, got_id, value = self.read_value(timeout)
            if kind != frames.CALLBACK:
                self._replies[got_id] = self._expected_reply(got_id, kind, got_id, value)
                continue
            try:
                self.send_value(frames.CALLBACK_RESULT, got_id, on_callback(*value))
            except JavaThrew as threw:
                self.send_value(frames.CALLBACK_ERROR, got_id, threw.value)
        return self._replies.pop(request_id)

    @staticmethod
    def _expected_reply(request_id, kind, got_id, value):
        if got_id != request_id:
            raise AssertionError(f"expected a reply to {request_id}, got kind {kind} id {got_id}")
        if kind == frames.RESULT:
            return "result", value
        if kind == frames.ERROR:
            return "error", value
        raise AssertionError(f"expected RESULT or ERROR, got kind {kind}")

    def call(self, module, function, *args, **kwargs):
        return self.reply(self.start_call(module, function, *args, **kwargs))

    def module_attr(self, module, attr):
        return self.ask(("module_attr", None, module, attr))

    def ask(self, request, on_callback=None):
        """Sends a CALL with any call tuple and returns its reply."""
        return self.reply(self.start(request), on_callback=on_callback)

    # --- ending ----------------------------------------------------------------------------

    def wait(self, timeout=TIMEOUT):
        """The exit status, failing the test if the worker does not exit in time."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("the worker did not exit in time") from None

    def close(self):
        """Closes the worker's input (the worker must exit 0) and returns its status."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        return self.wait()

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def release(self):
        """For tearDown: ends the process whatever state the test left it in."""
        self.kill()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._stderr_reader.join(TIMEOUT)
        self.process.stderr.close()
