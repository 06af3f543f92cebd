"""Frames and value sections on raw file descriptors (WIRE-PROTOCOL §2).

The worker reads and writes the protocol pipes with `os.read`/`os.readv`/`os.writev` rather
than through file objects: a frame is one header read plus one `readinto` of its body, and one
`writev` that sends the header, the pickle and every array buffer straight from their own
memory, so large numpy buffers are never copied on their way to the pipe.
"""

import mmap
import os
import struct
import sys
import threading
import time

from snakebridge_worker import ProtocolError, arena

HELLO = 1
CALL = 2
RESULT = 3
ERROR = 4
CANCEL = 5
PING = 6
PONG = 7
SHUTDOWN = 8
CALLBACK = 16
CALLBACK_RESULT = 17
CALLBACK_ERROR = 18
RELEASE = 19

_VALUE_KINDS = frozenset(
    (HELLO, CALL, RESULT, ERROR, CALLBACK, CALLBACK_RESULT, CALLBACK_ERROR, RELEASE)
)
_EMPTY_KINDS = frozenset((CANCEL, PING, PONG, SHUTDOWN))

HEADER = struct.Struct(">IBBHQ")
"""length, kind, flags, reserved, id: 16 bytes. `length` counts the 12 bytes after itself."""

HEADER_SIZE = HEADER.size
_AFTER_LENGTH = HEADER_SIZE - 4

_SECTION_HEAD = struct.Struct(">II")
_HEADER_AND_SECTION = struct.Struct(">IBBHQII")

DEFAULT_MAX_FRAME = 512 * 1024 * 1024
MAX_BUFFERS = 65536
READ_AHEAD = 64 * 1024
"""Bytes FrameReader asks for per read: a small frame arrives whole, a large one streams."""
ALIGNMENT = 64
MAPPED_BODY_MIN = 1024 * 1024
"""Bodies from this size up are read into prefaulted anonymous memory where the system offers
it (see _new_body)."""
SPARE_IDLE_SECONDS = 30.0
"""A large body kept for reuse (FrameReader.recycle) is let go once unused for this long."""
_REUSE_ERRORS = (BufferError, OSError, ValueError, TypeError, SystemError)
_POPULATE = getattr(mmap, "MAP_POPULATE", 0) if sys.platform.startswith("linux") else 0
_PADDINGS = tuple(bytes(size) for size in range(ALIGNMENT))  # by length
SMALL_PICKLE = 4096
"""Up to this size a pickle is copied into one bytes object with its frame's header and padding
(one buffer for `writev`); a larger one is passed on as it is, uncopied."""

try:
    _IOV_MAX = os.sysconf("SC_IOV_MAX")
except (AttributeError, ValueError, OSError):
    _IOV_MAX = 1024
if _IOV_MAX <= 0:
    _IOV_MAX = 1024


def _pad(offset):
    """Bytes of zero padding that bring `offset` to the next multiple of ALIGNMENT."""
    return -offset % ALIGNMENT


