"""numpy arrays and scalars (§3.3): in process, and through a real worker. Skipped without numpy."""

import unittest

import support
from snakebridge_worker import ConversionError, codec, frames, sessions

numpy = support.numpy
DTYPES = [
    "float64",
    "float32",
    "int64",
    "uint64",
    "int32",
    "uint32",
    "int16",
    "uint16",
    "int8",
    "uint8",
    "bool",
]


def round_trip(value):
    return codec.decode_value_section(codec.encode_value_section(value))


def on_the_wire(value):
    """(decoded value, pickle bytes, buffer bytes) of a value's section."""
    pickle_view, buffers = frames.split_value_section(bytearray(codec.encode_value_section(value)))
    decoded = codec.Decoder().decode(pickle_view, buffers)
    return decoded, bytes(pickle_view), [bytes(buffer) for buffer in buffers]


@unittest.skipUnless(numpy is not None, "numpy is not installed")
class ArrayCodecTest(unittest.TestCase):
    def test_every_dtype_in_one_and_two_dimensions(self):
        for dtype in DTYPES:
            for shape in [(5,), (2, 3), (0,), (3, 0)]:
                with self.subTest(dtype=dtype, shape=shape):
                    array = (numpy.arange(numpy.prod(shape)) % 7 - 3).astype(dtype).reshape(shape)
                    back = round_trip(array)
                    self.assertEqual((back.dtype.name, back.shape), (dtype, shape))
                    self.assertEqual(back.tolist(), array.tolist())

    def test_zero_dimensional(self):
        back = round_trip(numpy.array(2.5))
        self.assertEqual((back.shape, back.dtype.name, back[()]), ((), "float64", 2.5))

    def test_data_goes_out_of_band_little_endian_in_c_order(self):
        fortran = numpy.asfortranarray(numpy.arange(6, dtype=">i4").reshape(2, 3))
        strided = numpy.arange(12, dtype="<u2")[::2]
        for array in (fortran, strided):
            with self.subTest(array.strides):
                back, pickled, buffers = on_the_wire(array)
                expected = numpy.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"))
                self.assertEqual(buffers, [expected.tobytes()])
                self.assertNotIn(expected.tobytes(), pickled)
                self.assertTrue(support.same_value(back, expected))

    def test_unsupported_arrays_are_conversion_errors(self):
        unsupported = [
            numpy.zeros(2, dtype="float16"),
            numpy.zeros(2, dtype="complex128"),
            numpy.array(["a"]),
            numpy.array([object()]),
            numpy.zeros(2, dtype="datetime64[s]"),
            numpy.zeros(2, dtype=[("a", "i4")]),
            numpy.ma.masked_array([1, 2]),
        ]
        for array in unsupported:
            with self.subTest(str(array.dtype)):
                with self.assertRaises(ConversionError) as caught:
                    codec.encode_value_section([array])
                self.assertIn("numpy", caught.exception.python_type)
                self.assertIn("no Java mapping", str(caught.exception))

    def test_unsupported_arrays_are_references_in_a_session(self):
        registry = sessions.Registry()
        batch = registry.session(("s", 100, 60.0)).batch()
        unsupported = [
            numpy.zeros(2, dtype="complex128"),
            numpy.array([object()]),
            numpy.ma.masked_array([1, 2]),
        ]
        chunks, length, buffers = codec.Encoder().encode(
            {"arrays": unsupported, "plain": numpy.arange(3)}, batch
        )
        frame = frames.value_frame(0, 0, chunks, length, buffers)
        value = support.decode_as_jvm(b"".join(bytes(part) for part in frame.parts)[16:])
        self.assertEqual(
            [(ref.type_name, ref.module) for ref in value["arrays"]],
            [
                ("numpy.ndarray", "numpy"),
                ("numpy.ndarray", "numpy"),
                (codec.sbw.qualified_name(numpy.ma.MaskedArray), "numpy"),
            ],
        )
        self.assertEqual(value["plain"].tolist(), [0, 1, 2])
        if numpy.dtype(numpy.longdouble).itemsize > 8:
            chunks, length, buffers = codec.Encoder().encode([numpy.longdouble(1)], batch)
            self.assertIn(b"longdouble", b"".join(chunks))

    def test_scalars_cross_as_plain_values(self):
        cases = [
            (numpy.float32(1.5), 1.5),
            (numpy.float64(-0.25), -0.25),
            (numpy.int64(2**40), 2**40),
            (numpy.uint8(255), 255),
            (numpy.bool_(True), True),
            (numpy.complex128(1 + 2j), 1 + 2j),
            ([numpy.int32(1), {"m": numpy.float64(2.0)}], [1, {"m": 2.0}]),
        ]
        for value, expected in cases:
            with self.subTest(repr(value)):
                self.assertTrue(
                    support.same_value(round_trip(value), expected), repr(round_trip(value))
                )

    def test_a_scalar_with_no_python_equivalent_is_refused(self):
        if numpy.dtype(numpy.longdouble).itemsize <= 8:
            self.skipTest("longdouble is a plain double on this platform")
        with self.assertRaises(ConversionError) as caught:
            codec.encode_value_section([numpy.longdouble(1)])
        self.assertEqual(caught.exception.python_type, "numpy.longdouble")

    def test_decoded_arrays_are_writable_aligned_views_of_the_frame(self):
        data = numpy.arange(3, dtype="<f8").tobytes()
        pickled = b"\x80\x05\x8c\x03sbw\x8c\x07ndarray\x93\x8c\x07float64K\x03\x85\x97\x87R."
        body = bytearray(support.value_section(pickled, [data]))
        pickle_view, buffers = frames.split_value_section(body)
        array = codec.Decoder().decode(pickle_view, buffers)
        self.assertTrue(array.flags.writeable)
        array[0] = 42.0  # zero copy: the write lands in the frame's own bytes
        self.assertEqual(body[64:72], numpy.float64(42.0).tobytes())
        address = array.__array_interface__["data"][0]
        body_address = numpy.frombuffer(body, dtype="u1").__array_interface__["data"][0]
        self.assertEqual((address - body_address) % 64, 0)

    def test_many_arrays_keep_their_order(self):
        arrays = [numpy.full(n, n, dtype="int16") for n in range(1, 40)]
        back = round_trip({"arrays": arrays})
        self.assertEqual([a.tolist() for a in back["arrays"]], [a.tolist() for a in arrays])


