"""The least a Python worker can do per call, for comparison with the real one (bench row 1m).

At start it writes one length-prefixed message: the pickle of the call tuple the JVM is then to
send it over and over, ("call", None, "math", "sqrt", [16], {}) without memo opcodes, as the
library's Java writer writes it. Then, for each length-prefixed message read from fd 0, it
unpickles the call with `pickle.loads`, looks the function up, calls it, and writes the
length-prefixed pickle of the result on fd 1. No frame header, no checks, no sessions, no
control thread, and an unrestricted unpickler (unsafe: it would construct any global a pickle
names, which is why the real worker restricts `find_class`). Exits at end of input. Raises the
pipes to 1 MiB like the worker, with `echo_loop.py`'s code (the harness extracts both).
"""
import io
import os
import pickle
import sys

from echo_loop import IN, OUT, grow, read_into  # the floor's own pipe handling, beside it


def request():
    out = io.BytesIO()
    pickler = pickle.Pickler(out, 5)
    pickler.fast = True  # no memo opcodes, like the Java writer
    pickler.dump(("call", None, "math", "sqrt", [16], {}))
    return out.getvalue()


def main():
    grow(IN)
    grow(OUT)
    first = request()
    os.write(OUT, len(first).to_bytes(4, "big") + first)
    buffer = bytearray(65536)
    view = memoryview(buffer)
    modules = sys.modules
    __import__("math")
    while True:
        if not read_into(view[:4]):
            return
        size = int.from_bytes(view[:4], "big")
        if not read_into(view[4:4 + size]):
            return
        _, _, module, function, args, kwargs = pickle.loads(view[4:4 + size])
        result = getattr(modules[module], function)(*args, **kwargs)
        data = pickle.dumps(result, 5)
        os.write(OUT, len(data).to_bytes(4, "big") + data)


if __name__ == "__main__":
    main()
