"""The value codec: pickle protocol 5 restricted to plain data and the `sbw` globals (§3, §5).

Encoding uses the C pickler. It never calls `reducer_override` for exact None, bool, int,
float, str, bytes, bytearray, list, tuple, dict, set, frozenset or PickleBuffer, so plain data
is written entirely in C; `reducer_override` sees only the rest and maps it to an `sbw` global:
a by-value mapping where there is one, else a reference (`sbw.ref`, or `sbw.stream_ref` for a
generator or other iterator, registered through the call's sessions.Batch), or, in a call
without a session, a ConversionError. The pickler
checks its memo before calling `reducer_override`, so an object that appears twice in one value
is reduced once and written the second time as a memo lookup: the same reference. Subclasses of
plain types (Counter, namedtuple, IntEnum...) and numpy scalars cannot be rewritten from inside
`reducer_override` (any reduction becomes a REDUCE), so meeting one stops the dump and the
value is re-encoded after a Python walk that replaces them with their plain equivalents. Only
results that contain such values pay for the walk.

Decoding uses the C unpickler with a `find_class` that admits only the `sbw` globals, so no
other object can be constructed, whatever the bytes say. `sbw.ref` and `sbw.callback` are
admitted only by decoders given a refs.Resolver (those of CALL and CALLBACK_RESULT values).
"""

import itertools
import pickle
import sys
import types

from snakebridge_worker import ConversionError, ProtocolError, frames, sbw

PICKLE_PROTOCOL = 5

_PLAIN_BASES = (int, float, str, bytes, bytearray, list, tuple, dict, set, frozenset)
_PLAIN_SCALARS = frozenset((type(None), bool, int, float, str, bytes, bytearray))
_WRITTEN_GLOBALS = frozenset(sbw.CONSTRUCTORS.values()) | {sbw.ref, sbw.stream_ref}
_GENERATORS = (types.GeneratorType, types.AsyncGeneratorType)