class FrameReader:
    """Reads frames from one descriptor; a single thread at a time may call `read`.

    Reads ahead: one `readv` into a reused buffer usually brings a small frame's header and body
    together, so a small call costs one read system call, not two. Bytes read past the end of a
    frame stay in the buffer for the next `read`, whichever thread makes it (the main and the
    control thread hand the reader over under a lock, see control.py).

    Keeps one large body for reuse: the consumer of a CALL hands its body back with `recycle`
    once the reply is sent, and the next body of at most that size is read into the same
    memory instead of a fresh mapping, whose every page the kernel must fault in and zero
    (about 20 ms for 80 MB here; docs/BENCHMARKS.md, "Bulk data"). A body is kept only when
    nothing points into it any more: decoded arrays are views of the body, and as long as one
    is alive (the call kept it, or returned a reference to it) the mapping has exported
    buffers and cannot be resized, which is the test. The kept body is let go after
    SPARE_IDLE_SECONDS unused (`drop_idle_spare`, from the control thread).
    """

    def __init__(self, fd, max_frame=DEFAULT_MAX_FRAME):
        self.fd = fd
        self.max_frame = max_frame
        self._buffer = bytearray(READ_AHEAD)
        self._view = memoryview(self._buffer)
        self._whole = [self._view]  # readv's buffer list when nothing is buffered
        self._start = 0  # the unread bytes are _buffer[_start:_end]
        self._end = 0
        self._spare = None  # a large body handed back by `recycle`, or None
        self._spare_until = 0.0  # when `drop_idle_spare` lets it go
        self.lane = None  # the shared-memory lane (arena.Lane) once HELLO set one up

    def buffered(self):
        """Whether bytes already read from the descriptor wait for the next `read`."""
        return self._end > self._start

    def read(self):
        """Returns (kind, request_id, body) or None at a clean end of stream.

        `body` is None for the kinds without one. For the others it is what
        split_value_section takes: usually, when the reader found the whole frame buffered with
        no out-of-band buffers and a well-formed section, the section already split and
        checked, `(pickle, ())`; otherwise the whole value section, to be split and checked
        by the frame's consumer, so a malformed section fails that frame's call, not the
        connection. Its memory is the caller's (a copy, never the reused read buffer; for a
        large body an anonymous mmap, see _new_body): decoded arrays may keep views into it.
        The header is checked before anything is allocated for the body, so a corrupt or
        hostile length never makes the worker allocate.
        """
        start = self._start
        end = self._end
        if end - start < HEADER_SIZE:
            if start == end:  # nothing buffered, the usual case: one read into the whole buffer
                end = os.readv(self.fd, self._whole)
                start = self._start = 0
                self._end = end
            if end - start < HEADER_SIZE:
                if not self._fill_header():
                    return None
                start = 0
                end = self._end
        buffer = self._buffer
        length, kind, flags, reserved, request_id = HEADER.unpack_from(buffer, start)
        if length < _AFTER_LENGTH or length > self.max_frame:
            raise ProtocolError(
                f"frame length {length} is outside 12..{self.max_frame} (max_frame)", request_id
            )
        if (flags and (flags != arena.SPLICED or self.lane is None)) or reserved:
            raise ProtocolError(
                f"frame flags {flags} / reserved {reserved} must be 0 in protocol 1", request_id
            )
        stop = start + 4 + length
        if kind in _EMPTY_KINDS:
            if length != _AFTER_LENGTH:
                raise ProtocolError(
                    f"frame kind {kind} must have an empty body, got "
                    f"{length - _AFTER_LENGTH} bytes",
                    request_id,
                )
            if stop == end:
                self._start = self._end = 0
            else:
                self._start = stop
            return kind, request_id, None
        if kind not in _VALUE_KINDS:
            raise ProtocolError(f"unknown frame kind {kind}", request_id)
        start += HEADER_SIZE
        if flags:
            if stop > end:
                piped = self._read_body(start, stop - start, request_id)
            else:
                piped = buffer[start:stop]
                self._start, self._end = (0, 0) if stop == end else (stop, end)
            return kind, request_id, self._unsplice(piped, request_id)
        if stop > end:
            return kind, request_id, self._read_body(start, stop - start, request_id)
        if stop == end:
            self._start = self._end = 0
        else:
            self._start = stop
        if stop - start >= 8:
            # The usual case: a small section without buffers, split and checked here as
            # split_value_section would, its pickle copied out on its own.
            pickle_length, count = _SECTION_HEAD.unpack_from(buffer, start)
            pickle_end = start + 8 + pickle_length
            if (
                not count
                and pickle_end + -(8 + pickle_length) % ALIGNMENT == stop
                and buffer.count(0, pickle_end, stop) == stop - pickle_end
            ):
                return kind, request_id, (buffer[start + 8 : pickle_end], ())
        return kind, request_id, buffer[start:stop]  # a copy: the buffer is reused

    def _unsplice(self, piped, request_id):
        """The whole body of a spliced frame (§2.2): its piped bytes with the parts the lane
        carried put back in their places."""
        if type(piped) is UnreadBody:  # no memory even for the piped bytes: fails its call
            self.lane.skip()
            return piped
        if len(piped) < 8:
            raise ProtocolError("spliced frame too short for its splice table", request_id)
        count, reserved = struct.unpack_from(">II", piped, 0)
        table_end = 8 + 16 * count
        if not count or reserved or table_end > len(piped):
            raise ProtocolError(f"bad splice table of {count} parts", request_id)
        rest = memoryview(piped)[table_end:]
        moved = sum(struct.unpack_from(">Q", piped, 16 + 16 * index)[0] for index in range(count))
        size = len(rest) + moved
        table = arena.parse_table(piped[8:table_end], size, self.max_frame)
        body = self._reuse(size)
        if body is None:
            try:
                body = _new_body(size)
            except MemoryError:  # as for a piped body: that request fails on its own
                self.lane.skip()
                return UnreadBody(size)
        target = memoryview(body)
        done = 0
        position = 0
        for offset, length in table:
            piece = offset - position
            target[position:offset] = rest[done : done + piece]
            done += piece
            position = offset + length
        target[position:] = rest[done:]  # as long as the rest: size counts both
        self.lane.unsplice(table, body)
        return body

    def _fill_header(self):
        """Reads until a whole header is buffered, first moving any partial one to the front.
        False at a clean end of stream; a header cut short by the end of stream raises."""
        have = self._end - self._start
        if have:
            self._buffer[:have] = self._view[self._start : self._end]
        self._start, self._end = 0, have
        while self._end < HEADER_SIZE:
            got = os.readv(self.fd, [self._view[self._end :]])
            if not got:
                if not self._end:
                    return False
                raise ProtocolError(
                    f"end of stream inside a frame header ({self._end} of 16 bytes)"
                )
            self._end += got
        return True

    def _read_body(self, start, size, request_id):
        """A body longer than what is buffered: the buffered part, then the rest read straight
        into the body's own memory."""
        body = self._reuse(size)
        if body is None:
            try:
                body = _new_body(size)
            except MemoryError:
                self._skip(self._end - start, size, request_id)
                return UnreadBody(size)
        have = self._end - start
        body[:have] = self._view[start : self._end]
        self._start = self._end = 0
        self._read_into(memoryview(body), have, request_id)
        return body

    def _reuse(self, size):
        """The kept body, cut to `size` bytes, when it is at least that large; else None."""
        spare = self._spare
        if spare is None or len(spare) < size or size < MAPPED_BODY_MIN:
            return None
        self._spare = None
        if len(spare) != size:
            try:
                spare.resize(size)
            except _REUSE_ERRORS:
                return None
        return spare

    def recycle(self, body):
        """Takes back the body of a CALL whose reply is sent, to read a later large body into.

        Only memory this reader mapped is kept, only when no view of it is alive, and only when
        it is larger than the body already kept. Any thread may call it, once per body, after
        the call that decoded the body has ended.
        """
        if type(body) is not mmap.mmap:
            return
        spare = self._spare
        if spare is not None and len(spare) >= len(body):
            return
        try:
            body.resize(len(body))  # raises BufferError while any view of the body is alive
        except _REUSE_ERRORS:
            return
        self._spare_until = time.monotonic() + SPARE_IDLE_SECONDS
        self._spare = body

    def drop_idle_spare(self):
        """Lets go of the kept body once it has been unused for SPARE_IDLE_SECONDS. Returns
        the seconds until that happens, or None when no body is kept."""
        if self._spare is None:
            return None
        left = self._spare_until - time.monotonic()
        if left <= 0:
            self._spare = None
            return None
        return left

    def _skip(self, done, size, request_id):
        """Reads and drops the rest of a body of `size` bytes, `done` of them buffered."""
        self._start = self._end = 0
        view = self._view
        while done < size:
            got = os.readv(self.fd, [view[: min(size - done, len(view))]])
            if not got:
                raise ProtocolError(
                    f"end of stream inside a frame body ({done} of {size} bytes)", request_id
                )
            done += got

    def _read_into(self, view, done, request_id):
        size = len(view)
        while done < size:
            got = os.readv(self.fd, [view[done:]])
            if not got:
                raise ProtocolError(
                    f"end of stream inside a frame body ({done} of {size} bytes)", request_id
                )
            done += got


