"""A module for the generator's Literal tests: string options as annotations and as numpydoc
sets, required and optional, on a function and on a class."""

from typing import Literal, Optional

__all__ = ["Solver", "center", "norm"]


def center(values: list, how: Literal["mean", "median"]) -> float:
    """Centers values.

    Parameters
    ----------
    values : list
        The numbers.
    how : {'mean', 'median'}
        The statistic.
    """
    mid = sorted(values)[len(values) // 2] if how == "median" else sum(values) / len(values)
    return mid


def norm(x, kind: Optional[Literal["l1", "l2", "max-abs"]] = None):
    """The norm of x, or its name.

    Parameters
    ----------
    x : list
        The numbers.
    kind : {'l1', 'l2', 'max-abs'} or None
        Which norm.
    """
    return kind


class Solver:
    """A solver.

    Parameters
    ----------
    method : {'newton-cg', 'lbfgs', 'sag'}, default='lbfgs'
        The algorithm.
    """

    def __init__(self, method="lbfgs"):
        self.method = method

    def describe(self, style: Literal["short", "long"] = "short"):
        """Describes the solver."""
        return self.method if style == "short" else "solver " + self.method
