"""Frames and value sections on real pipes (§2)."""

import os
import struct
import threading
import time
import unittest

import support
from snakebridge_worker import ProtocolError, frames


class Pipe:
    """An os.pipe with a FrameReader on its read end."""

    def __init__(self, max_frame=frames.DEFAULT_MAX_FRAME):
        self.read_fd, self.write_fd = os.pipe()
        self.reader = frames.FrameReader(self.read_fd, max_frame)

    def write(self, data):
        os.write(self.write_fd, data)

    def close_writer(self):
        if self.write_fd is not None:
            os.close(self.write_fd)
            self.write_fd = None

    def close(self):
        self.close_writer()
        os.close(self.read_fd)


class FrameReaderTest(unittest.TestCase):
    def setUp(self):
        self.pipe = Pipe(max_frame=1 << 20)
        self.addCleanup(self.pipe.close)

    def test_reads_frames_and_a_clean_end(self):
        self.pipe.write(
            support.encode_frame(frames.PING, 7)
            + support.encode_frame(frames.CALL, 2**64 - 1, b"\x00" * 8 + b"ab")
        )
        self.pipe.close_writer()
        self.assertEqual(self.pipe.reader.read(), (frames.PING, 7, None))
        kind, request_id, body = self.pipe.reader.read()
        # A section the reader cannot split comes whole, for its consumer to reject.
        self.assertEqual(
            (kind, request_id, bytes(body)), (frames.CALL, 2**64 - 1, b"\x00" * 8 + b"ab")
        )
        self.assertIsInstance(body, bytearray)
        self.assertIsNone(self.pipe.reader.read())

    def test_a_small_section_without_buffers_comes_split_and_checked(self):
        section = struct.pack(">II", 3, 0) + b"abc" + bytes(53)
        self.pipe.write(
            support.encode_frame(frames.CALL, 9, section) + support.encode_frame(frames.PING, 10)
        )
        kind, request_id, body = self.pipe.reader.read()
        self.assertEqual((kind, request_id, body), (frames.CALL, 9, (bytearray(b"abc"), ())))
        self.assertIs(frames.split_value_section(body), body)
        self.assertEqual(self.pipe.reader.read(), (frames.PING, 10, None))

    def test_a_small_section_that_breaks_the_format_comes_whole(self):
        cases = {
            "padding not zero": struct.pack(">II", 3, 0) + b"abc" + bytes(52) + b"x",
            "wrong length": struct.pack(">II", 3, 0) + b"abc" + bytes(60),
            "too short for a head": b"\x00" * 4,
        }
        for name, section in cases.items():
            with self.subTest(name):
                self.pipe.write(support.encode_frame(frames.CALL, 9, section))
                _kind, _, body = self.pipe.reader.read()
                self.assertEqual(bytes(body), section)
                with self.assertRaises(ProtocolError):
                    frames.split_value_section(body)

    def test_header_and_body_may_arrive_in_pieces(self):
        data = support.encode_frame(frames.HELLO, 0, b"x" * 100)

        def dribble():
            for index in range(0, len(data), 7):
                self.pipe.write(data[index : index + 7])

        writer = threading.Thread(target=dribble)
        writer.start()
        kind, _, body = self.pipe.reader.read()
        writer.join()
        self.assertEqual((kind, bytes(body)), (frames.HELLO, b"x" * 100))

    def assert_rejected(self, data, *words, request_id=None):
        self.pipe.write(data)
        self.pipe.close_writer()
        with self.assertRaises(ProtocolError) as caught:
            self.pipe.reader.read()
        for word in words:
            self.assertIn(word, str(caught.exception))
        if request_id is not None:
            self.assertEqual(caught.exception.request_id, request_id)

    def test_rejects_a_length_over_max_frame_before_allocating(self):
        header = frames.HEADER.pack(2**32 - 1, frames.CALL, 0, 0, 5)
        self.assert_rejected(header, "4294967295", "max_frame", request_id=5)

    def test_rejects_a_length_under_twelve(self):
        self.assert_rejected(frames.HEADER.pack(11, frames.PING, 0, 0, 1), "11")

    def test_reads_the_kinds_of_section_5(self):
        for kind in (
            frames.CALLBACK,
            frames.CALLBACK_RESULT,
            frames.CALLBACK_ERROR,
            frames.RELEASE,
        ):
            with self.subTest(kind):
                self.pipe.write(support.encode_frame(kind, 1 << 63 | 5, b"\x00" * 64))
                self.assertEqual(self.pipe.reader.read(), (kind, 1 << 63 | 5, (bytearray(), ())))

    def test_rejects_unknown_and_reserved_kinds(self):
        for kind in (0, 9, 15, 20, 255):
            with self.subTest(kind):
                pipe = Pipe()
                pipe.write(frames.HEADER.pack(12, kind, 0, 0, 3))
                with self.assertRaises(ProtocolError) as caught:
                    pipe.reader.read()
                self.assertIn(f"unknown frame kind {kind}", str(caught.exception))
                pipe.close()

    def test_rejects_flags_and_reserved_bits(self):
        self.assert_rejected(frames.HEADER.pack(12, frames.PING, 1, 0, 1), "flags")

    def test_rejects_a_body_on_an_empty_kind(self):
        self.assert_rejected(support.encode_frame(frames.PING, 1, b"x"), "empty body")

    def test_end_of_stream_inside_a_frame_is_an_error(self):
        self.assert_rejected(
            support.encode_frame(frames.CALL, 4, b"x" * 50)[:30],
            "inside a frame body",
            request_id=4,
        )

    def test_end_of_stream_inside_a_header_is_an_error(self):
        self.assert_rejected(b"\x00\x00\x00", "inside a frame header")


