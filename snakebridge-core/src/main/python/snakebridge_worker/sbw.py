"""The non-plain values of the codec: the `sbw` globals of WIRE-PROTOCOL §3.3 and §5.

For each mapped Python type there is a constructor, used when decoding (the unpickler calls it
with the REDUCE arguments, which it checks strictly: a malformed value is a format error), and
a reducer, used when encoding (it returns the constructor and its arguments). `sbw.ref`,
`sbw.stream_ref` and `sbw.callback` are different: what they stand for depends on the session
and the call, so the encoder writes them from the call's sessions.Batch, a worker's decoder
resolves `sbw.ref` and `sbw.callback` itself (refs.Resolver), and the functions here only give
the pickler their names.

The pickler names a reduction's callable by its `__module__` and `__qualname__` and checks that
importing that name gives the same object back, so the constructors are registered as the
attributes of a real module object, `sys.modules["sbw"]`.
"""

import datetime
import decimal
import math
import pickle
import sys
import types
import uuid

from snakebridge_worker import ConversionError


def qualified_name(cls):
    """`module.QualName` of a class, as it crosses the wire (e.g. `builtins.KeyError`)."""
    return f"{getattr(cls, '__module__', None)}.{getattr(cls, '__qualname__', cls.__name__)}"


_ARRAY_DTYPES = {
    # numpy name -> little-endian dtype string, for both directions
    "float64": "<f8",
    "float32": "<f4",
    "int64": "<i8",
    "uint64": "<u8",
    "int32": "<i4",
    "uint32": "<u4",
    "int16": "<i2",
    "uint16": "<u2",
    "int8": "|i1",
    "uint8": "|u1",
    "bool": "|b1",
}
_ARRAY_KINDS = {
    # (dtype.kind, dtype.itemsize) -> (numpy name, little-endian dtype string)
    ("f", 8): ("float64", "<f8"),
    ("f", 4): ("float32", "<f4"),
    ("i", 8): ("int64", "<i8"),
    ("u", 8): ("uint64", "<u8"),
    ("i", 4): ("int32", "<i4"),
    ("u", 4): ("uint32", "<u4"),
    ("i", 2): ("int16", "<i2"),
    ("u", 2): ("uint16", "<u2"),
    ("i", 1): ("int8", "|i1"),
    ("u", 1): ("uint8", "|u1"),
    ("b", 1): ("bool", "|b1"),
}

module = types.ModuleType("sbw", "The SnakeBridge value codec's constructors (WIRE-PROTOCOL §3.3)")

CONSTRUCTORS = {}
"""name -> constructor: everything `find_class` admits."""


def refuse_state(state):
    """The `__setstate__` of every object `find_class` hands out: refuses BUILD.

    BUILD on an object calls its `__setstate__` if it has one, and otherwise updates its
    `__dict__` and sets attributes, so without this one malformed value could rename or
    rewire `sbw.datetime` (or a decoder's `ref`) for the rest of the worker's life. SETITEM(S),
    APPEND(S) and ADDITEMS find no `__setitem__`, `append`, `extend` or `add` on a function.
    """
    raise pickle.UnpicklingError("BUILD on a codec global is not part of the value codec")


def _global(function):
    name = function.__name__.lstrip("_")
    function.__name__ = function.__qualname__ = name
    function.__module__ = "sbw"
    function.__setstate__ = refuse_state
    setattr(module, name, function)
    CONSTRUCTORS[name] = function
    return function


def check_args(name, args, spec):
    """Refuses argument shapes other than §3.3's and §5's: a malformed value is a format error.

    `spec` has one letter per argument: i int, o int or None, f float, s str, y bytes,
    t tuple of ints, B buffer.
    """
    if len(args) != len(spec):
        raise pickle.UnpicklingError(f"sbw.{name} takes {len(spec)} arguments, got {len(args)}")
    for position, (arg, code) in enumerate(zip(args, spec)):
        kind = type(arg)
        if code == "i":
            ok = kind is int
        elif code == "o":
            ok = kind is int or arg is None
        elif code == "f":
            ok = kind is float
        elif code == "s":
            ok = kind is str
        elif code == "y":
            ok = kind is bytes
        elif code == "t":
            ok = kind is tuple and all(type(n) is int and n >= 0 for n in arg)
        else:
            ok = kind is memoryview
        if not ok:
            raise pickle.UnpicklingError(
                f"sbw.{name} argument {position} has the wrong type {qualified_name(kind)}"
            )


def _fixed_offset(seconds):
    if seconds == 0:
        return datetime.timezone.utc
    return datetime.timezone(datetime.timedelta(seconds=seconds))


@_global
def _complex(*args):
    check_args("complex", args, "ff")
    return complex(*args)


