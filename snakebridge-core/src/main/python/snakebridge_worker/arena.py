"""The shared-memory lane (WIRE-PROTOCOL §2.2): large parts of a frame body through memory both
processes map, the rest of the frame still on the pipe.

The worker makes two anonymous memory files (`os.memfd_create`): one the JVM writes and the
worker reads, one the other way round. They have no name in any directory, so nothing is left
behind whoever dies, and the JVM reaches them only through `/proc/<worker pid>/fd/<n>`, which
the kernel opens to the worker's own user alone. Each starts empty and is grown by its writer
as needed, up to HELLO `shm_limit`; the reader maps it again when a frame reaches past what it
mapped.

A lane is transport only: the receiver copies every spliced part back into the frame's body as
soon as it reads the frame, so decoding, and the memory that decoded values keep, are exactly
those of a frame that came whole through the pipe. The first 8 bytes of each arena count the
frames its reader has copied out (little-endian u64); a writer uses its arena only when that
count equals the frames it spliced, so it never overwrites a part not yet read, and otherwise
sends the frame whole through the pipe. The JVM writes 0 there once it has mapped the arena the
worker writes: until then the count is 2**64 - 1 and the worker uses the pipe.
"""

import mmap
import os
import struct
import sys

from snakebridge_worker import ProtocolError

SPLICED = 1
"""Frame header flag: the body on the pipe is a splice table and the body's remaining bytes."""
HEAD = 64
"""Bytes before the first part in an arena: the read count, then zeros."""
ALIGNMENT = 64
_COUNT = struct.Struct("<Q")
_TABLE_HEAD = struct.Struct(">II")
_NOT_MAPPED = 2**64 - 1
_GROWTH = 1024 * 1024
current = None
"""The worker's Lane once HELLO set one up, else None: what `counts()` reports."""


def _aligned(size):
    return size + -size % ALIGNMENT


class _Arena:
    """One direction's memory file and this side's current mapping of it."""

    def __init__(self, name):
        self.fd = os.memfd_create(name, os.MFD_CLOEXEC)
        os.fchmod(self.fd, 0o600)
        self.map = None
        self.view = None

    def size(self):
        return 0 if self.map is None else len(self.map)

    def remap(self, size):
        old = self.map
        self.view = None
        self.map = mmap.mmap(self.fd, size)
        self.view = memoryview(self.map)
        if old is not None:
            try:
                old.close()
            except BufferError:
                pass  # a view is still alive somewhere: the collector unmaps it later


