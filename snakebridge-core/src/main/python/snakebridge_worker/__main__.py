"""Lets `python -m snakebridge_worker` start a worker, as the JVM's `-c` entry point does."""

import sys

# The same refusal as the JVM's entry point; kept parseable by the old interpreters it names,
# hence the outdated version block and the printf-style formatting.
if sys.version_info < (3, 9):  # noqa: UP036
    sys.stderr.write(
        "Python %d.%d.%d at %s is too old: SnakeBridge needs CPython 3.9 or newer\n"  # noqa: UP031
        % (tuple(sys.version_info[:3]) + (sys.executable,))  # noqa: RUF005
    )
    sys.exit(4)

from snakebridge_worker.server import main

main()