class UnreadBody:
    """The body of a frame the reader had no memory for (HELLO memory_limit, or the machine's)
    and skipped: `split_value_section` raises MemoryError for it, so that request fails on its
    own, as a CALL that allocates too much does, and the worker reads on."""

    __slots__ = ("size",)

    def __init__(self, size):
        self.size = size


def _new_body(size):
    """A zeroed, writable buffer of `size` bytes for a frame body.

    A large body (an array on its way in) is mapped with MAP_POPULATE on Linux, which faults all
    its pages in during the one mmap call instead of one page fault per 4 KiB while readv fills
    it: 12 % faster in a bare read loop of an 80 MB array on the project's VM, and 30 % end to
    end (docs/BENCHMARKS.md, "Bulk data"). An mmap supports the same
    buffer protocol and slicing as a bytearray, so decoding treats them alike. Transparent huge
    pages (MADV_HUGEPAGE) would be faster still but can stall on memory compaction, so they are
    not asked for.
    """
    if size >= MAPPED_BODY_MIN and _POPULATE:
        try:
            return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _POPULATE)
        except OSError:
            pass  # out of address space or locked-memory limits: a bytearray may still fit
    return bytearray(size)


class FrameWriter:
    """Writes whole frames to one descriptor; safe for the main and the control thread."""

    def __init__(self, fd):
        self.fd = fd
        self._lock = threading.Lock()
        self.lane = None  # the shared-memory lane (arena.Lane) once HELLO set one up

    def send(self, frame):
        """Sends an OutgoingFrame in one `writev` loop, or a whole frame given as bytes
        (small_frame) in one `write`, under the write lock."""
        if type(frame) is bytes:
            with self._lock:
                written = os.write(self.fd, frame)
                if written != len(frame):
                    _write_rest(self.fd, [frame], written)
            return
        parts = frame.parts
        length = frame.length
        lane = self.lane
        with self._lock:
            if lane is not None and length >= lane.threshold:
                parts, length = lane.splice(parts, length)
            total = HEADER_SIZE - _AFTER_LENGTH + length
            written = os.writev(self.fd, parts) if len(parts) <= _IOV_MAX else 0
            if written != total:
                _write_rest(self.fd, parts, written)

    def send_empty(self, kind, request_id):
        self.send(
            OutgoingFrame([HEADER.pack(_AFTER_LENGTH, kind, 0, 0, request_id)], _AFTER_LENGTH)
        )