class AsRef:
    """A result that crosses as a reference even if it has a by-value mapping: what
    `call_class` returns (WIRE-PROTOCOL §5.3)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class AsStream:
    """The stream of a `stream` op's result (WIRE-PROTOCOL §6.2): crosses as `sbw.stream_ref`
    whatever its type (a file streamed line by line too). `error` is an exception the iterator
    raised after the first batch's items were taken: registered with the reference, it is
    raised by the next `stream_batch` or `stream_next` (§6.3)."""

    __slots__ = ("error", "value")

    def __init__(self, value, error=None):
        self.value = value
        self.error = error


def is_stream_type(kind):
    """True for the types whose references cross as `sbw.stream_ref` (WIRE-PROTOCOL §6.1):
    generators, async generators, and iterators or async iterators that are not (async)
    context managers."""
    if kind in _GENERATORS:
        return True
    if _has(kind, "__next__") and _has(kind, "__iter__"):
        return not (_has(kind, "__enter__") and _has(kind, "__exit__"))
    if _has(kind, "__anext__") and _has(kind, "__aiter__"):
        return not (_has(kind, "__aenter__") and _has(kind, "__aexit__"))
    return False


def _has(kind, name):
    """The type defines `name` (set to None means it opted out, as `__hash__ = None` does)."""
    return getattr(kind, name, None) is not None


class _NotPlain(Exception):
    """Stops a dump that met a subclass of a plain type or a numpy scalar (see module doc)."""


def _reduce(value, batch):
    """reducer_override: maps one non-plain value to an `sbw` reduction (see module doc)."""
    kind = type(value)
    reducer = sbw.EXACT_REDUCERS.get(kind)
    if reducer is not None:
        return reducer(value)
    if kind is types.FunctionType and value in _WRITTEN_GLOBALS:
        return NotImplemented  # a reduction's callable: the pickler writes it as a global
    if kind is AsRef:
        name = sbw.qualified_name(type(value.value))
        return _ref(value.value, batch, f"call_class returns its {name} as a reference")
    if kind is AsStream:
        stream = value.value
        if batch is None:
            name = sbw.qualified_name(type(stream))
            raise ConversionError(
                f"a stream of a {name} crosses as a reference, which needs a "
                "session, and the call has none",
                name,
            )
        args = batch.ref_args(stream)
        if value.error is not None:
            batch.keep_error(stream, value.error)
        return sbw.stream_ref, args
    if _in_numpy(kind):
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            if isinstance(value, numpy.ndarray):
                reduction = sbw.reduce_ndarray(numpy, value)
                if reduction is not None:
                    return reduction
                return _ref(value, batch, sbw.describe_unmapped_array(value))
            if isinstance(value, (numpy.datetime64, numpy.timedelta64)):
                reduction = sbw.reduce_datetime64(numpy, value)
                if reduction is not None:
                    return reduction  # to the nanosecond, which .item() would drop
            if isinstance(value, numpy.generic):
                if isinstance(value.item(), numpy.generic):
                    return _ref(value, batch)  # no Python equivalent, e.g. a longdouble
                raise _NotPlain
    if _in_torch(kind):
        reduction = _reduce_tensor(value)
        if reduction is not None:
            return reduction
    if isinstance(value, _PLAIN_BASES):
        raise _NotPlain
    for base, reducer in sbw.REDUCERS:
        if isinstance(value, base):
            return reducer(value)
    return _ref(value, batch)


def _in_numpy(kind):
    """The class comes from numpy; its `__module__` may be anything a user set, None too."""
    module = getattr(kind, "__module__", None)
    return type(module) is str and module.startswith("numpy")


def _in_torch(kind):
    module = getattr(kind, "__module__", None)
    return type(module) is str and module.startswith("torch")


def _reduce_tensor(value):
    """A torch CPU tensor crosses as the numpy array it views (no copy where it is already
    C-contiguous), so like an array; None for other tensors (GPU, sparse, dtypes numpy lacks),
    which become references."""
    torch = sys.modules.get("torch")
    numpy = sys.modules.get("numpy")
    if torch is None or numpy is None or not isinstance(value, torch.Tensor):
        return None
    if value.device.type != "cpu" or value.layout != torch.strided:
        return None
    try:
        array = value.detach().resolve_conj().resolve_neg().numpy()
    except (TypeError, RuntimeError):
        return None
    return sbw.reduce_ndarray(numpy, array)


def _ref(value, batch, why=None):
    if batch is None:
        name = sbw.qualified_name(type(value))
        raise ConversionError(
            f"{why or f'a value of type {name} has no Java mapping'}; it "
            "would cross as a reference, which needs a session, and the call "
            "has none",
            name,
        )
    return (sbw.stream_ref if is_stream_type(type(value)) else sbw.ref), batch.ref_args(value)


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
    numpy = sys.modules.get("numpy") if _in_numpy(kind) else None
    if numpy is not None and isinstance(value, numpy.generic):
        if (
            isinstance(value, (numpy.datetime64, numpy.timedelta64))
            and sbw.reduce_datetime64(numpy, value) is not None
        ):
            return value  # _reduce maps it to the nanosecond
        item = value.item()
        if isinstance(item, numpy.generic):
            return value  # no plain equivalent: _reduce makes it a reference or refuses it
        return _plain(item, memo)
    # The base classes' own methods read what the value holds: a subclass's __iter__, items(),
    # __int__, __float__ or __bytes__ may say something else, or raise.
    if isinstance(value, list):
        copy = memo[id(value)] = []
        copy.extend([_plain(item, memo) for item in list.__iter__(value)])
    elif isinstance(value, dict):
        copy = memo[id(value)] = {}
        for key, item in dict.items(value):
            copy[_plain(key, memo)] = _plain(item, memo)
        if len(copy) != dict.__len__(value):
            _collision(value, list(dict.keys(value)), "dict keys")
    elif isinstance(value, tuple):
        copy = memo[id(value)] = tuple([_plain(item, memo) for item in tuple.__iter__(value)])
    elif isinstance(value, (set, frozenset)):
        base = frozenset if isinstance(value, frozenset) else set
        items = [_plain(item, memo) for item in base.__iter__(value)]
        copy = memo[id(value)] = base(items)
        if len(copy) != len(items):
            _collision(value, list(base.__iter__(value)), "set elements")
    elif isinstance(value, str):
        return str.__str__(value)  # the text itself, not an enum's "Color.RED"
    elif isinstance(value, int):
        return int.__int__(value)
    elif isinstance(value, float):
        return float.__float__(value)
    elif isinstance(value, bytes):
        return bytes.__getitem__(value, slice(None))
    elif isinstance(value, bytearray):
        return bytearray.__getitem__(value, slice(None))
    else:
        return value  # mapped by _reduce, or made a reference there
    return copy


def _collision(container, originals, what):
    """Two keys or elements of a subclass that are distinct there but equal as plain values:
    one would be lost, so the value is refused, naming both."""
    seen = {}
    for original in originals:
        plain = _plain(original, {})
        if plain in seen:
            name = sbw.qualified_name(type(container))
            raise ConversionError(
                f"the {what} {seen[plain]!r:.100} and {original!r:.100} of a {name} are equal "
                "as plain values; one would be lost in the conversion",
                name,
            )
        seen[plain] = original
    name = sbw.qualified_name(type(container))
    raise ConversionError(
        f"some {what} of a {name} are equal as plain values; one would be lost in the conversion",
        name,
    )


class _Pickler(pickle.Pickler):
    batch = None  # the sessions.Batch of the value being encoded, or None

    def reducer_override(self, obj):
        return _reduce(obj, self.batch)


_dumps = pickle.dumps
SCALARS = frozenset((type(None), bool, int, float))
"""Result types that never need a reference and that `pickle.dumps` writes exactly as the
Encoder's pickler would: the hot path encodes them directly (here and in server._execute)."""
_DUMPS_IF_SHORT = frozenset((str, bytes))
_SHORT = 4096
"""Up to this length a str or bytes result is pickled in one piece; longer ones go through the
Encoder's pickler, whose output list passes large byte strings on to `writev` uncopied."""


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

    def encode(self, value, batch=None):
        """Returns (pickle chunks, their total length, raw buffers) for frames.value_frame.

        A value with no by-value mapping becomes a reference collected in `batch` (a
        sessions.Batch, committed by the caller once the frame will be sent); without a batch,
        and for values that cannot cross at all, raises ConversionError.
        """
        kind = type(value)
        if kind in SCALARS or (kind in _DUMPS_IF_SHORT and len(value) <= _SHORT):
            # The hot path's results: pickle.dumps writes the very bytes the pickler would
            # (no reducer is ever consulted for these types, and they never need references)
            # without its set-up and tear-down.
            chunk = _dumps(value, PICKLE_PROTOCOL)
            return [chunk], len(chunk), []
        if batch is not None:
            return self._encode_in(batch, value)
        try:
            if _UNGUARDED and sys.getrecursionlimit() > _SAFE_RECURSION_LIMIT:
                _check_depth(value)
            try:
                return self._dump(value)
            except _NotPlain:
                pass
            return self._dump(_plain(value, {}))
        except RecursionError:
            raise _too_deep(value) from None

    def _encode_in(self, batch, value):
        pickler = self._pickler
        pickler.batch = batch
        try:
            return self.encode(value)
        finally:
            pickler.batch = None  # a batch holds the objects it refers to

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


