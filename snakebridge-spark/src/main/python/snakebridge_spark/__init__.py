"""Python side of snakebridge-spark: runs a user's pandas function over Arrow batches.

Loaded by the workers of an executor's runtime; needs pandas and pyarrow in the workers'
environment. The Java side (io.snakebridge.spark) sends each batch as Arrow IPC stream bytes
together with the output schema (an IPC stream with no batches), and reads the answer back
as Arrow IPC stream bytes.
"""

from snakebridge_spark.batches import map_batch

__all__ = ["map_batch"]