@_global
def _datetime(*args):
    check_args("datetime", args, "iiiiiiioi")
    year, month, day, hour, minute, second, micro, offset, fold = args
    try:
        tz = None if offset is None else _fixed_offset(offset)
        return datetime.datetime(year, month, day, hour, minute, second, micro, tz, fold=fold)
    except (ValueError, OverflowError) as exc:
        raise pickle.UnpicklingError(f"bad sbw.datetime arguments {args}: {exc}") from None


@_global
def _date(*args):
    check_args("date", args, "iii")
    try:
        return datetime.date(*args)
    except (ValueError, OverflowError) as exc:
        raise pickle.UnpicklingError(f"bad sbw.date arguments {args}: {exc}") from None


@_global
def _time(*args):
    check_args("time", args, "iiiioi")
    hour, minute, second, micro, offset, fold = args
    try:
        tz = None if offset is None else _fixed_offset(offset)
        return datetime.time(hour, minute, second, micro, tz, fold=fold)
    except (ValueError, OverflowError) as exc:
        raise pickle.UnpicklingError(f"bad sbw.time arguments {args}: {exc}") from None


@_global
def _timedelta(*args):
    check_args("timedelta", args, "iii")
    try:
        return datetime.timedelta(*args)
    except (ValueError, OverflowError) as exc:
        raise pickle.UnpicklingError(f"bad sbw.timedelta arguments {args}: {exc}") from None


@_global
def _decimal(*args):
    check_args("decimal", args, "s")
    try:
        return decimal.Decimal(args[0])  # infinities and NaNs too (§3.3)
    except decimal.InvalidOperation:
        raise pickle.UnpicklingError(
            f"sbw.decimal needs a decimal number, got {args[0]!r}"
        ) from None


@_global
def _uuid(*args):
    check_args("uuid", args, "y")
    if len(args[0]) != 16:
        raise pickle.UnpicklingError(f"sbw.uuid needs 16 bytes, got {len(args[0])}")
    return uuid.UUID(bytes=args[0])


@_global
def _ndarray(*args):
    check_args("ndarray", args, "stB")
    name, shape, data = args
    layout = _ARRAY_DTYPES.get(name)
    if layout is None:
        raise pickle.UnpicklingError(
            f"sbw.ndarray dtype {name!r} is not one of {', '.join(_ARRAY_DTYPES)}"
        )
    # Imported only here: a worker without numpy still serves everything else, and an
    # array argument then fails with numpy's own ModuleNotFoundError, reported as such.
    import numpy

    dtype = numpy.dtype(layout)
    size = math.prod(shape) * dtype.itemsize
    if data.nbytes != size:
        raise pickle.UnpicklingError(
            f"sbw.ndarray {name}{list(shape)} needs {size} bytes, got {data.nbytes}"
        )
    # frombuffer wraps the frame's own memory: no copy, and writable unless marked read-only.
    return numpy.frombuffer(data, dtype=dtype).reshape(shape)


def _named_only(name):
    def resolved_by_the_decoder(*args):
        raise pickle.UnpicklingError(f"sbw.{name} is resolved by a worker's decoder, not here")

    resolved_by_the_decoder.__name__ = resolved_by_the_decoder.__qualname__ = name
    resolved_by_the_decoder.__module__ = "sbw"
    resolved_by_the_decoder.__setstate__ = refuse_state
    setattr(module, name, resolved_by_the_decoder)
    return resolved_by_the_decoder


ref = _named_only("ref")
stream_ref = _named_only("stream_ref")  # written by the worker only (§6.1); the JVM sends sbw.ref
callback = _named_only("callback")

sys.modules["sbw"] = module


def _reduce_complex(value):
    return module.complex, (value.real, value.imag)


def _offset_seconds(value):
    offset = value.utcoffset()
    if offset is None:
        return None
    if offset.microseconds:
        raise ConversionError(
            f"UTC offset {offset} of a {qualified_name(type(value))} is not a whole number of "
            "seconds and cannot cross exactly",
            qualified_name(type(value)),
        )
    seconds = offset.days * 86400 + offset.seconds
    if abs(seconds) > MAX_OFFSET_SECONDS:
        raise ConversionError(
            f"UTC offset {_signed(offset)} of a {qualified_name(type(value))} is beyond "
            "\u00b118:00, the range of Java's ZoneOffset",
            qualified_name(type(value)),
        )
    return seconds


MAX_OFFSET_SECONDS = 18 * 3600
"""Java's ZoneOffset holds offsets up to \u00b118:00; Python's allow up to \u00b123:59:59."""


def _signed(offset):
    return f"-{-offset}" if offset.days < 0 else f"+{offset}"


