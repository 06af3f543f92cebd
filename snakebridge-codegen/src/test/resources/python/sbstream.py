"""Generator functions for the streaming methods' tests."""


def count_up(n: int, step: int = 1):
    """Yields 0, step, 2*step, ... below n * step.

    Parameters
    ----------
    n : int
        How many numbers.
    step : int
        The distance between two.
    """
    for i in range(n):
        yield i * step


def words(*parts, upper=False):
    """Yields each part, upper-cased when asked."""
    for p in parts:
        yield p.upper() if upper else p


def total(n: int) -> int:
    """Not a generator: no streaming method."""
    return n
