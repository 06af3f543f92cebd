"""The worker side of snakebridge-arrow: tables to and from Arrow IPC streams.

snakebridge-arrow (Java) sends this file's source to a worker the first time a call needs it and
keeps it in ``sys.modules`` as ``snakebridge_arrow_frames``; the worker itself stays stdlib-only.
Every stream written here holds one record batch, with no dictionary batches: a categorical
column is sent as its plain values, and its dictionary (an IPC stream of its own, base64 in the
field's metadata under ``DICTIONARY_KEY``) lets ``to_pandas``/``to_pyarrow`` make it categorical
again. A ``VectorSchemaRoot`` cannot carry dictionaries, so this keeps what Java receives
self-contained.
"""

import base64

try:
    import pyarrow as pa
except ImportError:  # reported by each function, naming the package to add
    pa = None

DICTIONARY_KEY = b"snakebridge.dictionary"

_NEEDS_PYARROW = (
    "snakebridge-arrow needs the Python package 'pyarrow' in the worker's environment: "
    "add pyarrow to it (pip install pyarrow, or to the managed environment's requirements)"
)


def _pyarrow():
    if pa is None:
        raise ModuleNotFoundError(_NEEDS_PYARROW, name="pyarrow")
    return pa


def fetch(table):
    """A pandas or polars DataFrame, a pyarrow Table or RecordBatch as an IPC stream: a numpy
    uint8 array over the stream's buffer, which crosses without a copy in Python, or bytes where
    numpy is missing."""
    return _transferable(_stream_buffer(_as_table(table)))


def fetch_each(tables):
    """Each table an iterable yields (such as ``read_csv(chunksize=...)``) as IPC bytes; closes
    the iterable at the end, where it has ``close()``."""
    _pyarrow()
    try:
        for table in tables:
            yield fetch(table)
    finally:
        # Java closed the stream, or read it to its end: release the reader's file.
        close = getattr(tables, "close", None)
        if close is not None:
            close()


def to_pyarrow(data):
    """A pyarrow Table from the IPC stream ``data`` (bytes or a uint8 array, not copied),
    categoricals restored."""
    reader = _pyarrow().ipc.open_stream(pa.py_buffer(data))
    return _restore_dictionaries(reader.read_all())


def to_pandas(data):
    """A pandas DataFrame from the IPC stream ``data``, as ``Table.to_pandas`` makes it."""
    return to_pyarrow(data).to_pandas()


def _as_table(obj):
    pa = _pyarrow()
    if isinstance(obj, pa.Table):
        return obj
    if isinstance(obj, pa.RecordBatch):
        return pa.Table.from_batches([obj])
    module = type(obj).__module__.split(".")[0]
    if module == "pandas" and type(obj).__name__ == "DataFrame":
        return pa.Table.from_pandas(obj)
    if module == "polars" and type(obj).__name__ == "DataFrame":
        return obj.to_arrow()
    raise TypeError(
        "snakebridge-arrow takes a pandas or polars DataFrame or a pyarrow Table or RecordBatch, "
        f"not {type(obj).__module__}.{type(obj).__qualname__}"
    )


def _stream_buffer(table):
    table = _plain_columns(table).combine_chunks()
    # One batch: Java hands out one VectorSchemaRoot.
    batches = table.to_batches(max_chunksize=max(table.num_rows, 1))
    # Counted first, then written into a buffer of exactly that size from pyarrow's pool: a
    # growing BufferOutputStream copies as it doubles, and takes about twice as long.
    counter = pa.MockOutputStream()
    _write(counter, table.schema, batches)
    buffer = pa.allocate_buffer(counter.size())
    _write(pa.FixedSizeBufferWriter(buffer), table.schema, batches)
    return buffer


def _write(sink, schema, batches):
    with pa.ipc.new_stream(sink, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)


def _transferable(buffer):
    try:
        import numpy
    except ImportError:
        return buffer.to_pybytes()
    return numpy.frombuffer(buffer, dtype=numpy.uint8)


def _plain_columns(table):
    """Dictionaries decoded (kept in field metadata) and view types made their large types."""
    fields, columns, changed = [], [], False
    for field, column in zip(table.schema, table.columns):
        new_type = _java_type(field.type)
        if pa.types.is_dictionary(field.type):
            dictionary = (
                column.combine_chunks().dictionary
                if column.num_chunks
                else pa.array([], field.type.value_type)
            )
            metadata = dict(field.metadata or {})
            metadata[DICTIONARY_KEY] = base64.b64encode(_dictionary_bytes(dictionary, field.type))
            column = column.cast(new_type)
            field = pa.field(field.name, new_type, field.nullable, metadata)
            changed = True
        elif new_type != field.type:
            column = _cast(column, field.type, new_type)
            field = field.with_type(new_type)
            changed = True
        fields.append(field)
        columns.append(column)
    if not changed:
        return table
    return pa.Table.from_arrays(columns, schema=pa.schema(fields, table.schema.metadata))


def _cast(column, old_type, new_type):
    if "list_view" in str(old_type):
        # pyarrow (25) casts a list view holding nulls to a list with a short offsets buffer;
        # list views are rare (neither pandas nor polars makes them), so go through Python.
        return pa.chunked_array([pa.array(column.to_pylist(), new_type)], new_type)
    return column.cast(new_type)


def _is(t, predicate):
    """``pa.types.<predicate>(t)``; false where this pyarrow predates that type (views: 16)."""
    check = getattr(pa.types, predicate, None)
    return check is not None and check(t)


def _java_type(t):
    """``t`` without the types Arrow Java 18's IPC reader lacks (views, dictionaries inside)."""
    if pa.types.is_dictionary(t):
        return _java_type(t.value_type)
    if _is(t, "is_string_view"):
        return pa.large_string()
    if _is(t, "is_binary_view"):
        return pa.large_binary()
    if pa.types.is_list(t) or _is(t, "is_list_view"):
        return pa.list_(t.value_field.with_type(_java_type(t.value_type)))
    if pa.types.is_large_list(t) or _is(t, "is_large_list_view"):
        return pa.large_list(t.value_field.with_type(_java_type(t.value_type)))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_java_type(f.type)) for f in t])
    return t


def _dictionary_bytes(dictionary, dictionary_type):
    table = pa.table({"dictionary": dictionary})
    metadata = {
        b"ordered": b"1" if dictionary_type.ordered else b"0",
        b"index_type": str(dictionary_type.index_type).encode(),
    }
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema.with_metadata(metadata)) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _restore_dictionaries(table):
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        encoded = (field.metadata or {}).get(DICTIONARY_KEY)
        if encoded is None:
            continue
        stored = pa.ipc.open_stream(base64.b64decode(encoded)).read_all()
        dictionary = stored.column(0).combine_chunks()
        ordered = stored.schema.metadata.get(b"ordered") == b"1"
        index_type = pa.type_for_alias(stored.schema.metadata[b"index_type"].decode())
        values = table.column(i).combine_chunks()
        if values.type != dictionary.type:
            dictionary = dictionary.cast(values.type)
        indices = pc.index_in(values, value_set=dictionary)
        if indices.null_count != values.null_count:
            continue  # values the dictionary lacks: Java changed them; keep them plain
        column = pa.DictionaryArray.from_arrays(
            indices.cast(index_type), dictionary, ordered=ordered
        )
        metadata = {k: v for k, v in field.metadata.items() if k != DICTIONARY_KEY}
        table = table.set_column(
            i, pa.field(field.name, column.type, field.nullable, metadata or None), column
        )
    return table
