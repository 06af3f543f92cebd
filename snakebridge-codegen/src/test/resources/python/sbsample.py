"""A small module for the generator's tests: every parameter kind, a sentinel default, a class
returning ``self`` and a documented fitted attribute."""

_NOVALUE = type("_NoValueType", (), {"__repr__": lambda self: "<no value>"})()


def echo(a, b=1, /, c=2, *, d=None, **kw):
    """Returns what it was given.

    Parameters
    ----------
    a : str
        Required.
    b : int
        Positional only.
    c : int
        Positional or keyword.
    d : str or None
        Keyword only.
    """
    return [a, b, c, d, [[k, v] for k, v in sorted(kw.items())]]


def sentinel(x=_NOVALUE):
    """True when x was not passed: its default cannot be sent back."""
    return x is _NOVALUE


def total(*values, scale=1):
    """Sums values times scale.

    Returns
    -------
    int
        The sum.
    """
    return sum(values) * scale


class Counter:
    """Counts in steps.

    Parameters
    ----------
    start : int
        Where to start.
    step : int
        What one add adds.

    Attributes
    ----------
    total_ : int
        The count so far.
    """

    def __init__(self, start=0, *, step=1):
        self.total_ = start
        self.step = step

    def add(self, times=1):
        """Adds the step.

        Parameters
        ----------
        times : int
            How often.

        Returns
        -------
        self : object
            This counter.
        """
        self.total_ += self.step * times
        return self


def span(lo=0, hi=10, /):
    """Returns [lo, hi]; both are positional-only."""
    return [lo, hi]
