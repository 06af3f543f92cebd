"""The CALL operations (WIRE-PROTOCOL §4.2, §5.3, §6).

Runs on the hot path of every call, so a plain `call` does as little as it can: a dict lookup
for the module, a getattr per name component, the call, and one type check for a coroutine
(§6.4: awaited on the thread's event loop, see aio.py). Sessions, references, callbacks and
streams cost only the calls that carry them.
"""

import sys

from snakebridge_worker import ProtocolError, aio, refs, streams
from snakebridge_worker.callbacks import CallScope
from snakebridge_worker.codec import AsRef
from snakebridge_worker.sessions import MISSING

_COROUTINE = aio.COROUTINE

_modules = {}
"""Modules this worker has imported, by name; a hit skips the import machinery."""


class Dispatcher:
    """Performs decoded CALL values against one worker's sessions and helpers."""

    def __init__(self, registry, helpers):
        self._registry = registry
        self.helpers = helpers  # replaced once HELLO has named the helper folders
        self.streams = streams.Streams(registry)

    def attach(self, control):
        """Lets CANCEL reach awaited coroutines and streams: once the worker's control exists."""
        self.streams.control = control
        aio.attach(control)

    def run(self, request, seen):
        """Performs a CALL value `(op, session, *operands)`; `seen` is what decoding it met
        (refs.Seen) or None. Returns (result, the call's sessions.Session or None)."""
        if type(request) is not tuple or len(request) < 2:
            raise ProtocolError(
                f"a CALL value must be a tuple (op, session, ...), got {_shape(request)}"
            )
        spec = request[1]
        session = None if spec is None else self._registry.session(spec)
        if seen is None:
            # The hot paths, inlined: a plain call, and a method call or an attribute read on a
            # reference named by its id, without references or callbacks in the arguments.
            op = request[0]
            if op == "call" and len(request) == 6:
                _, _, module, function, args, kwargs = request
                if (
                    type(module) is str
                    and type(function) is str
                    and type(args) is list
                    and type(kwargs) is dict
                ):
                    target = _modules.get(module)
                    if target is None:
                        target = _module(module)
                    if "." in function:
                        target = _lookup(target, function)
                    else:
                        target = getattr(target, function)
                    result = target(*args, **kwargs)
                    if type(result) is _COROUTINE:
                        result = aio.run(result)
                    return result, session
            elif op == "ref_method" and len(request) == 6:
                _, _, ref_id, method, args, kwargs = request
                if (
                    type(ref_id) is str
                    and type(method) is str
                    and type(args) is list
                    and type(kwargs) is dict
                ):
                    target = self._target(session, ref_id)
                    target = (
                        getattr(target, method) if "." not in method else _lookup(target, method)
                    )
                    result = target(*args, **kwargs)
                    if type(result) is _COROUTINE:
                        result = aio.run(result)
                    return result, session
            elif op == "ref_attr" and len(request) == 4:
                _, _, ref_id, attr = request
                if type(ref_id) is str and type(attr) is str:
                    target = self._target(session, ref_id)
                    return (
                        getattr(target, attr) if "." not in attr else _lookup(target, attr)
                    ), session
            return self._perform(request, session, None), session
        seen.check(session)
        if not seen.callbacks:
            return self._perform(request, session, seen), session
        if session is not None:
            seen.bind(session)
            return self._perform(request, session, seen), session
        scope = CallScope()  # §5.4: callbacks of a call without a session end with it
        seen.bind(scope)
        try:
            return self._perform(request, session, seen), session
        finally:
            scope.alive = False

    def _target(self, session, ref_id):
        """The object registered as `ref_id` in the call's session: the target of `ref_method`
        and `ref_attr` (§5.3), which name it by its id alone."""
        if session is None:
            raise ProtocolError("ref_method and ref_attr need the call's session")
        target = self._registry.resolve(session.session_id, ref_id)
        if target is MISSING:
            raise refs.not_found(ref_id, session.session_id, session.session_id)
        return target

    def _perform(self, request, session, seen):
        op = request[0]
        size = len(request)
        if op == "call" and size == 6:
            _, _, module, function, args, kwargs = request
            if (
                type(module) is str
                and type(function) is str
                and type(args) is list
                and type(kwargs) is dict
            ):
                return _awaited(_lookup(_module(module), function)(*args, **kwargs))
        elif op == "module_attr" and size == 4:
            _, _, module, attr = request
            if type(module) is str and type(attr) is str:
                return _lookup(_module(module), attr)
        elif op == "call_method" and size == 6:
            _, _, target, method, args, kwargs = request
            if type(method) is str and type(args) is list and type(kwargs) is dict:
                return _awaited(_lookup(target, method)(*args, **kwargs))
        elif op == "get_attr" and size == 4:
            _, _, target, attr = request
            if type(attr) is str:
                return _lookup(target, attr)
        elif op == "ref_method" and size == 6:
            _, _, ref_id, method, args, kwargs = request
            if (
                type(ref_id) is str
                and type(method) is str
                and type(args) is list
                and type(kwargs) is dict
            ):
                return _awaited(_lookup(self._target(session, ref_id), method)(*args, **kwargs))
        elif op == "ref_attr" and size == 4:
            _, _, ref_id, attr = request
            if type(ref_id) is str and type(attr) is str:
                return _lookup(self._target(session, ref_id), attr)
        elif op == "set_attr" and size == 5:
            _, _, target, attr, value = request
            if type(attr) is str:
                path, _, name = attr.rpartition(".")
                setattr(_lookup(target, path) if path else target, name, value)
                return None
        elif op == "call_class" and size == 6:
            _, _, module, class_name, args, kwargs = request
            if (
                type(module) is str
                and type(class_name) is str
                and type(args) is list
                and type(kwargs) is dict
            ):
                return AsRef(_lookup(_module(module), class_name)(*args, **kwargs))
        elif op == "helper" and size == 5:
            _, _, name, args, kwargs = request
            if type(name) is str and type(args) is list and type(kwargs) is dict:
                return _awaited(self.helpers.find(name)(*args, **kwargs))
        elif op == "stream" and size == 7:
            _, _, module, function, args, kwargs, batch = request
            if (
                type(module) is str
                and type(function) is str
                and type(args) is list
                and type(kwargs) is dict
                and type(batch) is int
                and batch >= 0
            ):
                result = _awaited(_lookup(_module(module), function)(*args, **kwargs))
                return self.streams.start(session, result, batch)
        elif op == "stream_batch" and size == 4:
            _, _, target, batch = request
            if type(batch) is int and batch >= 1:
                return self.streams.batch(session, seen, target, batch)
        elif op == "stream_next" and size == 3:
            return self.streams.next_item(session, seen, request[2])
        elif op == "stream_len" and size == 3:
            return streams.length(request[2])
        elif op == "stream_close" and size == 3:
            return self.streams.close(session, seen, request[2])
        elif op == "release_refs" and size == 3:
            ref_ids = request[2]
            if type(ref_ids) is list and all(type(ref_id) is str for ref_id in ref_ids):
                return 0 if session is None else self._registry.release_refs(session, ref_ids)
        elif op == "release_session" and size == 2:
            return 0 if session is None else self._registry.release_session(session)
        elif op == "sessions" and size == 2:
            return self._registry.live_counts()
        raise ProtocolError(f"malformed CALL value {_shape(request)}")


def _awaited(result):
    """§6.4: a coroutine's result instead of the coroutine."""
    if type(result) is _COROUTINE:
        return aio.run(result)
    return result


def _module(name):
    module = _modules.get(name)
    if module is None:
        # __import__ rather than importlib.import_module: same semantics for absolute names,
        # and CPython strips its import machinery's frames from the traceback of a failure.
        __import__(name)
        module = _modules[name] = sys.modules[name]
    return module


def _lookup(target, dotted):
    if "." not in dotted:
        return getattr(target, dotted)
    for name in dotted.split("."):
        target = getattr(target, name)
    return target


def _shape(value):
    """Describes a malformed request by the types of its parts, never by its (user) content."""
    if type(value) is tuple:
        return "(" + ", ".join(type(part).__name__ for part in value) + ")"
    return type(value).__name__
