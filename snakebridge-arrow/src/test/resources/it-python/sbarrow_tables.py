"""Tables for ArrowFramesIT: one column of every Arrow type pandas produces, and checks."""

import datetime
import decimal

import numpy as np
import pandas as pd
import pyarrow as pa


def every_type(rows=5):
    """A DataFrame with every Arrow type pandas makes; row 1 is null (or NaN) in every column."""
    n = rows

    def nulled(values):
        values = list(values)
        if len(values) > 1:
            values[1] = None
        return values

    ints = {f"{kind}{bits}": np.arange(n, dtype=f"{kind}{bits}")
            for kind in ("int", "uint") for bits in (8, 16, 32, 64)}
    if n:
        ints["int64"][0] = np.iinfo("int64").min
        ints["uint64"][0] = np.iinfo("uint64").max
    frame = pd.DataFrame(ints)
    for kind in ("Int", "UInt"):
        for bits in (8, 16, 32, 64):
            frame[f"nullable_{kind.lower()}{bits}"] = pd.array(nulled(range(n)),
                                                               dtype=f"{kind}{bits}")
    frame["nullable_float32"] = pd.array(nulled(range(n)), dtype="Float32")
    frame["float32"] = np.linspace(-1, 1, n, dtype="float32")
    frame["float64"] = ([np.nan, -0.0, np.inf, 1e308, 5e-324] + [0.5] * n)[:n]
    frame["bool"] = [True, False] * (n // 2) + [True] * (n % 2)
    frame["nullable_bool"] = pd.array(nulled([True, False] * n)[:n], dtype="boolean")
    frame["str"] = pd.array(nulled(f"s{i} ✓" for i in range(n)), dtype="str")
    frame["object_str"] = pd.Series(nulled(f"o{i}" for i in range(n)), dtype=object)
    frame["binary"] = pd.Series(nulled(bytes([i, 0, 255]) for i in range(n)), dtype=object)
    frame["naive_ns"] = pd.Series(
        nulled(pd.Timestamp("2024-03-31 01:59:59.123456789") + pd.Timedelta(days=i)
               for i in range(n)), dtype="datetime64[ns]")
    frame["zoned_ns"] = frame["naive_ns"].dt.tz_localize("Europe/Paris", ambiguous="NaT",
                                                         nonexistent="NaT")
    frame["utc_us"] = pd.Series(nulled(pd.date_range("1900-01-01", periods=n, freq="D",
                                                     tz="UTC")), dtype="datetime64[us, UTC]")
    frame["date"] = pd.Series(nulled(datetime.date(1, 1, 1) + datetime.timedelta(days=i * 1000)
                                     for i in range(n)), dtype=object)
    frame["time"] = pd.Series(nulled(datetime.time(23, 59, 59, 999999) for _ in range(n)),
                              dtype=object)
    frame["duration_ns"] = pd.Series(nulled(pd.Timedelta(i, unit="ns") * 1_000_000_007
                                            for i in range(n)), dtype="timedelta64[ns]")
    frame["decimal"] = pd.Series(nulled(decimal.Decimal(f"-{i}.{i:03d}") for i in range(n)),
                                 dtype=object)
    frame["category"] = pd.Categorical(nulled("bca"[i % 3] for i in range(n)),
                                       categories=["c", "b", "a", "unused"], ordered=True)
    frame["int_category"] = pd.Categorical(nulled([10, 20] * (n // 2) + [10] * (n % 2)))
    frame["list"] = pd.Series(nulled([list(range(i)) for i in range(n)]), dtype=object)
    frame["nested"] = pd.Series(nulled([{"id": i, "tags": [f"t{i}", None],
                                         "at": datetime.date(2020, 1, 1 + i)}
                                        for i in range(n)]), dtype=object)
    frame["all_null"] = pd.Series([None] * n, dtype=object)
    return frame


def large_types(rows=3):
    """A pyarrow Table of the large variants pandas itself does not choose."""
    return pa.table({
        "large_string": pa.array([f"ls{i}" for i in range(rows)], pa.large_string()),
        "large_binary": pa.array([bytes([i]) * 3 for i in range(rows)], pa.large_binary()),
        "large_list": pa.array([[i] * i for i in range(rows)], pa.large_list(pa.int16())),
        "float16": pa.array(np.arange(rows, dtype="float16"), pa.float16()),
    })


def _plain(value):
    """pyarrow gives list cells as numpy arrays, which pandas' assertions cannot compare."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _comparable(frame):
    frame = frame.copy()
    for name, column in frame.items():
        if column.dtype == object:
            frame[name] = column.map(_plain)
    return frame


def difference(expected, actual):
    """None when the two frames are equal (dtypes, index, categories); else what differs."""
    try:
        pd.testing.assert_frame_equal(_comparable(expected), _comparable(actual),
                                      check_exact=True)
    except AssertionError as e:
        return str(e)
    return None


def pyarrow_round_trip(frame):
    """What pyarrow itself makes of the frame there and back (an object column of strings comes
    back as pandas' str dtype, for one)."""
    return pa.Table.from_pandas(frame).to_pandas()


def from_pandas(frame):
    return pa.Table.from_pandas(frame)


def columns(frame):
    """Each column as [dtype, values], missing values as None."""
    return {str(name): [str(column.dtype),
                        [None if pd.isna(v) else v for v in column.astype(object).tolist()]]
            for name, column in frame.items()}


def table_difference(expected, actual):
    """None when two pyarrow Tables are equal, schemas included; else both as text."""
    if actual.equals(expected, check_metadata=False):
        return None
    return f"expected {expected.schema}\n{expected}\nactual {actual.schema}\n{actual}"


def record_batch(table):
    return table.to_batches()[0]


def polars_frame():
    import polars as pl
    return pl.DataFrame({"id": [1, 2, None], "name": ["a", None, "ccc"],
                         "score": [0.5, None, 2.0]})


def polars_installed():
    try:
        import polars  # noqa: F401
    except ImportError:
        return False
    return True


def chunks(path, rows):
    return pd.read_csv(path, chunksize=rows)


def frames_then_failure():
    yield pd.DataFrame({"a": [1]})
    raise ValueError("reading failed at chunk 2")


_endless = {"closed": False}


def endless_frames():
    _endless["closed"] = False
    try:
        i = 0
        while True:
            yield pd.DataFrame({"i": [i]})
            i += 1
    finally:
        _endless["closed"] = True


def endless_closed():
    return _endless["closed"]
