"""A helper module: it lies in a folder named in HELLO helper_paths."""


def hello(name, punctuation="!"):
    return f"hello {name}{punctuation}"


def needs_a_missing_module():
    import snakebridge_no_such_module  # noqa: F401 -- the helper's own error, not "not found"


async def hello_later(name):
    """A coroutine function: the worker awaits what it returns (§6.4)."""
    return hello(name)
