"""One batch: Arrow IPC bytes -> pandas DataFrame -> user function -> checked Arrow IPC bytes."""

import importlib

import pyarrow as pa

_functions = {}


class SchemaMismatchError(TypeError):
    """The user's function returned columns that do not fit the output schema."""


def _function(module, function):
    key = (module, function)
    found = _functions.get(key)
    if found is None:
        try:
            target = importlib.import_module(module)
        except ModuleNotFoundError as first:
            if first.name != module.split(".")[0] and first.name != module:
                raise
            # A file shipped with SparkContext.addFile after this worker scanned the folder.
            importlib.invalidate_caches()
            target = importlib.import_module(module)
        found = target
        for part in function.split("."):
            found = getattr(found, part)
        _functions[key] = found
    return found


def _read(data):
    with pa.ipc.open_stream(pa.py_buffer(data)) as reader:
        return reader.read_all()


def _write(table):
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _kind(t):
    if pa.types.is_null(t):
        return "null"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "binary"
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return "time"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return "list"
    if pa.types.is_struct(t):
        return "struct"
    return str(t)


def _column(series, field):
    """Returns the column as an Arrow array of exactly field.type, or raises naming both types."""
    dtype = getattr(series, "dtype", type(series).__name__)
    try:
        inferred = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as e:
        raise SchemaMismatchError(
            f"column '{field.name}': the function returned values of pandas dtype {dtype} that "
            f"Arrow cannot read, but the output schema wants {field.type} ({e})"
        ) from None
    if inferred.type == field.type:
        return inferred
    have, want = _kind(inferred.type), _kind(field.type)
    if have != want and have != "null":
        raise SchemaMismatchError(
            f"column '{field.name}': the function returned {inferred.type} (pandas dtype "
            f"{dtype}), but the output schema wants {field.type}"
        )
    try:
        if have in ("list", "struct"):
            return pa.array(series, type=field.type, from_pandas=True)
        return inferred.cast(field.type, safe=True)
    except (
        pa.ArrowInvalid,
        pa.ArrowTypeError,
        pa.ArrowNotImplementedError,
        TypeError,
        ValueError,
    ) as e:
        raise SchemaMismatchError(
            f"column '{field.name}': the function returned {inferred.type} (pandas dtype "
            f"{dtype}), which does not fit the output schema's {field.type}: {e}"
        ) from None


def _check(result, schema, where):
    import pandas as pd

    if not isinstance(result, pd.DataFrame):
        raise SchemaMismatchError(
            f"{where} returned {type(result).__name__}, not a pandas DataFrame"
        )
    names = [str(c) for c in result.columns]
    wanted = [f.name for f in schema]
    missing = [n for n in wanted if n not in names]
    extra = [n for n in names if n not in wanted]
    if missing or extra:
        raise SchemaMismatchError(
            f"{where} returned columns {names}, but the output schema has {wanted} (missing: "
            f"{missing or 'none'}, unexpected: {extra or 'none'})"
        )
    result = result.reset_index(drop=True)
    result.columns = names
    arrays = [_column(result[f.name], f) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def map_batch(module, function, batch, output_schema):
    """Calls module.function(DataFrame) on one Arrow IPC batch; returns Arrow IPC bytes.

    batch: the rows as an Arrow IPC stream; output_schema: an IPC stream holding the schema.
    """
    fn = _function(module, function)
    table = _read(batch)
    schema = _read(output_schema).schema
    frame = table.to_pandas()
    result = fn(frame)
    return _write(_check(result, schema, f"{module}.{function}"))
