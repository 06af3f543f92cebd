"""The value codec: pickle protocol 5 restricted to plain data and the `sbw` globals (§3).

Encoding uses the C pickler. It never calls `reducer_override` for exact None, bool, int,
float, str, bytes, bytearray, list, tuple, dict, set, frozenset or PickleBuffer, so plain data
is written entirely in C; `reducer_override` sees only the rest and either maps it to an `sbw`
global or refuses it. Subclasses of plain types (Counter, namedtuple, IntEnum...) and numpy
scalars cannot be rewritten from inside `reducer_override` (any reduction becomes a REDUCE),
so meeting one stops the dump and the value is re-encoded after a Python walk that replaces
them with their plain equivalents. Only results that contain such values pay for the walk.

Decoding uses the C unpickler with a `find_class` that admits only the `sbw` globals, so no
other object can be constructed, whatever the bytes say.
"""

import pickle
import sys
import types

from snakebridge_worker import ConversionError, ProtocolError, frames, sbw

PICKLE_PROTOCOL = 5

_PLAIN_BASES = (int, float, str, bytes, bytearray, list, tuple, dict, set, frozenset)
_PLAIN_SCALARS = frozenset((type(None), bool, int, float, str, bytes, bytearray))
_CONSTRUCTORS = frozenset(sbw.CONSTRUCTORS.values())


class _NotPlain(Exception):
    """Stops a dump that met a subclass of a plain type or a numpy scalar (see module doc)."""


def _reduce(value):
    """reducer_override: maps one non-plain value to an `sbw` reduction, or refuses it."""
    kind = type(value)
    reducer = sbw.EXACT_REDUCERS.get(kind)
    if reducer is not None:
        return reducer(value)
    if kind is types.FunctionType and value in _CONSTRUCTORS:
        return NotImplemented  # a reduction's callable: the pickler writes it as a global
    if kind.__module__.startswith("numpy"):
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            if isinstance(value, numpy.ndarray):
                return sbw.reduce_ndarray(numpy, value)
            if isinstance(value, numpy.generic):
                raise _NotPlain
    if isinstance(value, _PLAIN_BASES):
        raise _NotPlain
    for base, reducer in sbw.REDUCERS:
        if isinstance(value, base):
            return reducer(value)
    name = sbw.qualified_name(kind)
    raise ConversionError(f"a value of type {name} has no Java mapping", name)


def _plain(value, memo):
    """Copies `value` with subclasses of plain types and numpy scalars replaced (see module doc).

    `memo` maps id() of containers already copied to their copy, so shared and recursive
    structures keep their shape.
    """
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return value
    copy = memo.get(id(value))
    if copy is not None:
        return copy
    numpy = sys.modules.get("numpy") if kind.__module__.startswith("numpy") else None
    if numpy is not None and isinstance(value, numpy.generic):
        item = value.item()
        if isinstance(item, numpy.generic):
            name = sbw.qualified_name(kind)
            raise ConversionError(f"a numpy scalar of type {name} has no Java mapping", name)
        return _plain(item, memo)
    if isinstance(value, list):
        copy = memo[id(value)] = []
        copy.extend([_plain(item, memo) for item in value])
    elif isinstance(value, dict):
        copy = memo[id(value)] = {}
        for key, item in value.items():
            copy[_plain(key, memo)] = _plain(item, memo)
    elif isinstance(value, tuple):
        copy = memo[id(value)] = tuple([_plain(item, memo) for item in value])
    elif isinstance(value, (set, frozenset)):
        items = [_plain(item, memo) for item in value]
        copy = memo[id(value)] = frozenset(items) if isinstance(value, frozenset) else set(items)
    elif isinstance(value, str):
        return str.__str__(value)  # the text itself, not an enum's "Color.RED"
    elif isinstance(value, int):
        return int(value)
    elif isinstance(value, float):
        return float(value)
    elif isinstance(value, bytes):
        return bytes(value)
    elif isinstance(value, bytearray):
        return bytearray(value)
    else:
        return value  # mapped by _reduce, or refused there with the right type name
    return copy


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        return _reduce(obj)


