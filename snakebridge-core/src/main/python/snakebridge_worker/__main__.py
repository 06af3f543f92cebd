"""Lets `python -m snakebridge_worker` start a worker, as the JVM's `-c` entry point does."""

from snakebridge_worker.server import main

main()