class ValueSectionTest(unittest.TestCase):
    def test_layout_pads_the_pickle_and_every_buffer_but_the_last(self):
        buffers = [memoryview(b"a" * 24), memoryview(b"b" * 5), memoryview(b"c" * 2)]
        frame = frames.value_frame(frames.RESULT, 9, [b"p" * 30], 30, buffers)
        data = b"".join(bytes(part) for part in frame.parts)
        body = data[frames.HEADER_SIZE :]
        # head 8 + 3 * 8 = 32, pickle to 62 -> 64; 24 -> 88 -> 128; 5 -> 133 -> 192; 2 -> 194
        self.assertEqual(len(body), 194)
        self.assertEqual(frame.length, 12 + 194)
        self.assertEqual(body[64:88], b"a" * 24)
        self.assertEqual(body[128:133], b"b" * 5)
        self.assertEqual(body[192:], b"cc")
        self.assertEqual(body[62:64] + body[88:128] + body[133:192], bytes(2 + 40 + 59))
        pickle_view, views = frames.split_value_section(bytearray(body))
        self.assertEqual(bytes(pickle_view), b"p" * 30)
        self.assertEqual([bytes(view) for view in views], [b"a" * 24, b"b" * 5, b"cc"])

    def test_the_pickle_is_padded_also_without_buffers(self):
        frame = frames.value_frame(frames.RESULT, 1, [b"p" * 3], 3, [])
        body = b"".join(bytes(part) for part in frame.parts)[frames.HEADER_SIZE :]
        self.assertEqual(body, b"\x00\x00\x00\x03\x00\x00\x00\x00ppp" + bytes(53))

    def test_buffer_views_are_writable_slices_of_the_body(self):
        frame = frames.value_frame(0, 0, [b"p"], 1, [memoryview(b"xyz"), memoryview(b"w")])
        body = bytearray(b"".join(bytes(part) for part in frame.parts)[frames.HEADER_SIZE :])
        _, views = frames.split_value_section(body)
        views[0][0] = ord("X")
        self.assertEqual(body[64:67], b"Xyz")

    def test_rejects_inconsistent_sections(self):
        good = bytearray(
            b"".join(
                bytes(p) for p in frames.value_frame(0, 0, [b"p" * 3], 3, [memoryview(b"ab")]).parts
            )[frames.HEADER_SIZE :]
        )
        cases = {
            "short head": bytearray(b"\x00\x00"),
            "too long": good + b"\x00",
            "too short": good[:-1],
            "no padding": bytearray(b"\x00\x00\x00\x01\x00\x00\x00\x00p"),
            "too many buffers": bytearray(b"\x00\x00\x00\x00\x00\x01\x00\x01" + bytes(64)),
            "head overruns": bytearray(b"\x00\x00\x00\x00\x00\x00\x00\x09" + bytes(16)),
            "pickle padding not zero": good[:63] + b"\x01" + good[64:],
            "buffer padding not zero": bytearray(
                b"".join(
                    bytes(p)
                    for p in frames.value_frame(
                        0, 0, [b"p"], 1, [memoryview(b"ab"), memoryview(b"c")]
                    ).parts
                )[16:]
            ).replace(b"ab\x00", b"ab\x07"),
        }
        for name, body in cases.items():
            with self.subTest(name), self.assertRaises(ProtocolError):
                frames.split_value_section(body)