@unittest.skipUnless(numpy is not None, "numpy is not installed")
class ArrayWorkerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.worker = support.WorkerProcess(paths=[support.HERE])

    @classmethod
    def tearDownClass(cls):
        cls.worker.close()
        cls.worker.release()

    def test_arrays_cross_both_ways(self):
        for dtype in DTYPES:
            with self.subTest(dtype):
                array = (numpy.arange(12) % 5).astype(dtype).reshape(3, 4)
                kind, back = self.worker.call("sample_user_code", "echo", array)
                self.assertEqual(kind, "result")
                self.assertTrue(support.same_value(back, array))

    def test_numpy_results(self):
        _kind, back = self.worker.call("numpy", "arange", 5.0)
        self.assertTrue(support.same_value(back, numpy.arange(5.0)))
        self.assertEqual(self.worker.call("numpy", "mean", [1.0, 2.0]), ("result", 1.5))
        _kind, back = self.worker.call("numpy", "transpose", numpy.arange(6).reshape(2, 3))
        self.assertTrue(support.same_value(back, numpy.arange(6).reshape(2, 3).T.copy()))

    def test_a_large_array(self):
        array = numpy.random.default_rng(1).random(3_000_000)  # 24 MB, over the pipe capacity
        _kind, back = self.worker.call("numpy", "negative", array)
        self.assertTrue(numpy.array_equal(back, -array))

    def test_an_array_a_call_keeps_is_never_read_over_by_a_later_request(self):
        # A large request body is read into again once its call has ended (FrameReader.recycle)
        # unless a view of it lives on: here user code keeps the first array, a view of its body.
        first = numpy.full(300_000, 1.0)  # 2.4 MB, over MAPPED_BODY_MIN
        self.assertEqual(self.worker.call("sample_user_code", "keep", first), ("result", None))
        for fill, size in ((2.0, 300_000), (3.0, 290_000), (4.0, 300_000)):  # bodies that fit
            array = numpy.full(size, fill)
            kind, back = self.worker.call("sample_user_code", "echo", array)
            self.assertTrue(numpy.array_equal(back, array), fill)
        kind, back = self.worker.call("sample_user_code", "take")
        self.assertEqual(kind, "result")
        self.assertTrue(numpy.array_equal(back, first), "the kept array still holds its data")

    def test_an_array_kept_by_a_reference_is_never_read_over_either(self):
        s = support.session("kept-array")
        first = numpy.full(300_000, 1.0)
        kind, kept = self.worker.ask(("call", s, "collections", "deque", [[first]], {}))
        self.assertEqual((kind, kept.type_name), ("result", "collections.deque"))
        for fill in (2.0, 3.0):
            array = numpy.full(290_000, fill)
            self.assertTrue(
                numpy.array_equal(self.worker.call("sample_user_code", "echo", array)[1], array)
            )
        kind, back = self.worker.ask(("call_method", s, kept, "pop", [], {}))
        self.assertEqual(kind, "result")
        self.assertTrue(numpy.array_equal(back, first), "the kept array still holds its data")

    def test_large_requests_of_changing_sizes_arrive_whole(self):
        for n, size in enumerate((400_000, 140_000, 300_000, 650_000, 400_000)):
            array = numpy.arange(size, dtype="float64") + n
            _kind, back = self.worker.call("numpy", "negative", array)
            self.assertTrue(numpy.array_equal(back, -array), size)

    def test_an_unsupported_dtype_is_a_conversion_error(self):
        kind, error = self.worker.call("numpy", "zeros", 3, dtype="complex64")
        self.assertEqual((kind, error["kind"]), ("error", "conversion"))
        self.assertIn("complex64", error["message"])

    def test_an_unsupported_dtype_is_a_reference_in_a_session(self):
        s = support.session("arrays")
        kind, ref = self.worker.ask(("call", s, "numpy", "zeros", [3], {"dtype": "complex64"}))
        self.assertEqual((kind, ref.type_name), ("result", "numpy.ndarray"))
        self.assertEqual(
            self.worker.ask(("get_attr", s, ref, "dtype.name")), ("result", "complex64")
        )
        kind, real = self.worker.ask(("get_attr", s, ref, "real"))
        self.assertTrue(support.same_value(real, numpy.zeros(3, dtype="float32")))


if __name__ == "__main__":
    unittest.main()
