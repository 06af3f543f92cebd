"""The shared-memory lane (WIRE-PROTOCOL §2.2): frames spliced through memfd arenas."""

import contextlib
import io
import mmap
import os
import struct
import subprocess
import threading
import time
import unittest

import support
from snakebridge_worker import ProtocolError, arena, frames

MiB = 1024 * 1024


def _peer_arena(fd):
    """The other process's view of an arena: the same memory file opened again through /proc,
    as the JVM opens it."""
    peer = arena._Arena.__new__(arena._Arena)
    peer.fd = os.open(f"/proc/self/fd/{fd}", os.O_RDWR)
    peer.map = None
    peer.view = None
    return peer


@unittest.skipUnless(
    hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"), "needs memfd_create and /proc"
)
class LaneTest(unittest.TestCase):
    def setUp(self):
        self.sender = arena.Lane(MiB, 64 * MiB)
        self.receiver = arena.Lane(MiB, 64 * MiB)
        # The receiver reads what the sender writes: its incoming arena is the sender's outgoing.
        os.close(self.receiver._incoming.fd)
        self.receiver._incoming = _peer_arena(self.sender._outgoing.fd)
        self.pipe_in, self.pipe_out = os.pipe()
        self.writer = frames.FrameWriter(self.pipe_out)
        self.writer.lane = self.sender
        self.reader = frames.FrameReader(self.pipe_in)
        self.reader.lane = self.receiver

    def tearDown(self):
        self.sender.close()
        self.receiver.close()
        os.close(self.pipe_in)
        os.close(self.pipe_out)

    def mapped_by_peer(self):
        self.sender._outgoing.map[0:8] = bytes(8)

    def send_and_read(self, frame):
        expected = b"".join(bytes(part) for part in frame.parts)[frames.HEADER_SIZE :]
        thread = threading.Thread(target=self.writer.send, args=(frame,))
        thread.start()
        kind, request_id, body = self.reader.read()
        thread.join(support.TIMEOUT)
        if type(body) is tuple:  # a small section comes split (FrameReader.read)
            body = expected[:8] + bytes(body[0]) + expected[8 + len(body[0]) :]
        self.assertEqual(bytes(body), expected)
        return kind, request_id

    def big_frame(self, request_id=7):
        array = bytearray(os.urandom(3 * MiB + 5))
        chunk = os.urandom(2 * MiB)
        return frames.value_frame(
            frames.RESULT,
            request_id,
            [b"\x80\x05", chunk, b"."],
            len(chunk) + 3,
            [memoryview(b"small"), memoryview(array)],
        )

    def spliced(self):
        return self.sender._spliced

    def test_large_parts_cross_through_the_arena_and_the_body_is_whole_again(self):
        self.mapped_by_peer()
        for request_id in (1, 2, 3):  # the arena is reused call after call
            kind, got_id = self.send_and_read(self.big_frame(request_id))
            self.assertEqual((kind, got_id), (frames.RESULT, request_id))
        self.assertEqual(self.spliced(), 3)
        self.assertEqual(struct.unpack_from("<Q", self.sender._outgoing.map, 0)[0], 3)

    def test_the_pipe_carries_frames_until_the_peer_has_mapped_the_arena(self):
        self.send_and_read(self.big_frame())
        self.assertEqual(self.spliced(), 0)

    def test_a_frame_not_yet_read_keeps_the_arena_for_itself(self):
        self.mapped_by_peer()
        first = self.big_frame(1)
        self.writer.send(first)  # not read yet: 5 MiB does not fit the pipe, so read it aside
        second = self.big_frame(2)
        # Without reading the first, the second must not touch the arena.
        parts, _length = self.sender.splice(second.parts, second.length)
        self.assertIs(parts, second.parts)
        self.assertEqual(self.spliced(), 1)

    def test_a_frame_over_the_limit_goes_through_the_pipe_with_one_warning(self):
        self.sender.limit = 2 * MiB
        self.mapped_by_peer()
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            self.send_and_read(self.big_frame(1))
            self.send_and_read(self.big_frame(2))
        self.assertEqual(self.spliced(), 0)
        self.assertEqual(errors.getvalue().count("\n"), 1, errors.getvalue())
        self.assertIn("over the limit", errors.getvalue())

    def test_a_body_with_no_memory_fails_alone_and_frees_the_arena(self):
        self.mapped_by_peer()
        real = frames._new_body

        def no_memory(size):
            raise MemoryError

        frames._new_body = no_memory
        try:
            thread = threading.Thread(target=self.writer.send, args=(self.big_frame(1),))
            thread.start()
            _kind, _request_id, body = self.reader.read()
            thread.join(support.TIMEOUT)
        finally:
            frames._new_body = real
        self.assertIs(type(body), frames.UnreadBody)
        with self.assertRaises(MemoryError):
            frames.split_value_section(body)
        self.send_and_read(self.big_frame(2))  # the arena was counted as read: free again
        self.assertEqual(self.spliced(), 2)

    def test_small_frames_never_use_the_arena(self):
        self.mapped_by_peer()
        self.send_and_read(frames.value_frame(frames.RESULT, 1, [b"\x80\x05N."], 4, []))
        self.assertEqual(self.spliced(), 0)

    def test_the_arena_is_private_and_has_no_name(self):
        for fd in self.sender.fds():
            self.assertEqual(os.fstat(fd).st_mode & 0o777, 0o600)
            self.assertTrue(os.readlink(f"/proc/self/fd/{fd}").startswith("/memfd:snakebridge"))

    def test_a_spliced_frame_without_a_lane_is_a_protocol_error(self):
        self.reader.lane = None
        self.mapped_by_peer()
        frame = self.big_frame()
        thread = threading.Thread(target=self.writer.send, args=(frame,))
        thread.start()
        with self.assertRaisesRegex(ProtocolError, "flags"):
            self.reader.read()
        os.close(self.pipe_out)
        self.pipe_out = os.open(os.devnull, os.O_WRONLY)
        thread.join(support.TIMEOUT)


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(
    hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"), "needs memfd_create and /proc"
)
class WorkerLaneTest(unittest.TestCase):
    """A real worker asked for the lane in its HELLO, with the test as the JVM."""

    def setUp(self):
        self.worker = support.WorkerProcess(
            paths=[support.HERE], shm_limit=64 * MiB, shm_threshold=MiB
        )
        self.addCleanup(self.worker.release)
        pid = self.worker.hello["pid"]
        to_worker, from_worker = self.worker.hello["shm"]
        self.to_worker = os.open(f"/proc/{pid}/fd/{to_worker}", os.O_RDWR)
        self.from_worker = os.open(f"/proc/{pid}/fd/{from_worker}", os.O_RDWR)
        self.addCleanup(os.close, self.to_worker)
        self.addCleanup(os.close, self.from_worker)

    def read_raw(self):
        """(flags, body) of the next frame, whatever its flags."""
        deadline = time.monotonic() + support.TIMEOUT
        length, kind, flags, _, _ = frames.HEADER.unpack(
            self.worker._read_exactly(frames.HEADER_SIZE, deadline)
        )
        return kind, flags, self.worker._read_exactly(length - 12, deadline)

    def test_the_arenas_are_private_anonymous_memory(self):
        for fd in (self.to_worker, self.from_worker):
            self.assertEqual(os.fstat(fd).st_mode & 0o777, 0o600)
        pid = self.worker.hello["pid"]
        for fd in self.worker.hello["shm"]:
            self.assertTrue(os.readlink(f"/proc/{pid}/fd/{fd}").startswith("/memfd:snakebridge"))

    @unittest.skipUnless(
        hasattr(os, "geteuid") and os.geteuid() == 0, "needs root to act as another user"
    )
    def test_another_user_cannot_open_the_arenas(self):
        pid = self.worker.hello["pid"]
        for fd in self.worker.hello["shm"]:
            probe = subprocess.run(
                ["/bin/sh", "-c", f": <> /proc/{pid}/fd/{fd}"],
                cwd="/",
                preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)),
                capture_output=True,
                text=True,
                timeout=support.TIMEOUT,
            )
            self.assertNotEqual(probe.returncode, 0)
            self.assertIn("Permission denied", probe.stderr)

    def test_results_use_the_arena_once_the_jvm_mapped_it(self):
        self.worker.start_call("sample_user_code", "echo", b"x" * (2 * MiB))
        kind, flags, body = self.read_raw()
        self.assertEqual((kind, flags), (frames.RESULT, 0), "not mapped yet: the pipe")
        arena_map = mmap.mmap(self.from_worker, os.fstat(self.from_worker).st_size)
        arena_map[0:8] = bytes(8)  # mapped: the worker may splice now
        arena_map.close()
        payload = os.urandom(2 * MiB)
        self.worker.start_call("sample_user_code", "echo", payload)
        kind, flags, piped = self.read_raw()
        self.assertEqual((kind, flags), (frames.RESULT, arena.SPLICED))
        count = struct.unpack_from(">I", piped, 0)[0]
        table = [struct.unpack_from(">QQ", piped, 8 + 16 * i) for i in range(count)]
        rest = piped[8 + 16 * count :]
        arena_map = mmap.mmap(self.from_worker, os.fstat(self.from_worker).st_size)
        body, position, done, in_arena = bytearray(), 0, 0, arena.HEAD
        for offset, size in table:
            body += rest[done : done + offset - position]
            done += offset - position
            body += arena_map[in_arena : in_arena + size]
            in_arena += size + -size % 64
            position = offset + size
        body += rest[done:]
        arena_map.close()
        self.assertEqual(support.decode_as_jvm(body), payload)
        self.assertLess(len(piped), MiB, "the payload did not go through the pipe")

    def test_arguments_read_from_the_arena_are_counted_back(self):
        payload = os.urandom(2 * MiB)
        section = support.jvm_value_section(("call", None, "builtins", "len", [payload], {}))
        offset = section.index(payload)
        piped = (
            struct.pack(">II", 1, 0)
            + struct.pack(">QQ", offset, len(payload))
            + section[:offset]
            + section[offset + len(payload) :]
        )
        os.ftruncate(self.to_worker, arena.HEAD + len(payload))
        arena_map = mmap.mmap(self.to_worker, arena.HEAD + len(payload))
        arena_map[arena.HEAD :] = payload
        request_id = self.worker.new_id()
        self.worker.send_raw(
            frames.HEADER.pack(12 + len(piped), frames.CALL, arena.SPLICED, 0, request_id) + piped
        )
        self.assertEqual(self.worker.reply(request_id), ("result", len(payload)))
        self.assertEqual(struct.unpack_from("<Q", arena_map, 0)[0], 1, "counted as read")
        arena_map.close()

    def test_without_shm_limit_there_is_no_lane(self):
        worker = support.WorkerProcess()
        self.addCleanup(worker.release)
        self.assertNotIn("shm", worker.hello)
