"""Helpers: functions an application ships for the JVM to call by name (WIRE-PROTOCOL §5.5).

A helper is `module.function` whose module file lies under one of HELLO's `helper_paths`. The
top-level package is located before anything is imported (for a top-level name importlib
only searches sys.path) and must lie in a helper folder, so asking for `os.system`, or for a
module that a folder earlier on sys.path shadows, runs no code of that module. The module is
checked again once imported, since a package may extend its `__path__` beyond its folder.
"""

import importlib
import importlib.util
import os

from snakebridge_worker import HelperNotFound

_ABSENT = object()


class Helpers:
    """The helper folders of one worker and the helpers found in them so far."""

    def __init__(self, folders):
        self.folders = list(folders)
        self._roots = [os.path.join(os.path.realpath(folder), "") for folder in folders]
        self._found = {}

    def find(self, name):
        """The function named `name`; HelperNotFound says why not, naming the folders."""
        function = self._found.get(name)
        if function is None:
            function = self._found[name] = self._resolve(name)
        return function

    def _resolve(self, name):
        module_name, _, function_name = name.rpartition(".")
        if not module_name or not function_name:
            raise self._not_found(name, "a helper is named module.function")
        top = module_name.partition(".")[0]
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):  # ValueError: a module in sys.modules without a spec
            spec = None
        if spec is None:
            raise self._not_found(name, f"there is no module {top}")
        if not self._inside(_spec_locations(spec)):
            raise self._not_found(name, f"module {top} ({spec.origin}) is not in a helper folder")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and (module_name + ".").startswith(exc.name + "."):
                raise self._not_found(name, f"there is no module {module_name}") from None
            raise  # the helper module itself imports something missing: its own error
        if not self._inside(_module_locations(module)):
            raise self._not_found(name, f"module {module_name} is not in a helper folder")
        function = getattr(module, function_name, _ABSENT)
        if function is _ABSENT:
            raise self._not_found(name, f"module {module_name} has no {function_name!r}")
        return function

    def _inside(self, paths):
        return bool(paths) and all(
            any(os.path.realpath(path).startswith(root) for root in self._roots) for path in paths
        )

    def _not_found(self, name, reason):
        folders = ", ".join(self.folders) if self.folders else "none configured"
        return HelperNotFound(f"helper {name!r} not found: {reason} (helper folders: {folders})")


def _spec_locations(spec):
    paths = list(spec.submodule_search_locations or ())
    if spec.has_location and spec.origin:
        paths.append(spec.origin)
    return paths


def _module_locations(module):
    path = getattr(module, "__file__", None)
    return [path] if path else list(getattr(module, "__path__", ()))