class OutgoingFrame:
    """A frame ready for `writev`: its parts in order and its `length` header field."""

    __slots__ = ("length", "parts")

    def __init__(self, parts, length):
        self.parts = parts
        self.length = length


def value_frame(kind, request_id, pickle_chunks, pickle_length, buffers):
    """Lays out a value section (§2.1) around an encoded pickle and its out-of-band buffers.

    `buffers` are C-contiguous byte memoryviews; nothing is copied here: the frame lists
    references to them for `writev`.
    """
    if not buffers:  # the usual case, kept short
        if len(pickle_chunks) == 1 and pickle_length <= SMALL_PICKLE:
            return pickle_frame(kind, request_id, pickle_chunks[0])
        padding = -(8 + pickle_length) % ALIGNMENT
        length = _AFTER_LENGTH + 8 + pickle_length + padding
        parts = [_HEADER_AND_SECTION.pack(length, kind, 0, 0, request_id, pickle_length, 0)]
        parts += pickle_chunks
        if padding:
            parts.append(_PADDINGS[padding])
        return OutgoingFrame(parts, length)
    count = len(buffers)
    head_size = 8 + 8 * count
    offset = head_size + pickle_length
    padding = _pad(offset)
    body = offset + padding
    tail = []
    for index, buffer in enumerate(buffers):
        size = buffer.nbytes
        tail.append(buffer)
        body += size
        if index + 1 < count:
            gap = _pad(body)
            if gap:
                tail.append(_PADDINGS[gap])
                body += gap
    length = _AFTER_LENGTH + body
    parts = [_HEADER_AND_SECTION.pack(length, kind, 0, 0, request_id, pickle_length, count)]
    if count:
        parts.append(struct.pack(f">{count}Q", *[buffer.nbytes for buffer in buffers]))
    parts.extend(pickle_chunks)
    if padding:
        parts.append(_PADDINGS[padding])
    parts.extend(tail)
    return OutgoingFrame(parts, length)


