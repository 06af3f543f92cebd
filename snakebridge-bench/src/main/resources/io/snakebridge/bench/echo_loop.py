"""The floor: the least a Python process can do per round trip over the worker's kind of pipe.

Reads a frame (4-byte big-endian length, then that many bytes) from fd 0 and writes it back
unchanged on fd 1, with os.readv/os.write into preallocated buffers: no decoding, no dispatch,
no allocation per small frame. Exits at end of input. Raises the pipes to 1 MiB like the worker.
"""
import fcntl
import os

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
IN, OUT = 0, 1


def grow(fd):
    try:
        fcntl.fcntl(fd, F_SETPIPE_SZ, 1 << 20)
    except OSError:
        pass


def read_into(view):
    got, size = 0, len(view)
    while got < size:
        n = os.readv(IN, [view[got:]])
        if n == 0:
            return False
        got += n
    return True


def write_all(view):
    while view:
        view = view[os.write(OUT, view):]


def main():
    grow(IN)
    grow(OUT)
    buffer = bytearray(4 + 65536)
    while True:
        view = memoryview(buffer)
        if not read_into(view[:4]):
            return
        size = int.from_bytes(view[:4], "big")
        if size + 4 > len(buffer):
            buffer = bytearray(size + 4)
            view = memoryview(buffer)
            view[:4] = size.to_bytes(4, "big")
        if not read_into(view[4:4 + size]):
            return
        write_all(view[:4 + size])


if __name__ == "__main__":
    main()