class LargeBodyTest(unittest.TestCase):
    """Bodies of MAPPED_BODY_MIN bytes and more are prefaulted mmaps on Linux (3.10+)."""

    def read_through_a_pipe(self, frame):
        read_fd, write_fd = os.pipe()
        self.addCleanup(os.close, read_fd)
        writer = threading.Thread(
            target=lambda: (frames.FrameWriter(write_fd).send(frame), os.close(write_fd))
        )
        writer.start()
        try:
            return frames.FrameReader(read_fd).read()
        finally:
            writer.join()

    def test_a_large_body_splits_and_keeps_writable_views_whatever_its_buffer(self):
        array = bytes(range(256)) * (frames.MAPPED_BODY_MIN // 256 + 3)
        frame = frames.value_frame(
            frames.CALL, 9, [b"p" * 5], 5, [memoryview(b"xy"), memoryview(array)]
        )
        kind, request_id, body = self.read_through_a_pipe(frame)
        self.assertEqual((kind, request_id), (frames.CALL, 9))
        if frames._POPULATE:
            import mmap

            self.assertIsInstance(body, mmap.mmap)
        else:
            self.assertIsInstance(body, bytearray)
        pickle_view, views = frames.split_value_section(body)
        self.assertEqual(bytes(pickle_view), b"p" * 5)
        self.assertEqual([bytes(view) for view in views], [b"xy", array])
        views[1][0] = 255
        self.assertEqual(body[128], 255, "the views are the body's own memory")

    def test_bad_padding_in_a_large_body_is_still_rejected(self):
        frame = frames.value_frame(
            frames.CALL,
            1,
            [b"p"],
            1,
            [memoryview(b"ab"), memoryview(bytes(frames.MAPPED_BODY_MIN))],
        )
        frame.parts[frame.parts.index(frames._PADDINGS[62])] = b"\x01" * 62
        _, _, body = self.read_through_a_pipe(frame)
        with self.assertRaises(ProtocolError) as caught:
            frames.split_value_section(body)
        self.assertIn("padding", str(caught.exception))


@unittest.skipUnless(frames._POPULATE, "large bodies are mmaps only on Linux with CPython 3.10+")
class BodyReuseTest(unittest.TestCase):
    """FrameReader.recycle: a large body whose call has ended is read into again."""

    SIZE = frames.MAPPED_BODY_MIN + 4096

    def setUp(self):
        self.read_fd, self.write_fd = os.pipe()
        self.addCleanup(os.close, self.read_fd)
        self.addCleanup(os.close, self.write_fd)
        self.reader = frames.FrameReader(self.read_fd)

    def read(self, fill, size=SIZE):
        """Sends a CALL frame whose body is `size` bytes of `fill` and reads it."""
        frame = support.encode_frame(frames.CALL, 1, bytes([fill]) * size)
        writer = threading.Thread(target=os.write, args=(self.write_fd, frame))
        writer.start()
        try:
            kind, _, body = self.reader.read()
        finally:
            writer.join()
        self.assertEqual(kind, frames.CALL)
        self.assertEqual(len(body), size)
        self.assertEqual(body[0], fill)
        self.assertEqual(body[size - 1], fill)
        return body

    def test_a_recycled_body_is_read_into_again(self):
        first = self.read(1)
        self.reader.recycle(first)
        second = self.read(2)
        self.assertIs(second, first)
        self.assertEqual(bytes(second[:8]), b"\x02" * 8)

    def test_a_body_with_a_live_view_is_never_reused(self):
        first = self.read(1)
        kept = memoryview(first)[100:200]  # as a decoded array the call kept would be
        self.reader.recycle(first)
        second = self.read(2)
        self.assertIsNot(second, first)
        self.assertEqual(bytes(kept), b"\x01" * 100, "the kept view still sees its own data")

    def test_a_view_of_a_view_also_keeps_the_body(self):
        first = self.read(1)
        outer = memoryview(first)[64:]
        inner = memoryview(outer)  # shares the export of `outer`, which may then go
        del outer
        self.reader.recycle(first)
        self.assertIsNot(self.read(2), first)
        self.assertEqual(inner[0], 1)

    def test_a_larger_kept_body_is_cut_to_a_smaller_one(self):
        first = self.read(1, self.SIZE * 2)
        self.reader.recycle(first)
        second = self.read(2, self.SIZE)
        self.assertIs(second, first)
        self.assertEqual(len(second), self.SIZE)

    def test_a_smaller_kept_body_is_not_used_for_a_larger_one_and_stays(self):
        small = self.read(1)
        self.reader.recycle(small)
        large = self.read(2, self.SIZE * 2)
        self.assertIsNot(large, small)
        self.assertIs(self.read(3), small, "still kept for a body it fits")

    def test_only_large_mapped_bodies_are_kept(self):
        self.reader.recycle(bytearray(self.SIZE))
        self.reader.recycle((b"pickle", ()))
        self.assertIsNone(self.reader.drop_idle_spare())
        first = self.read(1)
        self.reader.recycle(first)
        # A body under MAPPED_BODY_MIN is never read into the kept one (it would shrink it).
        small = frames.MAPPED_BODY_MIN - 64
        frame = support.encode_frame(frames.CALL, 2, b"\x05" * small)
        writer = threading.Thread(target=os.write, args=(self.write_fd, frame))
        writer.start()
        _, _, body = self.reader.read()
        writer.join()
        self.assertIsNot(body, first)
        self.assertIs(self.read(3), first)

    def test_an_idle_kept_body_is_let_go(self):
        first = self.read(1)
        self.reader.recycle(first)
        left = self.reader.drop_idle_spare()
        self.assertTrue(0 < left <= frames.SPARE_IDLE_SECONDS, left)
        self.reader._spare_until = time.monotonic() - 1  # as if SPARE_IDLE_SECONDS had passed
        self.assertIsNone(self.reader.drop_idle_spare())
        self.assertIsNot(self.read(2), first)


class FrameWriterTest(unittest.TestCase):
    def read_all(self, fd, into):
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return
            into.append(chunk)

    def test_a_frame_larger_than_the_pipe_and_with_many_parts_arrives_whole(self):
        read_fd, write_fd = os.pipe()
        received = []
        reader = threading.Thread(target=self.read_all, args=(read_fd, received))
        reader.start()
        buffers = [memoryview(bytes([index % 251]) * 3000) for index in range(2000)]
        frame = frames.value_frame(frames.RESULT, 3, [b"q" * 10], 10, buffers)
        self.assertGreater(len(frame.parts), 2000)  # more than one writev may carry
        frames.FrameWriter(write_fd).send(frame)
        os.close(write_fd)
        reader.join()
        os.close(read_fd)
        data = b"".join(received)
        self.assertEqual(len(data), 4 + frame.length)
        self.assertEqual(data, b"".join(bytes(part) for part in frame.parts))


if __name__ == "__main__":
    unittest.main()
