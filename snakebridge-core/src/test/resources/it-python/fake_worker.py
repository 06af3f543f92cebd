"""A fake worker for the JVM's protocol robustness tests: a correct handshake, then, depending on
the function called, a correct echo or one kind of broken output."""

import os
import pickle
import platform
import struct
import sys
import time

IN = sys.stdin.buffer
OUT = sys.stdout.buffer
HEADER = struct.Struct(">IBBHQ")
HELLO, CALL, RESULT, PING, PONG, SHUTDOWN = 1, 2, 3, 6, 7, 8


def read_exact(count):
    data = b""
    while len(data) < count:
        chunk = IN.read(count - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def read_frame():
    length, kind, _flags, _reserved, request_id = HEADER.unpack(read_exact(16))
    return kind, request_id, read_exact(length - 12)


def value(body):
    pickle_length, buffers = struct.unpack(">II", body[:8])
    start = 8 + 8 * buffers
    return pickle.loads(body[start:start + pickle_length])


def section(obj):
    data = pickle.dumps(obj, protocol=5)
    return struct.pack(">II", len(data), 0) + data


def write_frame(kind, request_id, body=b""):
    OUT.write(HEADER.pack(12 + len(body), kind, 0, 0, request_id) + body)
    OUT.flush()


def main():
    read_frame()
    write_frame(HELLO, 0, section({
        "protocol": 1, "min_protocol": 1, "python_version": platform.python_version(),
        "implementation": "cpython", "pid": os.getpid(),
        "executable": os.environ.get("FAKE_WORKER_EXECUTABLE", sys.executable)}))
    while True:
        kind, request_id, body = read_frame()
        if kind == SHUTDOWN:
            sys.exit(0)
        if kind == PING:
            write_frame(PONG, request_id)
            continue
        if kind != CALL:
            continue
        function, args = value(body)[3], value(body)[4]
        if function == "echo":
            write_frame(RESULT, request_id, section(args[0]))
        elif function == "garbage":
            OUT.write(b"this is not a frame\n" * 4)
            OUT.flush()
            time.sleep(60)
        elif function == "truncated":
            OUT.write(HEADER.pack(12 + 1000, RESULT, 0, 0, request_id) + b"x" * 10)
            OUT.flush()
            sys.stderr.write("fake worker: exiting in the middle of a frame\n")
            sys.stderr.flush()
            os._exit(0)
        elif function == "oversized":
            OUT.write(HEADER.pack(0xFFFFFFF0, RESULT, 0, 0, request_id))
            OUT.flush()
            time.sleep(60)
        elif function == "badkind":
            write_frame(99, request_id)
            time.sleep(60)
        elif function == "badvalue":
            write_frame(RESULT, request_id, b"\x00\x00\x00\x05\x00\x00\x00\x00nope!")
            time.sleep(60)


main()
