"""A helper module inside a helper package."""

import pathlib


def shout(text):
    return text.upper()


def path_of(text):
    """Returns a value with no by-value mapping: a reference within a session."""
    return pathlib.PurePosixPath(text)