_DUMP_CODE = Encoder._dump.__code__


def encoding_in_progress():
    """True if the calling thread is inside an Encoder's dump, that is, in code the pickler
    runs (a tzinfo's utcoffset(), a finalizer): that thread's encoder is not free again until
    the dump returns. A walk up the stack, so only callers that need to know pay for it."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is _DUMP_CODE:
            return True
        frame = frame.f_back
    return False


_UNGUARDED = sys.version_info < (3, 12)
"""Before 3.12 the C pickler's recursion guard is sys.getrecursionlimit(), which user code may
raise past what the thread's C stack holds: a deep enough result would then crash the worker.
From 3.12 the guard of C code is a fixed limit of its own."""
_SAFE_RECURSION_LIMIT = 1000  # CPython's default
MAX_ENCODE_DEPTH = 1000
"""Where the recursion limit was raised (on CPython < 3.12), results nesting deeper than this
are refused by an explicit walk before pickling; the JVM's default limit is the same."""
_CONTAINERS = (list, tuple, dict, set, frozenset)


def _items(container):
    """What the pickler descends into, read with the base classes' own methods."""
    if isinstance(container, dict):
        return itertools.chain.from_iterable(dict.items(container))
    for base in (list, tuple, set, frozenset):
        if isinstance(container, base):
            return base.__iter__(container)
    raise AssertionError(type(container))


