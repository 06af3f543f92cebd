"""Lets `python -m snakebridge_worker` start a worker, as the JVM's `-c` entry point does."""

import sys

if sys.version_info < (3, 9):
    # The same refusal as the JVM's entry point; kept parseable by the old interpreters it names.
    sys.stderr.write("Python %d.%d.%d at %s is too old: SnakeBridge needs CPython 3.9 or newer\n"
                     % (tuple(sys.version_info[:3]) + (sys.executable,)))
    sys.exit(4)

from snakebridge_worker.server import main  # noqa: E402

main()
