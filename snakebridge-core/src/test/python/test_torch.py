"""torch CPU tensors cross like numpy arrays (codec._reduce_tensor); run where torch is
installed, skipped elsewhere."""

import unittest

import support
from snakebridge_worker import ConversionError, codec

try:
    import torch
except ImportError:
    torch = None


@unittest.skipIf(torch is None or support.numpy is None, "needs torch and numpy")
class TensorTest(unittest.TestCase):
    def round_trip(self, tensor):
        return support.decode_as_jvm(codec.encode_value_section(tensor))

    def test_tensors_of_every_mapped_dtype_cross_as_arrays(self):
        for dtype in (
            torch.float64,
            torch.float32,
            torch.int64,
            torch.int32,
            torch.int16,
            torch.int8,
            torch.uint8,
            torch.bool,
        ):
            with self.subTest(dtype=dtype):
                tensor = (torch.arange(12) % 3).to(dtype).reshape(3, 4)
                array = self.round_trip(tensor)
                self.assertIsInstance(array, support.numpy.ndarray)
                self.assertEqual(array.shape, (3, 4))
                self.assertEqual(array.tolist(), tensor.tolist())

    def test_a_tensor_that_needs_grad_a_view_and_a_zero_d_tensor(self):
        weights = torch.ones(4, requires_grad=True)
        self.assertEqual(self.round_trip(weights).tolist(), [1.0] * 4)
        self.assertEqual(self.round_trip(torch.arange(10.0)[::3]).tolist(), [0.0, 3.0, 6.0, 9.0])
        zero_d = self.round_trip(torch.tensor(2.5))
        self.assertEqual((zero_d.shape, float(zero_d)), ((), 2.5))

    def test_nested_tensors_cross_too(self):
        value = self.round_trip({"w": [torch.zeros(2)]})
        self.assertEqual(value["w"][0].tolist(), [0.0, 0.0])

    def test_a_tensor_without_a_numpy_dtype_needs_a_session(self):
        with self.assertRaises(ConversionError):
            codec.encode_value_section(torch.zeros(2, dtype=torch.bfloat16))


if __name__ == "__main__":
    unittest.main()
