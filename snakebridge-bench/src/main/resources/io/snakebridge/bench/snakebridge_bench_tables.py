"""Tables for the benchmark's Arrow rows (10): a DataFrame and pyarrow's own conversion times."""

import time

import numpy as np
import pandas as pd
import pyarrow as pa

_frames = {}


def frame(rows):
    """The (cached) frame: int64, two float64, a string and a bool column."""
    if rows not in _frames:
        ids = np.arange(rows, dtype="int64")
        _frames[rows] = pd.DataFrame({
            "id": ids,
            "x": ids * 0.5,
            "y": np.sqrt(ids, dtype="float64"),
            "name": pd.array([f"name-{i % 100_000:06d}" for i in range(rows)], dtype="str"),
            "flag": ids % 3 == 0,
        })
    return _frames[rows]


def arrow_bytes(df):
    """The size of the frame's Arrow data (buffers, as pyarrow counts them)."""
    return pa.Table.from_pandas(df).nbytes


def blob(size):
    """A cached uint8 array of ``size`` bytes: the transfer alone, as (10a) makes it."""
    key = ("blob", size)
    if key not in _frames:
        _frames[key] = np.ones(size, dtype=np.uint8)
    return _frames[key]


def from_pandas_seconds(df, repeat):
    """Times of pyarrow's own pandas → Arrow conversion."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pa.Table.from_pandas(df)
        times.append(time.perf_counter() - start)
    return times


def to_pandas_seconds(df, repeat):
    """Times of pyarrow's own Arrow → pandas conversion."""
    table = pa.Table.from_pandas(df)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        table.to_pandas()
        times.append(time.perf_counter() - start)
    return times