def _check_depth(value):
    """Refuses a value nesting deeper than MAX_ENCODE_DEPTH containers; iterative, in the
    pickler's order, each shared container descended into once (as the pickler's memo does)."""
    if not isinstance(value, _CONTAINERS):
        return
    seen = {id(value)}
    stack = [_items(value)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, _CONTAINERS) and id(item) not in seen:
                if len(stack) >= MAX_ENCODE_DEPTH:
                    name = sbw.qualified_name(type(value))
                    raise ConversionError(
                        f"the {name} result nests deeper than {MAX_ENCODE_DEPTH} levels, the "
                        "limit the worker's encoder keeps when the recursion limit was raised; "
                        "flatten it or return fewer levels",
                        name,
                    )
                seen.add(id(item))
                stack.append(_items(item))
                break
        else:
            stack.pop()


def _too_deep(value):
    name = sbw.qualified_name(type(value))
    return ConversionError(
        f"the {name} result nests too deeply to encode (Python's pickler hit its recursion "
        "limit); flatten it or return fewer levels",
        name,
    )


# ---------------------------------------------------------------------------------------------
# Decoding


class _Unpickler(pickle.Unpickler):
    resolver = None  # the decoder's refs.Resolver, or None where references are not allowed

    def find_class(self, module, name):
        if module == "sbw":
            if name == "ref" or name == "callback":
                resolver = self.resolver
                if resolver is None:
                    raise pickle.UnpicklingError(f"sbw.{name} is not allowed in this value")
                return resolver.ref if name == "ref" else resolver.callback
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

    __slots__ = ("position", "view")

    def __init__(self, view=b""):
        self.view = view
        self.position = 0

    def peek(self, size=0):
        return self.view[self.position :]

    def read(self, size=-1):
        start = self.position
        end = len(self.view) if size < 0 else min(start + size, len(self.view))
        self.position = end
        return self.view[start:end]

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self):
        raise pickle.UnpicklingError("text opcodes are not part of the value codec")


_REUSE_LIMIT = 64 * 1024


def _peek_size():
    """The size the C unpickler passes to its input's `peek` (PREFETCH in _pickle.c: 128 KiB
    in CPython 3.9 to 3.13), found by asking it; None if it does not peek."""
    asked = []

    def peek(size):
        asked.append(size)
        return b"\x80\x05N."  # PROTO 5, NONE, STOP

    probe = types.SimpleNamespace(peek=peek, read=lambda size: b"", readinto=None, readline=None)
    try:
        pickle.Unpickler(probe).load()
    except Exception:
        return None
    if len(asked) != 1 or type(asked[0]) is not int or asked[0] <= _REUSE_LIMIT:
        return None
    return asked[0]


_PEEK_SIZE = _peek_size()


