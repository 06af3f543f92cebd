"""A helper module that fails on import with an error of its own."""

import snakebridge_no_such_module  # noqa: F401