def pickle_frame(kind, request_id, pickle_bytes):
    """A frame whose value section is one small pickle (bytes) and no buffers, laid out in a
    single bytes object (small_frame)."""
    frame = small_frame(kind, request_id, pickle_bytes)
    return OutgoingFrame([frame], len(frame) - 4)


def small_frame(kind, request_id, pickle_bytes):
    """The whole frame, as one bytes object that FrameWriter.send takes as it is, of a value
    section that is one pickle (bytes, at most SMALL_PICKLE long) and no buffers: the hot
    path's results."""
    size = len(pickle_bytes)
    padding = -(8 + size) % ALIGNMENT
    return (
        _HEADER_AND_SECTION.pack(
            _AFTER_LENGTH + 8 + size + padding, kind, 0, 0, request_id, size, 0
        )
        + pickle_bytes
        + _PADDINGS[padding]
    )


def split_value_section(body):
    """Returns (pickle view, [buffer views]) for a value section; views share `body`'s memory.

    `body` may also be a section FrameReader.read has split already, returned as it is.
    The buffer views are writable slices of the frame's own bytearray, so numpy can wrap them
    without a copy; their offsets are multiples of 64 from the start of the body.
    """
    if type(body) is tuple:
        return body
    if type(body) is UnreadBody:
        raise MemoryError(f"the worker could not allocate the {body.size} bytes of this request")
    size = len(body)
    if size < _SECTION_HEAD.size:
        raise ProtocolError(f"value section of {size} bytes is shorter than its 8-byte head")
    pickle_length, count = _SECTION_HEAD.unpack_from(body, 0)
    if not count:  # the usual case, kept short
        end = 8 + pickle_length
        if end + -end % ALIGNMENT != size:
            raise ProtocolError(
                f"value section with a {pickle_length}-byte pickle and no "
                f"buffers cannot have {size} bytes"
            )
        if type(body) is not bytearray or body.count(0, end, size) != size - end:
            _check_padding(body, end, size)  # raises, or checks an mmap body
        return memoryview(body)[8:end], ()
    if count > MAX_BUFFERS:
        raise ProtocolError(f"value section declares {count} buffers, over {MAX_BUFFERS}")
    head_size = 8 + 8 * count
    if head_size > size:
        raise ProtocolError(
            f"value section head of {head_size} bytes overruns the {size}-byte body"
        )
    lengths = struct.unpack_from(f">{count}Q", body, 8)
    offset = head_size + pickle_length
    expected = offset + _pad(offset)
    for index, length in enumerate(lengths):
        expected += length
        if index + 1 < count:
            expected += _pad(expected)
    if expected != size:
        raise ProtocolError(
            f"value section parts add up to {expected} bytes but the body has {size}"
        )
    view = memoryview(body)
    buffers = []
    position = offset + _pad(offset)
    _check_padding(body, offset, position)
    for length in lengths:
        buffers.append(view[position : position + length])
        position += length
        padded = min(position + _pad(position), size)
        _check_padding(body, position, padded)
        position = padded
    return view[head_size:offset], buffers


def _check_padding(body, start, end):
    # A bytearray counts in place; only a large body is an mmap, which has no ranged count.
    zeros = body.count(0, start, end) if type(body) is bytearray else body[start:end].count(0)
    if zeros != end - start:
        raise ProtocolError(f"value section padding at bytes {start}..{end} is not all zero")


def _write_rest(fd, parts, written):
    """writev until every byte is out, after a first writev that wrote `written` bytes: a
    partial write (a pipe may take a large frame in several), or more parts than one writev
    may carry."""
    views = [memoryview(part).cast("B") for part in parts]
    index = 0
    while True:
        while index < len(views) and written >= len(views[index]):
            written -= len(views[index])
            index += 1
        if index == len(views):
            return
        if written:
            views[index] = views[index][written:]
        written = os.writev(fd, views[index : index + _IOV_MAX])