class Decoder:
    """Decodes value sections. One per thread: it reuses one unpickler for small values.

    A C unpickler may load successive pickles from one stream, so the small pickles of the
    hot path share an unpickler and skip building one per call. Its input is made of C
    callables only, so loading calls no Python code but `find_class`: `peek`, which the C
    unpickler calls once per load with a fixed size (_PEEK_SIZE) and takes the whole pickle
    from, is `pop` of a dict that holds the pickle under that size, so a second `peek` (a
    pickle cut short) finds nothing and fails; `read`, which it then calls to skip the bytes
    it parsed, appends that count to a list, from which the decoder checks that the pickle
    ended exactly at its STOP. A small pickle that fails to load this way is decoded once more
    the general way, which raises the error that describes it.

    Larger pickles, and those with buffers, get a fresh unpickler reading from a _Source
    that is dropped afterwards, so the reused one never keeps a big frame alive. So does a
    pickle that used memo opcodes (the Java writer writes none, but Python's pickler does):
    CPython's unpickler keeps counting memo slots across loads even when its memo is cleared,
    so reusing it would make every later load allocate and scan an ever larger memo.

    With a `resolver` (refs.Resolver) it admits `sbw.ref` and `sbw.callback`, and the
    resolver's `seen` tells what the last decoded value met.
    """

    def __init__(self, resolver=None):
        self._resolver = resolver
        self._pending = {}  # _PEEK_SIZE -> the pickle the next load reads
        self._skipped = []  # what the unpickler's read() was asked to skip
        self._unpickler = None
        self._memo = None

    def decode(self, pickle_view, buffers=()):
        """Decodes a pickle and its out-of-band buffers (as from frames.split_value_section).

        Malformed input raises ProtocolError. Errors that are not about the format, such as
        numpy's ModuleNotFoundError when an array reaches a worker without numpy, propagate.
        """
        resolver = self._resolver
        if resolver is not None:
            resolver.seen = None
        if buffers or len(pickle_view) > _REUSE_LIMIT or _PEEK_SIZE is None:
            return self._decode_once(pickle_view, buffers, resolver)
        unpickler = self._unpickler
        if unpickler is None:
            self._pending.clear()  # what a load interrupted by Cancelled may have left
            self._skipped.clear()
            unpickler = _Unpickler(
                types.SimpleNamespace(
                    peek=self._pending.pop, read=self._skipped.append, readinto=None, readline=None
                )
            )
            unpickler.resolver = resolver
            self._memo = unpickler.memo
        self._unpickler = None  # put back only after a clean load
        self._pending[_PEEK_SIZE] = pickle_view
        try:
            value = unpickler.load()
            clean = self._skipped.pop() == len(pickle_view)
        except Exception:
            clean = False
        if not clean:
            self._pending.clear()
            self._skipped.clear()
            if resolver is not None:
                resolver.seen = None
            return self._decode_once(pickle_view, buffers, resolver)
        if not self._memo.copy():  # the usual case: no memo opcodes, see the class doc
            self._unpickler = unpickler
        return value

    @staticmethod
    def _decode_once(pickle_view, buffers, resolver):
        source = _Source(pickle_view)
        remaining = iter(buffers)
        unpickler = _Unpickler(source, buffers=remaining)
        unpickler.resolver = resolver
        value = _load(unpickler, source, pickle_view)
        if next(remaining, None) is not None:
            raise ProtocolError(
                "malformed value: the value section has buffers the pickle never used"
            )
        return value


def _load(unpickler, source, pickle_view):
    try:
        value = unpickler.load()
    except (ImportError, MemoryError):
        raise
    except Exception as exc:
        raise ProtocolError(f"malformed value: {type(exc).__name__}: {exc}") from None
    if source.position != len(pickle_view):
        raise ProtocolError(
            f"malformed value: {len(pickle_view) - source.position} bytes after the pickle's STOP"
        )
    return value


def encode_value_section(value):
    """The whole value section of `value` as bytes: for golden files and tests."""
    chunks, length, buffers = Encoder().encode(value)
    frame = frames.value_frame(0, 0, chunks, length, buffers)
    return b"".join(bytes(part) for part in frame.parts)[frames.HEADER_SIZE :]


def decode_value_section(body):
    """Decodes a whole value section (bytes or bytearray): for golden files and tests."""
    return Decoder().decode(*frames.split_value_section(bytearray(body)))
