"""Module paths of leadrules 0.1 that the documentation named, kept importable after the
modules moved into sub-packages: ``leadrules.ast`` (now :mod:`leadrules.lang.ast`),
``leadrules.analysis`` (:mod:`leadrules.lang.analysis`) and ``leadrules.compiler``
(:mod:`leadrules.backends.python`). Importing one gives a module that reads every name from the new
one, with a :class:`DeprecationWarning` naming the new path.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

__all__ = ["MOVED", "install"]

#: old module path -> new module path.
MOVED = {
    "leadrules.ast": "leadrules.lang.ast",
    "leadrules.analysis": "leadrules.lang.analysis",
    "leadrules.compiler": "leadrules.backends.python",
}


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default: a new, empty module

    def exec_module(self, module: ModuleType) -> None:
        new = MOVED[module.__name__]
        warnings.warn(
            f"{module.__name__} is now {new}; import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        target = importlib.import_module(new)
        module.__getattr__ = lambda name: getattr(target, name)  # type: ignore[method-assign]
        setattr(module, "__all__", list(getattr(target, "__all__", ())))  # noqa: B010
        module.__doc__ = f"Moved: this is {new} (imported under its old name)."


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in MOVED:
            return importlib.machinery.ModuleSpec(fullname, _Loader())
        return None


def install() -> None:
    """Make the old paths importable (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