class Lane:
    """Both arenas of one worker and their counts. `splice` runs under the FrameWriter's lock,
    `unsplice` on the one thread that reads frames."""

    def __init__(self, threshold, limit):
        self.threshold = threshold
        self.limit = limit
        self._incoming = _Arena("snakebridge-to-worker")
        self._outgoing = _Arena("snakebridge-from-worker")
        os.ftruncate(self._outgoing.fd, HEAD)
        self._outgoing.remap(HEAD)
        self._outgoing.map[0:8] = _COUNT.pack(_NOT_MAPPED)
        self._spliced = 0  # frames this side put in its outgoing arena
        self._read = 0  # frames this side copied out of its incoming arena
        self._warned = False

    def fds(self):
        """[the arena the JVM writes, the arena the worker writes], for HELLO `shm`."""
        return [self._incoming.fd, self._outgoing.fd]

    def close(self):
        for arena in (self._incoming, self._outgoing):
            os.close(arena.fd)

    # ---- sending --------------------------------------------------------------------------

    def splice(self, parts, length):
        """Moves the large parts of an outgoing frame into the arena.

        `parts` are the frame's parts as FrameWriter sends them (the 16-byte header first,
        `length` its length field). Returns (parts, length) of the frame to write, spliced, or
        the same ones when nothing is large enough or the arena is not free.
        """
        threshold = self.threshold
        chosen = [index for index, part in enumerate(parts) if index and _nbytes(part) >= threshold]
        if not chosen:
            return parts, length
        arena = self._outgoing
        if _COUNT.unpack_from(arena.map, 0)[0] != self._spliced:
            return parts, length  # the JVM has not mapped it yet, or not read the last one
        needed = HEAD + sum(_aligned(_nbytes(parts[index])) for index in chosen)
        if needed > arena.size() and not self._grow(needed):
            return parts, length
        table = []
        kept = [None]
        body_offset = 0
        arena_offset = HEAD
        view = arena.view
        chosen_set = set(chosen)
        first = parts[0]
        rest = bytes(first[16:]) if _nbytes(first) > 16 else None
        if rest:
            kept.append(rest)
            body_offset = len(rest)
        for index in range(1, len(parts)):
            part = parts[index]
            size = _nbytes(part)
            if index in chosen_set:
                view[arena_offset : arena_offset + size] = memoryview(part).cast("B")
                table.append((body_offset, size))
                arena_offset += _aligned(size)
            else:
                kept.append(part)
            body_offset += size
        self._spliced += 1
        head = _TABLE_HEAD.pack(len(table), 0) + b"".join(
            struct.pack(">QQ", offset, size) for offset, size in table
        )
        moved = sum(size for _, size in table)
        new_length = length - moved + len(head)
        kind, request_id = first[4], struct.unpack_from(">Q", first, 8)[0]
        kept[0] = struct.pack(">IBBHQ", new_length, kind, SPLICED, 0, request_id) + head
        return kept, new_length

    def _grow(self, needed):
        arena = self._outgoing
        if needed > self.limit:
            self._warn(
                f"a frame needs {needed} bytes of shared memory, over the limit of "
                f"{self.limit}; it goes through the pipe"
            )
            return False
        size = min(self.limit, max(needed, 2 * arena.size(), _GROWTH))
        size += -size % mmap.PAGESIZE
        try:
            os.posix_fallocate(arena.fd, 0, size)
            arena.remap(size)
        except (OSError, ValueError) as exc:
            self._warn(
                f"the shared memory could not grow to {size} bytes ({exc}); large "
                "frames go through the pipe"
            )
            return False
        return True

    def _warn(self, message):
        if not self._warned:
            self._warned = True
            print(f"snakebridge worker: {message}", file=sys.stderr, flush=True)

    # ---- receiving ------------------------------------------------------------------------

    def unsplice(self, table, body):
        """Copies the parts a spliced frame left in the arena into `body`, whose other bytes the
        reader has filled in, then counts the frame as read. `table` is [(offset, size)]."""
        arena = self._incoming
        needed = HEAD + sum(_aligned(size) for _, size in table)
        if needed > arena.size():
            actual = os.fstat(arena.fd).st_size
            if needed > actual:
                raise ProtocolError(
                    f"spliced frame needs {needed} bytes of shared memory, the arena has {actual}"
                )
            arena.remap(actual)
        view = arena.view
        target = memoryview(body)
        position = HEAD
        for offset, size in table:
            target[offset : offset + size] = view[position : position + size]
            position += _aligned(size)
        self._read += 1
        arena.map[0:8] = _COUNT.pack(self._read)

    def skip(self):
        """Counts a spliced frame as read without copying it out (no memory for its body)."""
        arena = self._incoming
        if arena.map is None:
            arena.remap(os.fstat(arena.fd).st_size)
        self._read += 1
        arena.map[0:8] = _COUNT.pack(self._read)


def _nbytes(part):
    return part.nbytes if type(part) is memoryview else len(part)


def parse_table(head, body_length, max_frame):
    """Checks a splice table: (offset, size) pairs in order, not overlapping, inside a body of
    `body_length` bytes once they are put back, which `max_frame` bounds."""
    count = len(head) // 16
    table = [struct.unpack_from(">QQ", head, 16 * index) for index in range(count)]
    end = 0
    for offset, size in table:
        if offset < end or size == 0:
            raise ProtocolError("spliced parts out of order or empty")
        end = offset + size
    if end > body_length or body_length + 12 > max_frame:
        raise ProtocolError(f"spliced parts end at {end}, past the {body_length}-byte body")
    return table


def open_lane(threshold, limit):
    """(a Lane, None), or (None, the reason) where this system offers no anonymous memory
    files."""
    global current
    if not hasattr(os, "memfd_create"):
        return None, f"no os.memfd_create on {sys.platform}"
    try:
        current = Lane(threshold, limit)
    except OSError as exc:
        return None, f"os.memfd_create failed: {exc}"
    return current, None


def counts():
    """Diagnostics: (frames this worker spliced, frames it read spliced), or None without a
    lane."""
    lane = current
    return None if lane is None else (lane._spliced, lane._read)
