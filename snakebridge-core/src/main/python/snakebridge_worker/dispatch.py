"""The CALL operations (WIRE-PROTOCOL §4.2).

Runs on the hot path of every call, so it does as little as it can: a dict lookup for the
module, a getattr per name component, the call.
"""

import sys

from snakebridge_worker import ProtocolError

_modules = {}
"""Modules this worker has imported, by name; a hit skips the import machinery."""


def run(request):
    """Performs a decoded CALL value `(op, session, *operands)` and returns the result."""
    if type(request) is not tuple or len(request) < 2:
        raise ProtocolError(
            f"a CALL value must be a tuple (op, session, ...), got {_shape(request)}")
    op = request[0]
    if request[1] is not None:
        raise ProtocolError("sessions are not part of protocol 1: session must be None")
    if op == "call" and len(request) == 6:
        _, _, module, function, args, kwargs = request
        if type(module) is str and type(function) is str and type(args) is list \
                and type(kwargs) is dict:
            return _lookup(_module(module), function)(*args, **kwargs)
    elif op == "module_attr" and len(request) == 4:
        _, _, module, attr = request
        if type(module) is str and type(attr) is str:
            return _lookup(_module(module), attr)
    raise ProtocolError(f"malformed CALL value {_shape(request)}")


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
