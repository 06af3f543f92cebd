"""Functions the benchmark calls through SnakeBridge. Values are built once and cached, so a
timed call measures the transfer, not the construction."""
import pickle
import time

_lists = {}
_arrays = {}


def make_list(n):
    """A list of n distinct floats, built on the first call."""
    value = _lists.get(n)
    if value is None:
        value = _lists[n] = [i * 0.25 + 0.1 for i in range(n)]
    return value


def make_array(n):
    """A float64 numpy array of n elements, built on the first call."""
    value = _arrays.get(n)
    if value is None:
        import numpy
        value = _arrays[n] = numpy.arange(n, dtype=numpy.float64) * 0.25 + 0.1
    return value


def length(value):
    return len(value)


def pickle_cost(n, repeat):
    """Seconds per pickle.dumps and per pickle.loads (protocol 5) of make_list(n): the Python
    side's share of a list transfer, measured without a pipe."""
    value = make_list(n)
    data = pickle.dumps(value, protocol=5)
    start = time.perf_counter()
    for _ in range(repeat):
        pickle.dumps(value, protocol=5)
    dumps = (time.perf_counter() - start) / repeat
    start = time.perf_counter()
    for _ in range(repeat):
        pickle.loads(data)
    loads = (time.perf_counter() - start) / repeat
    return (dumps, loads, len(data))


def call_cost(repeat):
    """Seconds per iteration of what a worker does for call("math", "sqrt", 16) minus the pipe:
    unpickle a call tuple, look the function up, call it, pickle the result. An estimate of the
    Python side's share of one call; the real worker also builds frames and dispatches."""
    import importlib
    request = pickle.dumps(("call", None, "math", "sqrt", [16], {}), protocol=5)
    start = time.perf_counter()
    for _ in range(repeat):
        op, session, module, function, args, kwargs = pickle.loads(request)
        target = getattr(importlib.import_module(module), function)
        pickle.dumps(target(*args, **kwargs), protocol=5)
    return (time.perf_counter() - start) / repeat



# Issue 3: references and callbacks. The same trivial work three ways: a module function, a
# method of an instance held by reference, and a Java callback called from Python.

attr = 1


def one():
    return 1


class Obj:
    """A small instance the benchmark holds by reference (callClass)."""

    def __init__(self):
        self.attr = 1

    def one(self):
        return 1


def call_it(f):
    """Calls f(1): with a Java function, one callback round trip inside the call."""
    return f(1)


# Issue 4: streaming. Generators of small ints and of dicts of about 1 KB (pickled), each dict
# with its own payload string, so a batch's pickle cannot share them.


def ints(n):
    """A generator of the ints 0 .. n-1."""
    for i in range(n):
        yield i


def dicts(n):
    """A generator of n distinct dicts of about 1 KB each."""
    filler = "x" * 954
    for i in range(n):
        yield {"id": i, "name": "item", "payload": filler + "%06d" % i}


def int_list(n):
    """The same ints as one list: the by-value floor of a stream."""
    return list(range(n))