class Encoder:
    """Encodes values for value sections. One per thread: it reuses a single C pickler.

    Reusing the pickler (clearing its memo) saves building one per result; its output goes
    to a list, so large byte strings reach `writev` as the very objects the pickler was
    given, and the array buffers go out of band untouched.
    """

    def __init__(self):
        self._chunks = []
        self._buffers = []
        sink = types.SimpleNamespace(write=self._chunks.append)
        self._pickler = _Pickler(sink, PICKLE_PROTOCOL, buffer_callback=self._buffers.append)

    def encode(self, value):
        """Returns (pickle chunks, their total length, raw buffers) for frames.value_frame.

        Raises ConversionError for a value with no mapping.
        """
        try:
            return self._dump(value)
        except _NotPlain:
            pass
        except RecursionError:
            raise _too_deep(value) from None
        try:
            plain = _plain(value, {})
        except RecursionError:
            raise _too_deep(value) from None
        try:
            return self._dump(plain)
        except RecursionError:
            raise _too_deep(value) from None

    def _dump(self, value):
        chunks, buffers, pickler = self._chunks, self._buffers, self._pickler
        # Reset before: a dump interrupted by an exception (or a cancellation) leaves partial
        # output and memo entries behind. Reset after: the memo and the lists would otherwise
        # keep the last result, large arrays and all, alive until the next call.
        chunks.clear()
        buffers.clear()
        pickler.clear_memo()
        pickler.dump(value)
        pickler.clear_memo()
        raws = [buffer.raw() for buffer in buffers]
        buffers.clear()
        if len(chunks) == 1:  # the usual case: a small pickle written in one piece
            chunk = chunks.pop()
            return [chunk], len(chunk), raws
        written = chunks[:]
        chunks.clear()
        return written, sum(map(len, written)), raws


def _too_deep(value):
    name = sbw.qualified_name(type(value))
    return ConversionError(
        f"the {name} result nests too deeply to encode (Python's pickler hit its recursion "
        "limit); flatten it or return fewer levels", name)


# ---------------------------------------------------------------------------------------------
# Decoding


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "sbw":
            function = sbw.CONSTRUCTORS.get(name)
            if function is not None:
                return function
        raise pickle.UnpicklingError(f"global {module}.{name} is not part of the value codec")


class _Source:
    """The unpickler's input: one pickle, served from the frame's memory.

    Offering `peek` makes the C unpickler take the whole pickle in one call and parse it in
    place; with only `read` it would call read() once per opcode of a pickle without FRAME
    opcodes, which is what the Java writer produces.
    """

    __slots__ = ("view", "position")

    def __init__(self, view=b""):
        self.view = view
        self.position = 0

    def peek(self, size=0):
        return self.view[self.position:]

    def read(self, size=-1):
        start = self.position
        end = len(self.view) if size < 0 else min(start + size, len(self.view))
        self.position = end
        return self.view[start:end]

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self):
        raise pickle.UnpicklingError("text opcodes are not part of the value codec")


_REUSE_LIMIT = 64 * 1024


class Decoder:
    """Decodes value sections. One per thread: it reuses one unpickler for small values.

    A C unpickler may load successive pickles from one stream, so the small pickles of the
    hot path share an unpickler (its memo cleared after each) and skip building one per call.
    Larger ones, and those with buffers, get a fresh unpickler that is dropped afterwards, so
    the reused one never keeps a big frame alive.
    """

    def __init__(self):
        self._source = _Source()
        self._unpickler = None
        self._memo = None

    def decode(self, pickle_view, buffers=()):
        """Decodes a pickle and its out-of-band buffers (as from frames.split_value_section).

        Malformed input raises ProtocolError. Errors that are not about the format, such as
        numpy's ModuleNotFoundError when an array reaches a worker without numpy, propagate.
        """
        if buffers or len(pickle_view) > _REUSE_LIMIT:
            return self._decode_once(pickle_view, buffers)
        source = self._source
        source.view = pickle_view
        source.position = 0
        unpickler = self._unpickler
        if unpickler is None:
            unpickler = _Unpickler(source)
            self._memo = unpickler.memo
        self._unpickler = None  # put back only after a clean load
        value = _load(unpickler, source, pickle_view)
        self._memo.clear()
        self._unpickler = unpickler
        return value

    @staticmethod
    def _decode_once(pickle_view, buffers):
        source = _Source(pickle_view)
        remaining = iter(buffers)
        value = _load(_Unpickler(source, buffers=remaining), source, pickle_view)
        if next(remaining, None) is not None:
            raise ProtocolError("malformed value: the value section has buffers the pickle "
                                "never used")
        return value


def _load(unpickler, source, pickle_view):
    try:
        value = unpickler.load()
    except (ImportError, MemoryError):
        raise
    except Exception as exc:
        raise ProtocolError(f"malformed value: {type(exc).__name__}: {exc}") from None
    if source.position != len(pickle_view):
        raise ProtocolError(f"malformed value: {len(pickle_view) - source.position} bytes "
                            "after the pickle's STOP")
    return value


def encode_value_section(value):
    """The whole value section of `value` as bytes: for golden files and tests."""
    chunks, length, buffers = Encoder().encode(value)
    frame = frames.value_frame(0, 0, chunks, length, buffers)
    return b"".join(bytes(part) for part in frame.parts)[frames.HEADER_SIZE:]


def decode_value_section(body):
    """Decodes a whole value section (bytes or bytearray): for golden files and tests."""
    return Decoder().decode(*frames.split_value_section(bytearray(body)))
