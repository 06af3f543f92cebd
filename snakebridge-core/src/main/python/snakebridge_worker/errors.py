"""Exceptions as ERROR dicts (WIRE-PROTOCOL §4.4).

The JVM turns the dict into a Java exception whose stack trace holds the Python frames, so
the worker's own frames (the dispatcher that called the user's function, the codec) are left
out of both the text and the frame list: a user should see their code, not ours.

§5 adds keys at the level of the exception they describe, wherever it sits in the chain: a
reference error has its own kind and the ids involved, a JavaError the `error_id` the JVM uses
to attach the original Java exception at that level.
"""

import collections
import os
import platform
import sys
import traceback

from snakebridge_worker import HelperNotFound, JavaError, RefError
from snakebridge_worker.sbw import qualified_name

CHAIN_LIMIT = 32
"""Levels of __cause__/__context__ reported; a longer (or cyclic) chain is cut."""

FRAMES_OUTER = 100
FRAMES_INNER = 900
"""A traceback keeps at most its FRAMES_OUTER outermost and FRAMES_INNER innermost frames, so a
deep recursion error costs its reply, and the JVM, time linear in the frames kept; the dict's
`frames_omitted` counts the frames left out between them."""

_OWN_DIR = os.path.dirname(__file__)


def error_dict(exc, kind, python_type=None):
    """The ERROR value for `exc`; `kind` is "python", "conversion", "too_large", "protocol"
    or "cancelled" (our reference and helper errors bring their own), and `python_type` names
    the value that could not cross (conversion only).
    """
    return _describe(exc, kind, python_type, 1)


def brief_error_dict(exc, kind, python_type=None):
    """A small ERROR value: type, the start of the message, the MRO and the §5 keys."""
    return _with_extras(
        exc,
        {
            "kind": kind,
            "type": qualified_name(type(exc)),
            "message": _message(exc)[:1000],
            "traceback": "",
            "mro": [qualified_name(cls) for cls in type(exc).__mro__],
            "frames": [],
            "frames_omitted": 0,
            "cause": None,
            "context": None,
            "python_type": python_type,
        },
    )


def _with_extras(exc, entry):
    if isinstance(exc, (RefError, HelperNotFound)):
        entry["kind"] = exc.kind
    if isinstance(exc, RefError):
        entry["ref_id"] = exc.ref_id
        entry["session_id"] = exc.session_id
        entry["call_session_id"] = exc.call_session_id
    elif isinstance(exc, JavaError):
        entry["error_id"] = exc.error_id
    elif isinstance(exc, ModuleNotFoundError):
        # Which Python lacks the module: the usual cause is a different interpreter than meant.
        entry["interpreter"] = sys.executable + " " + platform.python_version()
    return entry


def _describe(exc, kind, python_type, level):
    entries, omitted = _entries(exc.__traceback__)
    cause = exc.__cause__
    context = None if exc.__suppress_context__ else exc.__context__
    deeper = level < CHAIN_LIMIT
    return _with_extras(
        exc,
        {
            "kind": kind,
            "type": qualified_name(type(exc)),
            "message": _message(exc),
            "traceback": _format(exc, entries, omitted),
            "mro": [qualified_name(cls) for cls in type(exc).__mro__],
            "frames": [_frame_tuple(*entry) for entry in entries if entry is not None],
            "frames_omitted": omitted,
            "cause": _describe(cause, "python", None, level + 1) if cause and deeper else None,
            "context": _describe(context, "python", None, level + 1)
            if context and deeper
            else None,
            "python_type": python_type,
        },
    )


def _entries(tb):
    """(frame, lineno) of the traceback's frames outside the worker, cut to FRAMES_OUTER +
    FRAMES_INNER, and how many were left out (see FRAMES_OUTER)."""
    outer = []
    inner = collections.deque(maxlen=FRAMES_INNER)
    total = 0
    own = {}  # co_filename -> whether it is one of the worker's files
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        is_own = own.get(filename)
        if is_own is None:
            is_own = own[filename] = os.path.dirname(filename) == _OWN_DIR
        if not is_own:
            total += 1
            if len(outer) < FRAMES_OUTER:
                outer.append((frame, tb.tb_lineno))
            else:
                inner.append((frame, tb.tb_lineno))
        tb = tb.tb_next
    omitted = total - len(outer) - len(inner)
    if not omitted:
        return outer + list(inner), 0
    return [*outer, None, *list(inner)], omitted


def _message(exc):
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not hide the error itself
        return f"<unprintable {qualified_name(type(exc))} object>"


def _format(exc, entries, omitted):
    """This exception's own traceback text; its cause and context have their own dicts."""
    lines = []
    if entries:
        lines.append("Traceback (most recent call last):\n")
        if omitted:
            cut = entries.index(None)
            lines.extend(traceback.StackSummary.extract(entries[:cut]).format())
            lines.append(f"  ... {omitted} frames omitted ...\n")
            lines.extend(traceback.StackSummary.extract(entries[cut + 1 :]).format())
        else:
            lines.extend(traceback.StackSummary.extract(entries).format())
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)


def _frame_tuple(frame, lineno):
    code = frame.f_code
    module = frame.f_globals.get("__name__")
    return (
        module if isinstance(module, str) else "<unknown>",
        code.co_name,
        code.co_filename,
        lineno or 0,
    )