def _reduce_datetime(value):
    args = (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        _offset_seconds(value),
        value.fold,
    )
    # A pandas Timestamp holds nanoseconds below the microsecond: a tenth argument (§3.3).
    nanos = getattr(value, "nanosecond", 0)
    return module.datetime, ((*args, nanos) if nanos else args)


def _reduce_date(value):
    return module.date, (value.year, value.month, value.day)


def _reduce_time(value):
    return module.time, (
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        _offset_seconds(value),
        value.fold,
    )


def _reduce_timedelta(value):
    # A pandas Timedelta holds nanoseconds below the microsecond: a fourth argument (§3.3).
    nanos = getattr(value, "nanoseconds", 0)
    if nanos:
        return module.timedelta, (value.days, value.seconds, value.microseconds, nanos)
    return module.timedelta, (value.days, value.seconds, value.microseconds)


_EPOCH = datetime.datetime(1970, 1, 1)


def reduce_datetime64(numpy, value):
    """A numpy datetime64 or timedelta64 as sbw.datetime (naive) or sbw.timedelta, to the
    nanosecond; None for NaT and for values outside datetime's range, which then cross as
    `.item()` gives them (None, or an int for a unit finer than the nanosecond)."""
    if numpy.isnat(value):
        return None
    try:
        if isinstance(value, numpy.timedelta64):
            nanos = int(value.astype("timedelta64[ns]").astype(numpy.int64))
            micros, rest = divmod(nanos, 1000)
            return _reduce_timedelta_ns(datetime.timedelta(microseconds=micros), rest)
        nanos = int(value.astype("datetime64[ns]").astype(numpy.int64))
        micros, rest = divmod(nanos, 1000)
        moment = _EPOCH + datetime.timedelta(microseconds=micros)
    except (OverflowError, ValueError):
        return None
    args = (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
        None,
        0,
    )
    return module.datetime, ((*args, rest) if rest else args)


def _reduce_timedelta_ns(delta, nanos):
    args = (delta.days, delta.seconds, delta.microseconds)
    return module.timedelta, ((*args, nanos) if nanos else args)


def _reduce_decimal(value):
    if value.is_finite():
        _check_scale(value)
    return module.decimal, (str(value),)  # 'NaN', '-Infinity', 'sNaN12' too (§3.3)


MAX_DECIMAL_EXPONENT = 2**31 - 1
"""Java's BigDecimal keeps its scale, the negated exponent, in an int."""


def _check_scale(value):
    exponent = value.as_tuple().exponent
    if abs(exponent) > MAX_DECIMAL_EXPONENT:
        name = qualified_name(type(value))
        raise ConversionError(
            f"{name} {value:.6E} has the exponent {exponent}, beyond the"
            f" \u00b1{MAX_DECIMAL_EXPONENT} that Java's BigDecimal can hold",
            name,
        )


def _reduce_uuid(value):
    return module.uuid, (value.bytes,)


def reduce_ndarray(numpy, array):
    """Reduces an array to sbw.ndarray over a C-contiguous little-endian buffer; None for an
    array with no by-value mapping (other dtypes, masked arrays).

    numpy makes one copy only when the array is not already in that layout.
    """
    if not type(array).__module__.startswith("numpy.ma"):
        layout = _ARRAY_KINDS.get((array.dtype.kind, array.dtype.itemsize))
        if layout is not None and array.dtype.fields is None:
            name, little_endian = layout
            if array.dtype != little_endian:
                array = array.astype(little_endian, order="C")
            elif not array.flags.c_contiguous:
                array = numpy.ascontiguousarray(array)
            # Always read-only, so the bytes on the wire do not depend on the array's flags.
            data = pickle.PickleBuffer(memoryview(array).toreadonly())
            return module.ndarray, (name, array.shape, data)
    return None


def describe_unmapped_array(array):
    """Why an array has no by-value mapping, for the conversion error of a session-less call."""
    if type(array).__module__.startswith("numpy.ma"):
        what = "a masked array"
    else:
        what = f"dtype {array.dtype}"
    return (
        f"a numpy.ndarray of {what} has no Java mapping (supported dtypes: "
        f"{', '.join(_ARRAY_DTYPES)})"
    )


# Reducers by type: exact types are found with a dict lookup, subclasses by trying these in
# order (datetime is a subclass of date, so it comes first).
REDUCERS = (
    (complex, _reduce_complex),
    (datetime.datetime, _reduce_datetime),
    (datetime.date, _reduce_date),
    (datetime.time, _reduce_time),
    (datetime.timedelta, _reduce_timedelta),
    (decimal.Decimal, _reduce_decimal),
    (uuid.UUID, _reduce_uuid),
)
EXACT_REDUCERS = dict(REDUCERS)
